"""Topics in the public API: every topic is public reference data; a detail lists its latest live stories."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema_view
from rest_framework import serializers
from rest_framework.response import Response

from faq.models import CommonQuestion
from newsroom.api import PublicViewSet, SparseFieldsMixin, absolute_url, detail_schema, list_schema, path_of, site_url
from newsroom.changes.models import ChangeEvent
from stories.selectors import with_picture
from topics.models import Topic

from .references import EMBEDDED_STORIES, latest_live_stories
from .serializers import CardImageField, QuestionRefSerializer, StoryListItemSerializer
from .version import CodeVersionMixin


class TopicListItemSerializer(SparseFieldsMixin, serializers.ModelSerializer):
    """A topic as lists show it: its name, kind, summary and picture."""

    url = serializers.SerializerMethodField(help_text="The topic's public page.")
    stories_url = serializers.SerializerMethodField(help_text="All its live stories: the story list filtered by topic.")
    image = CardImageField(help_text="The topic's picture (portrait, flag, logo), or null.")

    class Meta:
        model = Topic
        fields = ["id", "slug", "name", "kind", "description", "external_url", "image", "url", "stories_url", "updated_at"]

    def get_url(self, topic) -> str:
        return site_url("topics:detail", topic.slug)

    def get_stories_url(self, topic) -> str:
        return absolute_url(f"{path_of('api:story-list')}?topic={topic.slug}")


class TopicDetailSerializer(TopicListItemSerializer):
    """A topic, whole: its card, its common questions and its latest published stories."""

    stories = StoryListItemSerializer(
        source="latest_stories", many=True, help_text=f"The {EMBEDDED_STORIES} latest live stories on the topic."
    )
    questions = QuestionRefSerializer(source="published_questions", many=True, help_text="Published common questions.")

    class Meta(TopicListItemSerializer.Meta):
        fields = [*TopicListItemSerializer.Meta.fields, "stories", "questions"]


@extend_schema_view(
    list=list_schema(TopicListItemSerializer, description="Topics (people, countries, organisations, places, events) by name."),
    retrieve=detail_schema(TopicDetailSerializer, description="One topic with its questions and latest stories."),
)
class TopicViewSet(CodeVersionMixin, PublicViewSet):
    change_kind = ChangeEvent.Kind.TOPIC
    serializer_class = TopicDetailSerializer
    list_serializer_class = TopicListItemSerializer
    queryset = Topic.objects.all()

    def get_queryset(self):
        if self.action == "list":
            return with_picture(Topic.objects.order_by("name", "id"))
        # The detail's questions in the same round as the topic: one prefetch query.
        return with_picture(Topic.objects.all()).prefetch_related(
            Prefetch("questions", queryset=with_picture(CommonQuestion.objects.published()), to_attr="published_questions")
        )

    def retrieve(self, request, *args, **kwargs):
        topic = self.get_object()
        topic.latest_stories = latest_live_stories(self, live_topics=topic)
        return Response(self.get_serializer(topic).data)
