"""End to end with the real stack: Celery beat and worker on Redis, PostgreSQL, the local feed server.

The worker runs as a subprocess (``celery -A newsroom worker -B``) on the
pytest-django test database, so the rows must be committed
(``transaction=True``); beat ticks every second (FEED_POLL_SECONDS=1). The
broker is a Redis database of its own (the cache's number + 8, so the suite's
cache flushes never drop a queued task) and a queue name of its own.
"""

import time

import pytest

from sources.models import ArticleTopic, Feed, SourceArticle
from sources.tasks import feed_fetch
from tests.factories import FeedFactory, OutletFactory, TopicFactory

from .stack import new_queue, start_worker, tasks_sent_to, wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def celery_worker(postgres, redis_url, feed_server, tmp_path):
    """A real worker with embedded beat, consuming a queue no one else uses."""
    queue = new_queue()
    with tasks_sent_to(queue):
        worker = start_worker(tmp_path, queue, beat=True, concurrency=2, FEED_POLL_SECONDS="1")
        try:
            yield worker
        finally:
            worker.stop()


def test_beat_enqueues_due_feeds_and_the_worker_ingests_them(celery_worker, feed_server):
    already = len(feed_server.requests)
    peru = TopicFactory(name="Peru")
    outlet = OutletFactory(name="Example Times")
    good = FeedFactory(outlet=outlet, url=feed_server.url("/feeds/rss20.xml"))
    broken = FeedFactory(outlet=outlet, url=feed_server.url("/status/500"))
    html = FeedFactory(url=feed_server.url("/feeds/not_a_feed.html"))
    FeedFactory(url=feed_server.url("/feeds/atom.atom"), is_active=False)

    def all_fetched():
        return not Feed.objects.filter(pk__in=[good.pk, broken.pk, html.pk], last_fetched_at__isnull=True).exists()

    wait_for(all_fetched, what="beat to enqueue and the worker to fetch every due feed", log=celery_worker.log)
    good.refresh_from_db()
    broken.refresh_from_db()
    html.refresh_from_db()
    assert (good.last_status, good.articles_added) == (Feed.Status.OK, 3)
    assert (broken.last_status, broken.consecutive_failures) == (Feed.Status.HTTP_ERROR, 1)
    assert html.last_status == Feed.Status.NOT_A_FEED
    assert SourceArticle.objects.filter(outlet=outlet).count() == 3
    # "Peruvian exports …" (1002) names Peru by its adjective (topics/matching.py: countries' demonyms).
    assert set(ArticleTopic.objects.filter(topic=peru).values_list("article__guid", flat=True)) == {
        "times-1001",
        "times-1002",
        "times-1003",
    }
    assert not any("atom.atom" in path for path, _ in feed_server.requests[already:])  # inactive: never polled

    # The worker also ran the clustering task the ingest queued after its store: every new article is in an event.
    from events.models import EventArticle

    wait_for(
        lambda: EventArticle.objects.filter(article__outlet=outlet).count() == 3,
        what="the worker to cluster the new articles",
        log=celery_worker.log,
    )


def test_a_task_delivered_twice_stores_each_article_once(celery_worker, feed_server):
    feed = FeedFactory(url=feed_server.url("/slow/1/rss20.xml"), next_fetch_at="2999-01-01T00:00Z")  # beat leaves it
    before = sum(1 for path, _ in feed_server.requests if path == "/slow/1/rss20.xml")
    feed_fetch.delay(feed.pk)
    feed_fetch.delay(feed.pk)  # a redelivery, run by the second worker process at the same time
    wait_for(
        lambda: Feed.objects.filter(pk=feed.pk, last_status=Feed.Status.OK).exists(),
        what="the fetch",
        log=celery_worker.log,
    )
    time.sleep(1.5)  # let the twin finish too
    assert SourceArticle.objects.filter(feed=feed).count() == 3
    requests = sum(1 for path, _ in feed_server.requests if path == "/slow/1/rss20.xml") - before
    assert requests in (1, 2)  # the twin either met the lock or made a conditional GET (304)

    stamps = dict(SourceArticle.objects.values_list("pk", "updated_at"))
    Feed.objects.filter(pk=feed.pk).update(etag="", last_modified="")  # force a full re-read
    feed_fetch.delay(feed.pk)
    wait_for(lambda: Feed.objects.filter(pk=feed.pk, etag__gt="").exists(), what="the re-run", log=celery_worker.log)
    assert dict(SourceArticle.objects.values_list("pk", "updated_at")) == stamps  # nothing rewritten


def test_fetch_now_in_the_admin_queues_a_fetch_for_the_worker(celery_worker, feed_server, admin_client):
    from django.urls import reverse

    feed = FeedFactory(url=feed_server.url("/feeds/jsonfeed.json"), next_fetch_at="2999-01-01T00:00Z")
    response = admin_client.post(
        reverse("admin:sources_feed_changelist"), {"action": "fetch_now", "_selected_action": [feed.pk]}, follow=True
    )
    assert "Fetching 1 feed(s) now" in response.content.decode()
    wait_for(
        lambda: Feed.objects.filter(pk=feed.pk, last_status=Feed.Status.OK).exists(),
        what="the worker to run the queued fetch",
        log=celery_worker.log,
    )
    assert SourceArticle.objects.filter(feed=feed).count() == 2
