"""Every change of a story's status goes through this module.

Each function checks the current state, does the work in one transaction,
records a revision, and leaves side effects to ``transaction.on_commit``.
"""

from django.db import transaction
from django.utils import timezone

from .changes import change_record
from .models import ChangeEvent, Revision, Story
from .revisions import snapshot_search_text, story_snapshot


class WorkflowError(Exception):
    """An illegal transition; the message is shown to the editor as it is."""


@transaction.atomic
def story_publish(*, story: Story, actor=None, message: str = "") -> Story:
    """Freeze the working copy as a revision and make it the live one."""
    story = Story.objects.select_for_update().get(pk=story.pk)
    data = story_snapshot(story=story)
    revision = Revision.objects.create(
        story=story, kind=Revision.Kind.PUBLISH, data=data, author=actor, message=message
    )
    now = timezone.now()
    story.status = Story.Status.PUBLISHED
    story.live_revision = revision
    story.live_slug = data["slug"]
    story.live_headline = data["headline"]
    story.live_summary = data["summary"]
    story.live_search_text = snapshot_search_text(data)
    story.first_published_at = story.first_published_at or now
    story.last_published_at = now
    story.publish_at = None
    story.save(
        update_fields=[
            "status", "live_revision", "live_slug", "live_headline", "live_summary",
            "live_search_text", "first_published_at", "last_published_at", "publish_at", "updated_at",
        ]
    )
    story.live_topics.set(data["topic_ids"])
    story.live_questions.set(data["question_ids"])
    story.live_outlets.set({c["outlet_id"] for c in data["citations"]})
    change_record(kind=ChangeEvent.Kind.STORY, object_id=story.pk, slug=story.live_slug, action=ChangeEvent.Action.UPSERT)
    return story
