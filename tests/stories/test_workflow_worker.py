"""Scheduled publishing on the real stack: the beat task runs in a real Celery worker on Redis and PostgreSQL."""

from datetime import timedelta

import pytest
from django.utils import timezone

from stories.models import Story
from stories.tasks import publish_scheduled_stories
from tests.factories import build_story
from tests.integration.stack import new_queue, start_worker, tasks_sent_to, wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def story_worker(postgres, redis_url, tmp_path):
    """A real worker on a queue of its own, on the test database."""
    queue = new_queue("stories")
    with tasks_sent_to(queue):
        worker = start_worker(tmp_path, queue)
        try:
            yield worker
        finally:
            worker.stop()


def test_worker_publishes_due_scheduled_stories_and_leaves_future_ones(story_worker, client):
    due, later = build_story(publish=False, slug="due-now"), build_story(publish=False, slug="due-later")
    now = timezone.now()
    Story.objects.filter(pk=due.pk).update(status=Story.Status.SCHEDULED, publish_at=now - timedelta(minutes=2))
    Story.objects.filter(pk=later.pk).update(status=Story.Status.SCHEDULED, publish_at=now + timedelta(hours=1))
    publish_scheduled_stories.delay()
    publish_scheduled_stories.delay()  # beat and a manual run at once: still one publication
    wait_for(lambda: Story.objects.live().filter(pk=due.pk).exists(), what="the worker to publish", log=story_worker.log)
    wait_for(lambda: story_worker.log.read_bytes().count(b"succeeded") >= 2, what="both runs", log=story_worker.log)
    assert client.get("/story/due-now/").status_code == 200
    assert client.get("/story/due-later/").status_code == 404
    assert due.revisions.filter(kind="publish").count() == 1
    assert Story.objects.get(pk=later.pk).status == Story.Status.SCHEDULED
