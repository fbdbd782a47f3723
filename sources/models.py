"""Outlets, their feeds, and the articles ingested from them."""

from django.db import models
from django.urls import reverse


class Outlet(models.Model):
    """A news organisation whose reporting stories cite (Reuters, AP News …)."""

    name = models.CharField("name", max_length=200, help_text="The outlet's own name, e.g. “Al Jazeera”.")
    slug = models.SlugField("slug", max_length=200, unique=True, help_text="The outlet's address: /outlets/<slug>/.")
    homepage = models.URLField("homepage", blank=True, help_text="The outlet's front page.")
    country = models.CharField(
        "country", max_length=2, blank=True, help_text="ISO 3166-1 alpha-2 code of the outlet's home country."
    )
    language = models.CharField(
        "language", max_length=16, blank=True, help_text="Main publishing language, as a BCP 47 tag (e.g. “en”)."
    )
    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("updated", auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "outlet"
        verbose_name_plural = "outlets"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("sources:outlet", kwargs={"slug": self.slug})


class Feed(models.Model):
    """One RSS, Atom or JSON Feed an outlet publishes."""

    outlet = models.ForeignKey(
        Outlet, on_delete=models.CASCADE, related_name="feeds", verbose_name="outlet",
        help_text="The outlet that publishes this feed.",
    )
    url = models.URLField("feed URL", max_length=1000, unique=True, help_text="Address of the RSS, Atom or JSON feed.")
    title = models.CharField("title", max_length=300, blank=True, help_text="A label for editors, e.g. “World news”.")
    is_active = models.BooleanField("active", default=True, help_text="Inactive feeds are not polled.")
    created_at = models.DateTimeField("created", auto_now_add=True)

    class Meta:
        ordering = ["outlet__name", "url"]
        verbose_name = "feed"
        verbose_name_plural = "feeds"

    def __str__(self) -> str:
        return self.title or self.url

    def get_absolute_url(self) -> str:
        return self.url


class SourceArticle(models.Model):
    """An article an outlet published, as read from one of its feeds."""

    outlet = models.ForeignKey(
        Outlet, on_delete=models.CASCADE, related_name="articles", verbose_name="outlet",
        help_text="Who published it.",
    )
    feed = models.ForeignKey(
        Feed, on_delete=models.SET_NULL, null=True, blank=True, related_name="articles",
        verbose_name="feed", help_text="The feed it was first read from, if any.",
    )
    url = models.URLField("URL", max_length=1000, help_text="Canonical address of the article.")
    title = models.CharField("title", max_length=500, help_text="Plain-text headline.")
    summary = models.TextField("summary", blank=True, help_text="Plain-text summary from the feed.")
    published_at = models.DateTimeField("published", null=True, blank=True, help_text="When the outlet published it.")
    created_at = models.DateTimeField("first seen", auto_now_add=True)
    updated_at = models.DateTimeField("updated", auto_now=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = "source article"
        verbose_name_plural = "source articles"
        constraints = [
            models.UniqueConstraint(fields=["outlet", "url"], name="sourcearticle_unique_outlet_url"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return self.url
