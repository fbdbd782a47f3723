"""The Celery tasks, run eagerly (the real worker is in tests/integration)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from sources.ingest import feeds_due_claim
from sources.models import Feed, SourceArticle
from sources.tasks import feed_fetch, feeds_enqueue_due
from tests.factories import FeedFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_failures(settings):
    settings.FEED_READ_TIMEOUT = 0.3
    settings.FEED_CONNECT_TIMEOUT = 0.3


def test_beat_is_scheduled_to_enqueue_due_feeds():
    entry = settings.CELERY_BEAT_SCHEDULE["enqueue-due-feeds"]
    assert entry["task"] == feeds_enqueue_due.name


def test_a_failing_feed_never_stops_the_others(feed_server):
    good = FeedFactory(url=feed_server.url("/feeds/rss091.xml"))
    broken = [
        FeedFactory(url=feed_server.url("/status/500")),
        FeedFactory(url=feed_server.url("/slow/1/rss20.xml")),  # times out: retried, then recorded
        FeedFactory(url=feed_server.url("/feeds/garbage.txt")),
        FeedFactory(url="http://127.0.0.1:9/refused.xml"),
    ]
    last = FeedFactory(url=feed_server.url("/feeds/atom.atom"))
    inactive = FeedFactory(url=feed_server.url("/feeds/rss092.xml"), is_active=False)
    later = FeedFactory(url=feed_server.url("/feeds/rss10.rdf"), next_fetch_at=timezone.now() + timedelta(hours=1))

    assert feeds_enqueue_due() == 6
    statuses = dict(Feed.objects.values_list("pk", "last_status"))
    assert statuses[good.pk] == statuses[last.pk] == Feed.Status.OK
    assert [statuses[f.pk] for f in broken] == [
        Feed.Status.HTTP_ERROR,
        Feed.Status.TIMEOUT,
        Feed.Status.NOT_A_FEED,
        Feed.Status.NETWORK_ERROR,
    ]
    assert statuses[inactive.pk] == statuses[later.pk] == Feed.Status.NEW
    assert SourceArticle.objects.count() == 4
    assert feeds_enqueue_due() == 0  # nothing is due any more


def test_a_claimed_feed_is_not_claimed_again_while_its_task_waits(db):
    feed = FeedFactory()
    assert feeds_due_claim() == [feed.pk]
    assert feeds_due_claim() == []
    feed.refresh_from_db()
    assert feed.next_fetch_at > timezone.now() + timedelta(minutes=9)


def test_the_fetch_task_returns_a_json_summary(feed_server):
    feed = FeedFactory(url=feed_server.url("/feeds/rss092.xml"))
    result = feed_fetch.delay(feed.pk).get()
    assert result == {
        "feed_id": feed.pk,
        "status": "ok",
        "items": 1,
        "new": 1,
        "updated": 0,
        "unchanged": 0,
        "skipped": 0,
        "error": "",
        "parser": "fastfeedparser",
    }
