"""Read queries for topic pages."""

from django.db.models import QuerySet

from faq.models import CommonQuestion
from stories.selectors import story_list_live

from .models import Topic


def topic_get(*, slug: str) -> Topic:
    return Topic.objects.get(slug=slug)


def topic_stories(*, topic: Topic) -> QuerySet:
    """Live stories whose live revision is tagged with ``topic``."""
    return story_list_live().filter(live_topics=topic)


def topic_questions(*, topic: Topic) -> QuerySet[CommonQuestion]:
    return CommonQuestion.objects.published().filter(topics=topic)
