"""Events: articles from many outlets about the same happening, grouped as they arrive.

Ingestion stores articles one by one; clustering gathers them into events, so
an editor sees that seven outlets in three languages are reporting one thing,
and how fast it is growing. Editors' moves of an article between events are
kept and respected by later clustering runs.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse


class Event(models.Model):
    """One happening, as reported by one or more outlets."""

    title = models.CharField("title", max_length=500, help_text="The headline that best names the event.")
    first_seen_at = models.DateTimeField("first article", help_text="When its earliest article was published.")
    last_seen_at = models.DateTimeField("latest article", help_text="When its latest article was published.")
    article_count = models.PositiveIntegerField("articles", default=0, editable=False)
    outlet_count = models.PositiveIntegerField("outlets", default=0, editable=False)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_events",
        verbose_name="merged into",
        help_text="Set when clustering found this event to be the same as another.",
    )
    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("updated", auto_now=True)

    # --- clustering state (events/clustering.py): what the next run, in any process, needs ---
    vector = models.BinaryField(
        "centroid", default=b"", editable=False, help_text="Top terms of the members' summed TF-IDF vectors, packed."
    )
    bands = models.BinaryField(
        "shingle bands", default=b"", editable=False, help_text="Near-duplicate keys of its members' texts, packed."
    )
    outlets = models.BinaryField(
        "outlet ids", default=b"", editable=False, help_text="Its members' outlets, packed: the outlet count without a join."
    )
    version = models.BigIntegerField(
        "clustering version", default=0, editable=False, help_text="The clustering run that last changed it."
    )

    class Meta:
        ordering = ["-last_seen_at", "-id"]
        verbose_name = "event"
        verbose_name_plural = "events"
        indexes = [
            models.Index(fields=["-last_seen_at"], name="event_last_seen"),
            models.Index(fields=["version"], name="event_version"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("admin:events_event_change", args=[self.pk])


class EventArticle(models.Model):
    """An article's place in an event: one event per article."""

    class Method(models.TextChoices):
        DUPLICATE = "duplicate", "Near-duplicate of an article in the event"
        SIMILAR = "similar", "Similar text within the time window"
        STARTED = "started", "Started the event"
        EDITOR = "editor", "Moved here by an editor"

    article = models.OneToOneField(
        "sources.SourceArticle", on_delete=models.CASCADE, related_name="event_link", verbose_name="article"
    )
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="memberships", verbose_name="event")
    method = models.CharField("how it joined", max_length=10, choices=Method.choices, default=Method.STARTED)
    similarity = models.FloatField("similarity", default=0.0, help_text="Its similarity to the event when it joined.")
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="moved by",
        editable=False,
        help_text="The editor who put it here; clustering never moves it again.",
    )
    joined_at = models.DateTimeField("joined", auto_now_add=True)

    class Meta:
        verbose_name = "event article"
        verbose_name_plural = "event articles"
        indexes = [models.Index(fields=["event", "article"], name="eventarticle_event")]

    def __str__(self) -> str:
        return f"{self.article_id} in {self.event_id} ({self.method})"

    def get_absolute_url(self) -> str:
        return reverse("admin:sources_sourcearticle_change", args=[self.article_id])


class ClusterState(models.Model):
    """One row: the clustering's run counter and article count, locked by each run (runs never overlap)."""

    version = models.BigIntegerField("version", default=0, help_text="Incremented by every clustering run.")
    epoch = models.CharField(
        "epoch", max_length=32, blank=True, help_text="Changed when events are deleted: every process reads its window again."
    )

    class Meta:
        verbose_name = "clustering state"
        verbose_name_plural = "clustering state"

    def __str__(self) -> str:
        return f"clustering v{self.version}"
