"""How stories and what they reference look in the API (shapes only; reads live in selectors)."""

from django.urls import reverse
from rest_framework import serializers

from faq.models import CommonQuestion
from newsroom.api import SparseFieldsMixin, absolute_url
from newsroom.richtext import html_to_text, sanitize_html
from sources.models import Outlet
from stories.models import Story
from topics.models import Topic


class TopicRefSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="The topic's public page.")

    class Meta:
        model = Topic
        fields = ["slug", "name", "kind", "url"]

    def get_url(self, topic) -> str:
        return absolute_url(reverse("topics:detail", kwargs={"slug": topic.slug}))


class OutletRefSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="The outlet's page on this site.")

    class Meta:
        model = Outlet
        fields = ["slug", "name", "homepage", "country", "language", "url"]

    def get_url(self, outlet) -> str:
        return absolute_url(reverse("sources:outlet", kwargs={"slug": outlet.slug}))


class QuestionRefSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="The question's public page.")

    class Meta:
        model = CommonQuestion
        fields = ["slug", "question", "teaser", "url"]

    def get_url(self, question) -> str:
        return absolute_url(reverse("faq:detail", kwargs={"slug": question.slug}))


class BlockSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="whats_happened, behind_headline, papers_say, how_we_got_here or custom.")
    heading = serializers.CharField(help_text="The section's heading as the page shows it.")
    html = serializers.SerializerMethodField(help_text="The section's text as sanitised HTML.")
    text = serializers.SerializerMethodField(help_text="The section's text as plain text, one paragraph a line.")

    # Bodies are cleaned on every write; cleaning again on the way out costs
    # microseconds and keeps a snapshot written by other means from leaking markup.
    def get_html(self, block) -> str:
        return sanitize_html(block["body"])

    def get_text(self, block) -> str:
        return html_to_text(sanitize_html(block["body"]))


class CitationSerializer(serializers.Serializer):
    outlet = OutletRefSerializer(help_text="The outlet whose reporting is cited.")
    url = serializers.URLField(help_text="The cited article.")
    claim = serializers.CharField(help_text="The outlet's claim or stance, in one sentence.")
    quote = serializers.CharField(allow_blank=True, help_text="A short quote from the article, or empty.")


class NoteSerializer(serializers.Serializer):
    at = serializers.CharField(help_text="When the update or correction was made (ISO 8601).")
    text = serializers.CharField(help_text="What changed.")


def story_url(slug: str) -> str:
    return absolute_url(reverse("stories:detail", kwargs={"slug": slug}))


class StoryListItemSerializer(SparseFieldsMixin, serializers.ModelSerializer):
    """A story in lists: from the live_* columns, never the working copy."""

    slug = serializers.CharField(source="live_slug", help_text="The story's address; use it for the detail.")
    headline = serializers.CharField(source="live_headline")
    summary = serializers.CharField(source="live_summary")
    url = serializers.SerializerMethodField(help_text="The story's canonical public page.")
    published_at = serializers.DateTimeField(source="first_published_at", help_text="First published.")
    updated_at = serializers.DateTimeField(source="last_published_at", help_text="Last published (updated).")
    topics = TopicRefSerializer(source="live_topics", many=True)

    class Meta:
        model = Story
        fields = ["id", "slug", "headline", "summary", "url", "published_at", "updated_at", "topics"]

    def get_url(self, story) -> str:
        return story_url(story.live_slug)


class StoryDetailSerializer(serializers.Serializer):
    """Everything the story page shows, from a ``StoryPage`` (the live revision)."""

    id = serializers.IntegerField(source="story.id")
    slug = serializers.CharField(source="story.live_slug")
    headline = serializers.CharField()
    summary = serializers.CharField(allow_blank=True)
    event_date = serializers.DateField(allow_null=True, help_text="The date the dateline refers to.")
    author = serializers.CharField(source="author_name", allow_blank=True)
    url = serializers.SerializerMethodField(help_text="The story's canonical public page.")
    published_at = serializers.DateTimeField(help_text="First published.")
    updated_at = serializers.DateTimeField(help_text="Last published (updated).")
    revision = serializers.IntegerField(source="story.live_revision_id", help_text="The live revision's id.")
    blocks = BlockSerializer(many=True)
    citations = CitationSerializer(many=True)
    topics = TopicRefSerializer(many=True)
    questions = QuestionRefSerializer(many=True, help_text="“Go deeper”: published common questions.")
    notes = NoteSerializer(many=True, help_text="Update and correction notes, oldest first.")

    def get_url(self, page) -> str:
        return story_url(page.story.live_slug)
