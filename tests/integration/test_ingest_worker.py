"""End to end with the real stack: Celery beat and worker on Redis, PostgreSQL, the local feed server.

The worker runs as a subprocess (``celery -A newsroom worker -B``) on the
pytest-django test database, so the rows must be committed
(``transaction=True``); beat ticks every second (FEED_POLL_SECONDS=1). The
broker is a Redis database of its own (the cache's number + 8, so the suite's
cache flushes never drop a queued task) and a queue name of its own.
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from newsroom.celery import app
from sources.models import ArticleTopic, Feed, SourceArticle
from sources.tasks import feed_fetch
from tests.factories import FeedFactory, OutletFactory, TopicFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(settings.BASE_DIR)


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _broker_url(redis_url: str) -> str:
    base, _, db = redis_url.rstrip("/").rpartition("/")
    if not db.isdigit():
        base, db = redis_url.rstrip("/"), "0"
    return f"{base}/{(int(db) + 8) % 16}"


def _reset_producers() -> None:
    """Forget the app's producer pool so the next publish uses the current broker URL.

    Not closed: kombu keeps pools in a registry by URL, and other tests reuse it.
    """
    app._pool = None
    app.amqp._producer_pool = None


def wait_for(condition, *, timeout: float = 45, what: str = "condition", log: Path | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    text = log.read_text() if log and log.exists() else ""
    excerpt = text if len(text) < 8000 else f"{text[:4000]}\n[…]\n{text[-4000:]}"
    pytest.fail(f"timed out waiting for {what}\n--- worker log ---\n{excerpt}")


@pytest.fixture
def celery_worker(postgres, redis_url, feed_server, tmp_path):
    """A real worker with embedded beat, consuming a queue no one else uses."""
    queue = f"newsroom-test-{uuid.uuid4().hex[:8]}"
    broker = _broker_url(redis_url)
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "SECRET_KEY": "integration-test-secret-key-0123456789-abcdefghijklmnop",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": broker,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "CELERY_QUEUE": queue,
        "FEED_POLL_SECONDS": "1",
        "CACHE_KEY_PREFIX": settings.CACHES["default"].get("KEY_PREFIX", "newsroom"),
    }
    command = [
        str(Path(sys.executable).parent / "celery"), "-A", "newsroom", "worker", "-B", "-s", str(tmp_path / "beat"),
        "-Q", queue, "-c", "2", "-l", "info", "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]
    previous = {key: app.conf[key] for key in ("task_always_eager", "task_default_queue", "broker_url")}
    app.conf.update(task_always_eager=False, task_default_queue=queue, broker_url=broker)
    _reset_producers()
    with open(log, "wb") as out:
        worker = subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: b" ready." in log.read_bytes() or worker.poll() is not None, what="worker start", log=log)
        if worker.poll() is not None:
            pytest.fail(f"the worker exited with {worker.returncode}:\n{log.read_text()[-4000:]}")
        worker.log = log
        yield worker
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        app.conf.update(previous)
        _reset_producers()
        import redis

        redis.Redis.from_url(broker).delete(queue)


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
    assert set(ArticleTopic.objects.filter(topic=peru).values_list("article__guid", flat=True)) == {
        "times-1001", "times-1003"
    }
    assert not any("atom.atom" in path for path, _ in feed_server.requests[already:])  # inactive: never polled


def test_a_task_delivered_twice_stores_each_article_once(celery_worker, feed_server):
    feed = FeedFactory(url=feed_server.url("/slow/1/rss20.xml"), next_fetch_at="2999-01-01T00:00Z")  # beat leaves it
    before = sum(1 for path, _ in feed_server.requests if path == "/slow/1/rss20.xml")
    feed_fetch.delay(feed.pk)
    feed_fetch.delay(feed.pk)  # a redelivery, run by the second worker process at the same time
    wait_for(
        lambda: Feed.objects.filter(pk=feed.pk, last_status=Feed.Status.OK).exists(),
        what="the fetch", log=celery_worker.log,
    )
    time.sleep(1.5)  # let the twin finish too
    assert SourceArticle.objects.filter(feed=feed).count() == 3
    requests = sum(1 for path, _ in feed_server.requests if path == "/slow/1/rss20.xml") - before
    assert requests in (1, 2)  # the twin either met the lock or made a conditional GET (304)

    stamps = dict(SourceArticle.objects.values_list("pk", "updated_at"))
    Feed.objects.filter(pk=feed.pk).update(etag="", last_modified="")  # force a full re-read
    feed_fetch.delay(feed.pk)
    wait_for(
        lambda: Feed.objects.filter(pk=feed.pk, etag__gt="").exists(), what="the re-run", log=celery_worker.log
    )
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
        what="the worker to run the queued fetch", log=celery_worker.log,
    )
    assert SourceArticle.objects.filter(feed=feed).count() == 2
