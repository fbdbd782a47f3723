"""Recording public changes: the change log (API sync) and the change signal."""

from django.db import transaction

from newsroom.signals import public_content_changed

from .models import ChangeEvent


def change_record(*, kind: str, object_id: int, slug: str, action: str) -> ChangeEvent:
    """Append to the change log and, once committed, tell the receivers."""
    event = ChangeEvent.objects.create(kind=kind, object_id=object_id, slug=slug, action=action)
    transaction.on_commit(
        lambda: public_content_changed.send(sender=ChangeEvent, kind=kind, object_id=object_id, action=action)
    )
    return event


def stories_record_change(*, stories) -> None:
    """Record the live ones of ``stories`` (a Story queryset) as changed: they show something that changed."""
    for story_id, slug in stories.live().values_list("id", "live_slug"):
        change_record(kind=ChangeEvent.Kind.STORY, object_id=story_id, slug=slug, action=ChangeEvent.Action.UPSERT)
