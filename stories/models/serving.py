"""What public surfaces read: the change log, pages rendered at publish, search documents."""

from django.contrib.postgres.search import SearchVectorField
from django.db import models

from .story import Story


class ChangeEvent(models.Model):
    """One entry of the public change log that offline clients replay (API sync).

    Appended whenever public content appears, changes or disappears; the
    auto-increment id is the sync cursor, so the order is the commit order
    of the writes that appended them.
    """

    class Kind(models.TextChoices):
        STORY = "story", "Story"
        TOPIC = "topic", "Topic"
        QUESTION = "question", "Common question"
        OUTLET = "outlet", "Outlet"

    class Action(models.TextChoices):
        UPSERT = "upsert", "Created or changed"
        DELETE = "delete", "Removed from public view"

    kind = models.CharField("kind", max_length=20, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField("object id")
    slug = models.CharField("slug", max_length=200)
    action = models.CharField("action", max_length=10, choices=Action.choices)
    created_at = models.DateTimeField("at", auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "change event"
        verbose_name_plural = "change events"
        indexes = [
            models.Index(fields=["kind", "object_id"], name="changeevent_object"),
            models.Index(fields=["created_at"], name="changeevent_created"),  # the page-cache reconcile's window
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.slug} {self.action}"

    def get_absolute_url(self) -> str:
        return f"/api/v1/sync/?since={self.pk - 1}"


class LivePage(models.Model):
    """A live story's whole page, rendered once from its live revision (``stories/rendering.py``).

    Kept while ``key`` matches the live revision and the version of the site's
    templates and static files; an edit of a topic, question or outlet shown
    on the page clears the key. The API detail's JSON is kept beside it under
    its own key (``api_key``: revision, API version and a digest of the
    references it shows), cleared by the same edits.
    """

    story = models.OneToOneField(
        Story, on_delete=models.CASCADE, primary_key=True, related_name="live_page", verbose_name="story"
    )
    key = models.CharField(
        "render key", max_length=64, blank=True,
        help_text="Live revision and site version it was rendered from; ends in “~” when it must be rendered again.",
    )
    html = models.TextField("HTML", blank=True, help_text="The whole page as readers get it.")
    rendered_at = models.DateTimeField("rendered", help_text="When this HTML was rendered.")
    api_key = models.CharField(
        "API key", max_length=64, blank=True, default="",
        help_text=(
            "Live revision, API version and references its JSON was serialised from; empty when it must be"
            " serialised again."
        ),
    )
    api_refs = models.TextField(
        "API references", blank=True, default="",
        help_text="Ids of the topics, outlets and questions its live revision links (“1,2|5|7”), checked at each request.",
    )
    api_json = models.TextField(
        "API JSON", blank=True, default="",
        help_text="The story's API detail (/api/v1/stories/<slug>/) exactly as the API sends it.",
    )

    class Meta:
        verbose_name = "rendered live page"
        verbose_name_plural = "rendered live pages"

    def __str__(self) -> str:
        return f"page of story {self.story_id}"

    def get_absolute_url(self) -> str:
        return self.story.get_absolute_url()


class StorySearchDocument(models.Model):
    """The weighted full-text document of a live story (PostgreSQL; ``stories/search.py``)."""

    story = models.OneToOneField(
        Story, on_delete=models.CASCADE, primary_key=True, related_name="search_document", verbose_name="story"
    )
    vector = SearchVectorField("search vector", null=True, help_text="Headline A, summary B, text and topics C.")

    class Meta:
        verbose_name = "search document"
        verbose_name_plural = "search documents"

    def __str__(self) -> str:
        return f"search document of story {self.story_id}"

    def get_absolute_url(self) -> str:
        return self.story.get_absolute_url()
