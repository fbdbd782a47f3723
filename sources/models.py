"""Outlets, their feeds, and the articles ingested from them."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse

from images.models import picture_described


class Outlet(models.Model):
    """A news organisation whose reporting stories cite (Reuters, AP News …)."""

    name = models.CharField("name", max_length=200, help_text="The outlet's own name, e.g. “Al Jazeera”.")
    slug = models.SlugField("slug", max_length=200, unique=True, help_text="The outlet's address: /outlets/this-slug/.")
    homepage = models.URLField("homepage", blank=True, help_text="The outlet's front page.")
    country = models.CharField(
        "country", max_length=2, blank=True, help_text="ISO 3166-1 alpha-2 code of the outlet's home country."
    )
    language = models.CharField(
        "language", max_length=16, blank=True, help_text="Main publishing language, as a BCP 47 tag (e.g. “en”)."
    )
    logo = models.ForeignKey(
        "images.Image", on_delete=models.PROTECT, null=True, blank=True, related_name="outlets", verbose_name="logo",
        help_text="Shown beside the outlet's citations and on its page.",
    )  # fmt: skip
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

    def clean(self):
        super().clean()
        picture_described(self.logo if self.logo_id else None, "logo")


class Feed(models.Model):
    """One RSS, Atom or JSON Feed an outlet publishes, with its polling health."""

    class Status(models.TextChoices):
        NEW = "new", "Not fetched yet"
        OK = "ok", "OK"
        NOT_MODIFIED = "not_modified", "OK, not modified (304)"
        LENIENT = "lenient", "OK, malformed feed read leniently"
        EMPTY = "empty", "OK, no items"
        HTTP_ERROR = "http_error", "HTTP error"
        TIMEOUT = "timeout", "Timed out"
        NETWORK_ERROR = "network_error", "Network error"
        REDIRECTS = "redirects", "Too many redirects"
        TOO_LARGE = "too_large", "Response too large"
        NOT_A_FEED = "not_a_feed", "Not a feed"
        BLOCKED = "blocked", "Refused: not a public address"
        ERROR = "error", "Internal error"

    #: Outcomes that count as a successful poll (no back-off).
    HEALTHY = frozenset({Status.OK, Status.NOT_MODIFIED, Status.LENIENT, Status.EMPTY})

    outlet = models.ForeignKey(
        Outlet,
        on_delete=models.CASCADE,
        related_name="feeds",
        verbose_name="outlet",
        help_text="The outlet that publishes this feed.",
    )
    url = models.URLField("feed URL", max_length=1000, unique=True, help_text="Address of the RSS, Atom or JSON feed.")
    title = models.CharField("title", max_length=300, blank=True, help_text="A label for editors, e.g. “World news”.")
    is_active = models.BooleanField("active", default=True, help_text="Inactive feeds are not polled.")
    created_at = models.DateTimeField("created", auto_now_add=True)

    # --- polling ---------------------------------------------------------
    fetch_interval = models.DurationField(
        "fetch interval",
        default=timedelta(minutes=15),
        help_text="How often to poll the feed when it is healthy (e.g. 00:15:00). Failures back off from this.",
    )
    quiet_after = models.DurationField(
        "quiet after",
        default=timedelta(days=2),
        help_text="Flag the feed as quiet when it has published nothing new for this long.",
    )
    next_fetch_at = models.DateTimeField(
        "next fetch",
        null=True,
        blank=True,
        help_text="When the feed is next due; empty means at the next poll.",
    )
    etag = models.CharField("ETag", max_length=500, blank=True, editable=False, help_text="Sent back as If-None-Match.")
    last_modified = models.CharField(
        "Last-Modified", max_length=100, blank=True, editable=False, help_text="Sent back as If-Modified-Since."
    )

    # --- health ----------------------------------------------------------
    last_fetched_at = models.DateTimeField("last fetch", null=True, blank=True, editable=False)
    last_status = models.CharField(
        "last status",
        max_length=20,
        choices=Status.choices,
        default=Status.NEW,
        editable=False,
        help_text="The outcome of the last fetch.",
    )
    last_http_status = models.PositiveSmallIntegerField(
        "last HTTP status", null=True, blank=True, editable=False, help_text="The HTTP status code of the last response."
    )
    last_error = models.TextField("last error", blank=True, editable=False, help_text="What went wrong, for editors.")
    consecutive_failures = models.PositiveIntegerField(
        "consecutive failures", default=0, editable=False, help_text="Failed fetches in a row; polling backs off."
    )
    items_seen = models.PositiveIntegerField(
        "items seen", default=0, editable=False, help_text="Entries in the feed at the last successful read."
    )
    articles_added = models.PositiveIntegerField(
        "articles added", default=0, editable=False, help_text="New articles stored from this feed, in all."
    )
    last_new_article_at = models.DateTimeField(
        "last new article", null=True, blank=True, editable=False, help_text="When the feed last brought a new article."
    )
    is_quiet = models.BooleanField(
        "quiet",
        default=False,
        editable=False,
        help_text="Nothing new for longer than “quiet after”: the feed may have moved or died.",
    )

    class Meta:
        ordering = ["outlet__name", "url"]
        verbose_name = "feed"
        verbose_name_plural = "feeds"
        indexes = [models.Index(fields=["is_active", "next_fetch_at"], name="feed_due")]

    def __str__(self) -> str:
        return self.title or self.url

    def get_absolute_url(self) -> str:
        return self.url


class SourceArticle(models.Model):
    """An article an outlet published, as read from one of its feeds."""

    outlet = models.ForeignKey(
        Outlet,
        on_delete=models.CASCADE,
        related_name="articles",
        verbose_name="outlet",
        help_text="Who published it.",
        db_index=False,  # the (outlet, url) unique index serves lookups by outlet
    )
    feed = models.ForeignKey(
        Feed,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="articles",
        verbose_name="feed",
        help_text="The feed it was first read from, if any.",
    )
    url = models.URLField("URL", max_length=1000, help_text="Canonical address of the article.")
    guid = models.CharField(
        "feed GUID",
        max_length=500,
        blank=True,
        help_text="The entry's identifier in the feed (guid, id); finds the article again when its URL changes.",
    )
    title = models.CharField("title", max_length=500, help_text="Plain-text headline.")
    summary = models.TextField("summary", blank=True, help_text="Plain-text summary from the feed.")
    language = models.CharField("language", max_length=16, blank=True, help_text="BCP 47 tag, from the entry or its feed.")
    published_at = models.DateTimeField("published", null=True, blank=True, help_text="When the outlet published it.")
    content_hash = models.CharField(
        "content hash",
        max_length=32,
        blank=True,
        editable=False,
        help_text="Digest of the stored fields; an unchanged entry is not written again.",
    )
    topics = models.ManyToManyField(
        "topics.Topic", through="ArticleTopic", blank=True, related_name="source_articles", verbose_name="topics"
    )
    created_at = models.DateTimeField("first seen", auto_now_add=True)
    updated_at = models.DateTimeField("updated", auto_now=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = "source article"
        verbose_name_plural = "source articles"
        constraints = [
            models.UniqueConstraint(fields=["outlet", "url"], name="sourcearticle_unique_outlet_url"),
        ]
        indexes = [
            models.Index(fields=["outlet", "guid"], name="sourcearticle_outlet_guid"),
            models.Index(fields=["-published_at"], name="sourcearticle_published"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return self.url


class ArticleTopic(models.Model):
    """A topic an article is about: matched by ingestion, confirmed or removed by an editor."""

    class Status(models.TextChoices):
        MATCHED = "matched", "Matched automatically"
        CONFIRMED = "confirmed", "Confirmed by an editor"
        REMOVED = "removed", "Removed by an editor"

    # Both foreign keys are served by the composite indexes below; one index
    # fewer per column is one write fewer per link on a busy ingest.
    article = models.ForeignKey(
        SourceArticle, on_delete=models.CASCADE, related_name="article_topics", verbose_name="article", db_index=False
    )
    topic = models.ForeignKey(
        "topics.Topic", on_delete=models.CASCADE, related_name="article_links", verbose_name="topic", db_index=False
    )
    status = models.CharField(
        "status",
        max_length=10,
        choices=Status.choices,
        default=Status.MATCHED,
        help_text="A removed match stays removed: ingestion never adds it back.",
    )
    matched_at = models.DateTimeField("matched", auto_now_add=True)
    matched_as = models.CharField(
        "matched as",
        max_length=200,
        blank=True,
        editable=False,
        help_text="The name, alias, surname or adjective that produced the automatic match (empty if added by hand).",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="decided by",
        editable=False,
        help_text="The editor who confirmed or removed the match.",
    )
    decided_at = models.DateTimeField("decided", null=True, blank=True, editable=False)

    class Meta:
        ordering = ["topic__name"]
        verbose_name = "article topic"
        verbose_name_plural = "article topics"
        constraints = [models.UniqueConstraint(fields=["article", "topic"], name="articletopic_unique")]
        indexes = [models.Index(fields=["topic", "status"], name="articletopic_topic_status")]

    def __str__(self) -> str:
        return f"{self.topic_id} ← {self.article_id} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("admin:sources_sourcearticle_change", args=[self.article_id])
