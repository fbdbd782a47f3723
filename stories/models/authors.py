"""Author profiles: the public page of a person credited on stories."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from newsroom.auth import display_name


class AuthorProfile(models.Model):
    """What readers see of a person whose name is on a byline: name, role, photo, short bio and their stories.

    The page exists only while the person is credited on a live story
    (``Story.live_authors``); bylines of live stories link to it.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="author_profile", verbose_name="person"
    )
    slug = models.SlugField(
        "slug", max_length=100, unique=True, help_text="The page's address: /authors/this-slug/. Usually first-last."
    )
    name = models.CharField(
        "public name", max_length=150, blank=True,
        help_text="How readers see the name on the author page; empty: the account's full name. Bylines keep the "
        "name the story was published with.",
    )  # fmt: skip
    role = models.CharField("role", max_length=150, blank=True, help_text='A title, e.g. "Latin America correspondent".')
    bio = models.TextField("short bio", max_length=1000, blank=True, help_text="Two or three plain sentences.")
    photo = models.ForeignKey(
        "images.Image", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="photo",
        help_text="A library image of the person (a portrait is cropped square). It cannot be deleted while used here.",
    )  # fmt: skip
    updated_at = models.DateTimeField("updated", auto_now=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = "author profile"
        verbose_name_plural = "author profiles"

    def __str__(self) -> str:
        return self.public_name

    def get_absolute_url(self) -> str:
        return reverse("stories:author", kwargs={"slug": self.slug})

    @property
    def public_name(self) -> str:
        return self.name or display_name(self.user)
