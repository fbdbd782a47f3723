"""Topics: the people, countries and organisations that stories are about."""

from django.db import models
from django.urls import reverse

from images.models import picture_described


class Topic(models.Model):
    """An entity a story can be tagged with; shown as a card on story pages."""

    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        COUNTRY = "country", "Country"
        ORGANISATION = "organisation", "Organisation"
        PLACE = "place", "Place"
        EVENT = "event", "Event"
        THEME = "theme", "Theme"

    name = models.CharField("name", max_length=200, help_text="As readers know it, e.g. “Claudia Sheinbaum”.")
    slug = models.SlugField("slug", max_length=200, unique=True, help_text="The topic's address: /topics/this-slug/.")
    kind = models.CharField(
        "kind",
        max_length=20,
        choices=Kind.choices,
        default=Kind.THEME,
        help_text="What sort of entity this is; people, organisations and places map to ninjs subjects.",
    )
    description = models.TextField(
        "description", blank=True, help_text="Two or three plain sentences for the topic card and topic page."
    )
    aliases = models.TextField(
        "aliases",
        blank=True,
        help_text="Other names to match in incoming articles, one per line (e.g. “Sheinbaum”).",
    )
    external_url = models.URLField("external link", blank=True, help_text="Wikipedia or Wikidata page for this entity.")
    image = models.ForeignKey(
        "images.Image", on_delete=models.PROTECT, null=True, blank=True, related_name="topics", verbose_name="picture",
        help_text="Shown on the topic's card and page: a portrait, a flag, a logo. It needs alt text and a credit.",
    )  # fmt: skip
    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("updated", auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "topic"
        verbose_name_plural = "topics"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("topics:detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        picture_described(self.image if self.image_id else None, "image")  # shown on cards and its page

    @property
    def alias_list(self) -> list[str]:
        """The aliases as a list, blank lines dropped."""
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]

    @property
    def match_names(self) -> list[str]:
        """Every name under which the topic is matched in article text."""
        return [self.name, *self.alias_list]
