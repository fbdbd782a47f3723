"""Writes of topics. Topics are public as soon as they are saved, so every save
and delete is recorded in the public change log (API sync, cache purges),
together with everything that shows the topic (``newsroom/changes/shows.py``)."""

from collections.abc import Callable

from django.db import transaction

from newsroom.changes.models import ChangeEvent
from newsroom.changes.record import public_change

from .models import Topic


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
