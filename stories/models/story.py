"""The working copy: a story, its sections, citations, and topic and question links."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from newsroom.auth import display_name
from newsroom.richtext import RichTextField

SCHEDULE_GRACE = timedelta(minutes=5)


class StoryQuerySet(models.QuerySet):
    def live(self):
        """The single published gate: stories whose live revision readers may see."""
        return self.filter(status=Story.Status.PUBLISHED, live_revision__isnull=False)


class Story(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"
        UNPUBLISHED = "unpublished", "Unpublished"

    # --- working copy ----------------------------------------------------
    headline = models.CharField("headline", max_length=300, help_text="The story's title, in sentence case.")
    slug = models.SlugField(
        "slug",
        max_length=200,
        unique=True,
        help_text="The story's address: /story/this-slug/. Changing it after publication keeps the old address as a redirect.",
    )
    summary = models.TextField("summary", blank=True, help_text="The standfirst: one or two sentences under the headline.")
    event_date = models.DateField(
        "event date", null=True, blank=True, help_text="The date the dateline refers to (when it happened)."
    )
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="StoryAuthor",
        blank=True,
        related_name="authored_stories",
        verbose_name="authors",
        help_text="The writers responsible for the story, in byline order.",
    )
    status = models.CharField(
        "status",
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        editable=False,
        help_text="Changed only through the workflow actions.",
    )
    publish_at = models.DateTimeField("publish at", null=True, blank=True, help_text="For a scheduled story: when it goes live.")
    topics = models.ManyToManyField(
        "topics.Topic", through="StoryTopic", blank=True, related_name="stories", verbose_name="topics"
    )
    questions = models.ManyToManyField(
        "faq.CommonQuestion",
        through="StoryQuestion",
        blank=True,
        related_name="stories",
        verbose_name="common questions",
    )
    lead_image = models.ForeignKey(
        "images.Image",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lead_of",
        verbose_name="lead image",
        help_text="Shown above the story, in cards and when shared. It needs alt text (or decorative) and a credit.",
    )
    lead_image_caption = models.CharField(
        "lead image caption",
        max_length=500,
        blank=True,
        help_text="Shown under the lead image here instead of the library's caption; empty: the library's.",
    )
    seo_title = models.CharField(
        "search title",
        max_length=70,
        blank=True,
        help_text="The title search engines and browser tabs show, up to about 60 characters; empty: the headline.",
    )
    seo_description = models.CharField(
        "search description",
        max_length=200,
        blank=True,
        help_text="The snippet under the title in search results and link previews, about 155 characters; empty: the summary.",
    )
    social_image = models.ForeignKey(
        "images.Image", on_delete=models.PROTECT, null=True, blank=True, related_name="social_of",
        verbose_name="social image",
        help_text="The picture of link previews (Facebook, X, messaging apps); empty: the lead image.",
    )  # fmt: skip
    follows_event = models.ForeignKey(
        "events.Event",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="following_stories",
        verbose_name="follows event",
        help_text="A developing event this story follows: its page here lists the articles that joined the event "
        "since the story was last published, and the desk flags it when there are some.",
    )
    version = models.PositiveIntegerField(
        "version", default=1, editable=False, help_text="Goes up at every save; guards against lost updates."
    )
    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("updated", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="last saved by",
        editable=False,
    )
    preview_key = models.CharField(
        "preview key",
        max_length=32,
        blank=True,
        default="",
        editable=False,
        help_text="Part of every shared preview link; replacing it revokes the links given out so far.",
    )

    # --- live copy (written only by publishing) --------------------------
    live_revision = models.ForeignKey(
        "Revision",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name="live revision",
    )
    live_slug = models.SlugField("live slug", max_length=200, unique=True, null=True, blank=True, editable=False)
    live_headline = models.CharField("live headline", max_length=300, blank=True, editable=False)
    live_summary = models.TextField("live summary", blank=True, editable=False)
    live_search_text = models.TextField(
        "live search text", blank=True, editable=False, help_text="Plain text of the live revision, for search."
    )
    live_topics = models.ManyToManyField("topics.Topic", blank=True, related_name="live_stories", editable=False)
    live_outlets = models.ManyToManyField("sources.Outlet", blank=True, related_name="live_stories", editable=False)
    live_questions = models.ManyToManyField("faq.CommonQuestion", blank=True, related_name="live_stories", editable=False)
    live_authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="live_credits", editable=False,
        help_text="The people credited on the live revision: their author pages list the story.",
    )  # fmt: skip
    live_images = models.ManyToManyField(
        "images.Image", through="LiveImage", blank=True, related_name="live_stories", editable=False,
        help_text="Every library image the live revision shows (lead and inline): an image a live story shows "
        "cannot be deleted, and a change to it re-renders the story.",
    )  # fmt: skip
    first_published_at = models.DateTimeField("first published", null=True, blank=True, editable=False)
    last_published_at = models.DateTimeField("last published", null=True, blank=True, editable=False)
    has_unpublished_changes = models.BooleanField(
        "has unpublished changes",
        default=False,
        editable=False,
        help_text="The working copy differs from the live revision: readers see the older version until it is published.",
    )

    objects = StoryQuerySet.as_manager()

    class Meta:
        ordering = ["-first_published_at", "-id"]
        verbose_name = "story"
        verbose_name_plural = "stories"
        indexes = [models.Index(fields=["status", "-first_published_at"], name="story_status_published")]
        permissions = [
            ("submit_story", "Can submit stories for review"),
            ("publish_story", "Can return, schedule, publish and unpublish stories"),
        ]

    def __str__(self) -> str:
        return self.headline

    def get_absolute_url(self) -> str:
        return reverse("stories:detail", kwargs={"slug": self.live_slug or self.slug})

    @cached_property
    def author_ids(self) -> list[int]:
        """The authors' ids in byline order (prefetched ``story_authors`` when listed, else one query)."""
        return [credit.user_id for credit in self.story_authors.all()]

    def authors_forget(self) -> None:
        """Drop the authors read so far (a list's prefetch, ``author_ids``): after the Authors box was saved."""
        getattr(self, "_prefetched_objects_cache", {}).pop("story_authors", None)
        self.__dict__.pop("author_ids", None)

    def author_names(self) -> list[str]:
        """The byline's display names in order (prefetch ``story_authors__user`` when listing)."""
        credits = self.story_authors.all() if _prefetched(self, "story_authors") else self.story_authors.select_related("user")
        return [display_name(credit.user) for credit in credits]

    @property
    def is_live(self) -> bool:
        return self.status == self.Status.PUBLISHED and self.live_revision_id is not None

    def is_overdue(self, *, now=None) -> bool:
        """A scheduled story whose publish time passed more than five minutes ago."""
        if self.status != self.Status.SCHEDULED or self.publish_at is None:
            return False
        return self.publish_at < (now or timezone.now()) - SCHEDULE_GRACE


class SectionBlock(models.Model):
    """One titled section of a story, in page order."""

    class Kind(models.TextChoices):
        WHATS_HAPPENED = "whats_happened", "What's happened"
        BEHIND_HEADLINE = "behind_headline", "What's behind the headline?"
        PAPERS_SAY = "papers_say", "What the papers say"
        HOW_WE_GOT_HERE = "how_we_got_here", "How we got here"
        CUSTOM = "custom", "Custom section"

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="blocks", verbose_name="story")
    position = models.PositiveIntegerField("position", default=0, help_text="Order on the page, lowest first.")
    kind = models.CharField(
        "kind",
        max_length=20,
        choices=Kind.choices,
        default=Kind.CUSTOM,
        help_text="The standard sections carry their own heading; a custom one needs a heading.",
    )
    heading = models.CharField("heading", max_length=200, blank=True, help_text="Leave blank to use the kind's standard heading.")
    body = RichTextField("body", blank=True, figures=True, help_text="The section's text; figures are library images.")

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "section"
        verbose_name_plural = "sections"

    def __str__(self) -> str:
        return self.display_heading

    def get_absolute_url(self) -> str:
        return f"{self.story.get_absolute_url()}#{self.kind}"

    @property
    def display_heading(self) -> str:
        return self.heading or (self.get_kind_display() if self.kind != self.Kind.CUSTOM else "")


class Citation(models.Model):
    """An outlet's reporting that the story cites: who, where, and what they said."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="citations", verbose_name="story")
    position = models.PositiveIntegerField("position", default=0, help_text="Order on the page, lowest first.")
    outlet = models.ForeignKey(
        "sources.Outlet",
        on_delete=models.PROTECT,
        related_name="citations",
        verbose_name="outlet",
        help_text="The outlet whose reporting is cited.",
    )
    url = models.URLField("article URL", max_length=1000, help_text="The cited article's address.")
    source_article = models.ForeignKey(
        "sources.SourceArticle",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="citations",
        verbose_name="source article",
        help_text="The ingested article, when it came from a feed.",
    )
    claim = models.CharField("claim", max_length=600, help_text="The outlet's claim or stance, in one sentence.")
    quote = models.TextField("quote", blank=True, help_text="An optional short quote from the article.")

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "citation"
        verbose_name_plural = "citations"

    def __str__(self) -> str:
        return f"{self.outlet}: {self.claim[:60]}"

    def get_absolute_url(self) -> str:
        return self.url


def _prefetched(instance, name: str) -> bool:
    return name in getattr(instance, "_prefetched_objects_cache", {})


class StoryAuthor(models.Model):
    """A person credited on a story, in byline order. Co-authors may edit the story's drafts."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="story_authors")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="story_credits", verbose_name="author"
    )
    position = models.PositiveIntegerField("position", default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "author"
        verbose_name_plural = "authors (the byline, in order)"
        constraints = [models.UniqueConstraint(fields=["story", "user"], name="storyauthor_unique")]

    def __str__(self) -> str:
        return display_name(self.user)


class StoryTopic(models.Model):
    """A topic tagged on a story, in card order."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="story_topics")
    topic = models.ForeignKey("topics.Topic", on_delete=models.CASCADE, related_name="story_links", verbose_name="topic")
    position = models.PositiveIntegerField("position", default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "topic"
        verbose_name_plural = "topics (“More on these topics”)"
        constraints = [models.UniqueConstraint(fields=["story", "topic"], name="storytopic_unique")]

    def __str__(self) -> str:
        return str(self.topic)


class LiveImage(models.Model):
    """A library image the live revision shows; protects it from deletion while it does."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="+")
    image = models.ForeignKey("images.Image", on_delete=models.PROTECT, related_name="+", verbose_name="image")

    class Meta:
        verbose_name = "image shown by a live story"
        verbose_name_plural = "images shown by live stories"
        constraints = [models.UniqueConstraint(fields=["story", "image"], name="liveimage_unique")]

    def __str__(self) -> str:
        return f"{self.story} shows image {self.image_id}"


class StoryQuestion(models.Model):
    """A common question linked from a story's “Go deeper”, in order."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="story_questions")
    question = models.ForeignKey(
        "faq.CommonQuestion", on_delete=models.CASCADE, related_name="story_links", verbose_name="question"
    )
    position = models.PositiveIntegerField("position", default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "common question"
        verbose_name_plural = "common questions (“Go deeper”)"
        constraints = [models.UniqueConstraint(fields=["story", "question"], name="storyquestion_unique")]

    def __str__(self) -> str:
        return str(self.question)
