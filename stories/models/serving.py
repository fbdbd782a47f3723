"""What public surfaces read: pages rendered at publish, search documents."""

from django.contrib.postgres.search import SearchVectorField
from django.db import models

from .story import Story


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
        "render key",
        max_length=64,
        blank=True,
        help_text="Live revision and site version it was rendered from; ends in “~” when it must be rendered again.",
    )
    html = models.TextField("HTML", blank=True, help_text="The whole page as readers get it.")
    card_html = models.TextField(
        "card HTML",
        blank=True,
        default="",
        help_text="The story's card as lists of related stories show it, rendered with the page.",
    )
    rendered_at = models.DateTimeField("rendered", help_text="When this HTML was rendered.")
    api_key = models.CharField(
        "API key",
        max_length=64,
        blank=True,
        default="",
        help_text=(
            "Live revision, API version and references its JSON was serialised from; empty when it must be serialised again."
        ),
    )
    api_refs = models.TextField(
        "API references",
        blank=True,
        default="",
        help_text="Ids of the topics, outlets and questions its live revision links (“1,2|5|7”), checked at each request.",
    )
    api_json = models.TextField(
        "API JSON",
        blank=True,
        default="",
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
