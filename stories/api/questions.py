"""Common questions in the public API: published ones only, a detail with its question-and-answer items."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema_view
from rest_framework import serializers

from faq.models import CommonQuestion, QuestionItem
from newsroom.api import PublicViewSet, SparseFieldsMixin, detail_schema, list_schema, site_url
from newsroom.changes.models import ChangeEvent
from newsroom.richtext import html_to_text, sanitize_html
from stories.selectors import with_picture
from topics.models import Topic

from .serializers import CardImageField, TopicRefSerializer
from .version import CodeVersionMixin


class QuestionItemSerializer(serializers.ModelSerializer):
    """One question and answer of a common-question page."""

    html = serializers.SerializerMethodField(help_text="The answer as sanitised HTML.")
    text = serializers.SerializerMethodField(help_text="The answer as plain text.")

    class Meta:
        model = QuestionItem
        fields = ["question", "html", "text"]

    def get_html(self, item) -> str:
        return sanitize_html(item.answer)

    def get_text(self, item) -> str:
        return html_to_text(sanitize_html(item.answer))


class QuestionListItemSerializer(SparseFieldsMixin, serializers.ModelSerializer):
    """A common question as lists show it."""

    url = serializers.SerializerMethodField(help_text="The question's public page.")
    topics = TopicRefSerializer(many=True)
    image = CardImageField(help_text="The question's card picture, or null.")

    class Meta:
        model = CommonQuestion
        fields = ["id", "slug", "question", "teaser", "image", "url", "published_at", "updated_at", "topics"]

    def get_url(self, question) -> str:
        return site_url("faq:detail", question.slug)


class QuestionDetailSerializer(QuestionListItemSerializer):
    """A common-question page, whole: its questions and answers, topics and dates."""

    items = QuestionItemSerializer(many=True, help_text="The questions and answers, in page order.")

    class Meta(QuestionListItemSerializer.Meta):
        fields = [*QuestionListItemSerializer.Meta.fields, "items"]


def question_public_queryset(*, with_items: bool = False):
    """Published questions with their topics (and items): one prefetch query each, never one per row."""
    related = [Prefetch("topics", queryset=with_picture(Topic.objects.only("id", "slug", "name", "kind", "image")))]
    if with_items:
        related.append("items")
    return with_picture(CommonQuestion.objects.published()).prefetch_related(*related)


@extend_schema_view(
    list=list_schema(QuestionListItemSerializer, description="Published common questions (“Go deeper” pages)."),
    retrieve=detail_schema(QuestionDetailSerializer, description="One common-question page, whole."),
)
class QuestionViewSet(CodeVersionMixin, PublicViewSet):
    change_kind = ChangeEvent.Kind.QUESTION
    serializer_class = QuestionDetailSerializer
    list_serializer_class = QuestionListItemSerializer
    queryset = CommonQuestion.objects.published()

    def get_queryset(self):
        if self.action == "list":
            return question_public_queryset().order_by("question", "id")
        return question_public_queryset(with_items=True)
