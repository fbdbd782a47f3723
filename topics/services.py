"""Writes of topics. Topics are public as soon as they are saved, so every save
and delete is recorded in the public change log (API sync, cache purges),
together with the live stories that show the topic."""

from django.db import transaction

from stories.changes import change_record, stories_record_change
from stories.models import ChangeEvent, Story

from .models import Topic


@transaction.atomic
def topic_save(*, topic: Topic) -> Topic:
    """Save ``topic`` and record it, and the live stories showing it, as changed."""
    topic.save()
    topic_record_change(topic=topic)
    return topic


def topic_record_change(*, topic: Topic) -> None:
    """Record a saved ``topic`` (and the live stories showing it) as changed, for writers that save it themselves."""
    change_record(kind=ChangeEvent.Kind.TOPIC, object_id=topic.pk, slug=topic.slug, action=ChangeEvent.Action.UPSERT)
    stories_record_change(stories=topic.live_stories)  # they embed its name and kind


@transaction.atomic
def topic_delete(*, topic: Topic) -> None:
    """Delete ``topic``: a tombstone for it, and its live stories changed (they lose its card)."""
    story_ids = list(topic.live_stories.values_list("id", flat=True))
    pk, slug = topic.pk, topic.slug
    topic.delete()
    change_record(kind=ChangeEvent.Kind.TOPIC, object_id=pk, slug=slug, action=ChangeEvent.Action.DELETE)
    stories_record_change(stories=Story.objects.filter(pk__in=story_ids))  # they lose its card
