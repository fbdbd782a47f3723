"""Real concurrency on PostgreSQL: row locks make scheduled publishing and transitions safe to race."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from stories.models import Revision, Story
from stories.workflow import WorkflowError, story_publish_due, story_unpublish
from tests.factories import build_story

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def race(target, n: int = 2) -> list:
    """Run ``target`` in ``n`` threads released at once; return what each returned or raised."""
    barrier, results = threading.Barrier(n), []

    def run():
        try:
            barrier.wait()
            results.append(target())
        except Exception as exc:  # noqa: BLE001 (collected for the assertions)
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_two_schedulers_publish_a_due_story_once(postgres):
    story = build_story(publish=False)
    Story.objects.filter(pk=story.pk).update(status=Story.Status.SCHEDULED, publish_at=timezone.now() - timedelta(minutes=1))
    results = race(story_publish_due)
    assert sorted(len(r) for r in results) == [0, 1]
    assert Revision.objects.filter(story=story, kind=Revision.Kind.PUBLISH).count() == 1
    assert story.transitions.count() == 1


def test_two_editors_unpublishing_at_once_record_one_transition(postgres, editor):
    story = build_story()
    results = race(lambda: story_unpublish(story=story, actor=editor))
    assert sum(isinstance(r, Story) for r in results) == 1
    assert sum(isinstance(r, WorkflowError) for r in results) == 1
    assert story.transitions.filter(to_status=Story.Status.UNPUBLISHED).count() == 1
