"""Writes of topics. Topics are public as soon as they are saved, so every save
and delete is recorded in the public change log (API sync, cache purges),
together with everything that shows the topic (``newsroom/changes/shows.py``)."""

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from newsroom.changes.models import ChangeEvent
from newsroom.changes.record import public_change

from .models import Topic, TopicAlias

#: An alias is switched off when, since its last review, editors made at least
#: this many decisions on its matches ...
ALIAS_REVIEW_MIN_DECISIONS = 5
#: ... and at least this share of them were removals.
ALIAS_REVIEW_REMOVED_SHARE = 0.6


def alias_needs_review(*, decisions: int, removed: int) -> bool:
    """Whether editors' decisions on an alias's matches say it should be switched off."""
    return decisions >= ALIAS_REVIEW_MIN_DECISIONS and removed >= ALIAS_REVIEW_REMOVED_SHARE * decisions


@transaction.atomic
def topic_save(*, topic: Topic, related: Callable[[], object] | None = None) -> Topic:
    """Save ``topic`` and record it, and what shows it, as changed."""
    with public_change(ChangeEvent.Kind.TOPIC, topic):
        topic.save()
        if related is not None:
            related()  # its many-to-many fields and inlines (the admin), inside the recorded change
    return topic


@transaction.atomic
def topic_delete(*, topic: Topic) -> None:
    """Delete ``topic``: a tombstone for it, and what showed it changed (stories lose its card)."""
    with public_change(ChangeEvent.Kind.TOPIC, topic):
        topic.delete()


@transaction.atomic
def topic_alias_review(*, state: TopicAlias, enabled: bool, actor) -> TopicAlias:
    """An editor's word on an alias: switch it on (reviewed: only later removals can switch it off
    again) or off by hand. The matcher picks the change up at its next batch."""
    state.is_disabled = not enabled
    state.reviewed_at = timezone.now()
    state.reviewed_by = actor
    state.save()
    return state


@transaction.atomic
def topic_alias_state(*, topic: Topic, alias: str) -> TopicAlias:
    """The state row of one of a topic's names (made when first needed)."""
    state, _ = TopicAlias.objects.get_or_create(topic=topic, alias=alias)
    return state
