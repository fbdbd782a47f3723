"""Topics: the people, countries and organisations that stories are about."""

from django.conf import settings
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
    context = models.TextField(
        "context terms",
        blank=True,
        help_text=(
            "Words that tell an article is about this topic, one per line (e.g. “Caracas Convention”, “asylum”). "
            "A surname alone (“Chávez”) matches a person only when the full name or a context term is in the "
            "article or its event; names and proper nouns of the description count too."
        ),
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

    @property
    def context_list(self) -> list[str]:
        """The context terms as a list, blank lines dropped."""
        return [line.strip() for line in self.context.splitlines() if line.strip()]


class TopicAlias(models.Model):
    """How editors judged the matches one name or alias of a topic produced.

    Counted from the decisions on ``sources.ArticleTopic`` (whose ``matched_as``
    records the alias). An alias whose matches editors keep removing
    (``ALIAS_REVIEW_MIN_DECISIONS`` decisions or more, ``ALIAS_REVIEW_REMOVED_SHARE``
    or more of them removals) is flagged for review and switched off for
    future matching; an editor switches it back on from the topic's page.
    """

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="alias_states", verbose_name="topic")
    alias = models.CharField("alias", max_length=200, help_text="The name, alias, surname or adjective as matched.")
    confirmed = models.PositiveIntegerField("confirmed", default=0, help_text="Matches editors confirmed.")
    removed = models.PositiveIntegerField("removed", default=0, help_text="Matches editors removed.")
    is_disabled = models.BooleanField(
        "switched off", default=False, help_text="Not used for matching new articles until an editor switches it back on."
    )
    flagged_at = models.DateTimeField("flagged", null=True, blank=True, help_text="When removals crossed the threshold.")
    reviewed_at = models.DateTimeField(
        "reviewed", null=True, blank=True, help_text="When an editor last reviewed it; only later decisions can flag it again."
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    updated_at = models.DateTimeField("updated", auto_now=True)

    class Meta:
        ordering = ["topic", "alias"]
        verbose_name = "alias state"
        verbose_name_plural = "alias states"
        constraints = [models.UniqueConstraint(fields=["topic", "alias"], name="topicalias_unique")]

    def __str__(self) -> str:
        return f"{self.topic_id}: {self.alias}"

    @property
    def decisions(self) -> int:
        return self.confirmed + self.removed

    @property
    def state(self) -> str:
        if self.is_disabled:
            return "switched off (editors kept removing its matches)"
        if self.reviewed_at:
            return "on (reviewed)"
        return "on"
