"""The public-change pipeline's after-commit steps: called directly with the whole batch, each on its own."""

import pytest
from django.db import transaction

from newsroom.changes.models import ChangeEvent
from stories.models import Story
from stories.workflow import story_publish
from tests.factories import build_story

pytestmark = pytest.mark.django_db

SEEN: list = []


def _broken_step(changes):
    raise RuntimeError("a step that fails")


def _recording_step(changes):
    SEEN.append([(c.kind, c.id, c.action) for c in changes])


def test_a_failing_step_is_logged_and_the_next_still_runs_after_the_commit(settings, commit, caplog):
    settings.PUBLIC_CHANGE_STEPS = [f"{__name__}._broken_step", f"{__name__}._recording_step"]
    SEEN.clear()
    story = build_story(publish=False, topics=1)
    with commit():
        published = story_publish(story=story, actor=None)  # the writer is not failed by the step
    assert Story.objects.get(pk=published.pk).is_live
    topic_id = story.story_topics.get().topic_id
    assert SEEN == [[("story", story.pk, "upsert"), ("topic", topic_id, "upsert")]]  # one call, the whole batch
    assert ChangeEvent.objects.filter(kind="story", object_id=story.pk).exists()
    assert "_broken_step failed for 2 changes" in caplog.text


def test_nothing_runs_when_the_transaction_rolls_back(settings, django_capture_on_commit_callbacks):
    settings.PUBLIC_CHANGE_STEPS = [f"{__name__}._recording_step"]
    SEEN.clear()
    story = build_story(publish=False)
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            story_publish(story=story, actor=None)
            raise RuntimeError("roll back")
    assert callbacks == [] and SEEN == []
    assert not ChangeEvent.objects.filter(object_id=story.pk).exists()
