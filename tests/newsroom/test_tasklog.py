"""Every Celery task outcome is logged with the ids it worked on."""

import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from sources.models import Feed
from sources.tasks import feed_fetch
from stories.models import Story
from stories.tasks import publish_scheduled_stories
from tests.factories import FeedFactory, build_story

pytestmark = pytest.mark.django_db


def _outcomes(caplog):
    return [r for r in caplog.records if r.name == "newsroom.tasks"]


def test_a_feed_fetch_logs_its_feed_id_and_outcome(caplog, feed_server):
    feed = FeedFactory(url=feed_server.url("/feeds/rss20.xml"))
    with caplog.at_level(logging.INFO, logger="newsroom.tasks"):
        feed_fetch.delay(feed.pk)
    [record] = _outcomes(caplog)
    assert record.task == "sources.tasks.feed_fetch"
    assert record.feed_id == feed.pk
    assert record.status == Feed.Status.OK


def test_scheduled_publishing_logs_the_story_ids(caplog):
    story = build_story(publish=False)
    Story.objects.filter(pk=story.pk).update(status=Story.Status.SCHEDULED, publish_at=timezone.now() - timedelta(minutes=1))
    with caplog.at_level(logging.INFO, logger="newsroom.tasks"):
        publish_scheduled_stories.delay()
    [record] = _outcomes(caplog)
    assert record.story_ids == [story.pk]


def test_a_failing_task_logs_an_error_with_its_feed_id(caplog):
    with caplog.at_level(logging.INFO, logger="newsroom.tasks"):
        result = feed_fetch.apply(args=[987654], throw=False)
    assert isinstance(result.result, Feed.DoesNotExist)
    [record] = _outcomes(caplog)
    assert record.levelname == "ERROR" and record.feed_id == 987654
