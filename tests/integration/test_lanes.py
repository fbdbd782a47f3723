"""Work is queued by lane (newsroom/celery.py): a worker for publishing never takes a feed's fetch, and the fetch
waits on its own queue for a worker of its lane, so a flood of feeds cannot delay a publish's side effects."""

from datetime import timedelta

import factory
import pytest
import redis
from django.utils import timezone

from newsroom.celery import lane_of, lane_queue
from sources.tasks import feed_fetch
from stories.models import Story
from stories.tasks import publish_scheduled_stories
from tests.factories import FeedFactory, build_story

from .stack import broker_url, new_queue, start_worker, tasks_sent_to, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("redis_url")]


def test_each_kind_of_work_has_its_lane():
    assert lane_of("sources.tasks.feed_fetch") == "ingest"
    assert lane_of("events.tasks.articles_cluster") == lane_of("events.tasks.articles_cluster_pending") == "cluster"
    assert lane_of("images.tasks.image_renditions") == "images"
    assert lane_of("webhooks.tasks.deliver") == "webhooks"
    assert lane_of("changes.tasks.edge_purge") == lane_of("stories.tasks.publish_scheduled_stories") == "publish"
    assert lane_queue("publish", "q") == "q" and lane_queue("ingest", "q") == "q.ingest"


def test_a_publishing_worker_leaves_feed_work_to_the_ingest_lane(tmp_path):
    queue = new_queue("lanes")
    broker = redis.Redis.from_url(broker_url())
    feed = FeedFactory(url="http://127.0.0.1:9/feed.xml")  # never fetched: the point is where it waits
    worker = start_worker(tmp_path, queue, lanes=("publish",))
    try:
        with tasks_sent_to(queue):
            feed_fetch.delay(feed.pk)
            publish_scheduled_stories.delay()
            # The publishing worker runs its own task (a task's id follows its name in the log: "name[id]") …
            wait_for(
                lambda: b"stories.tasks.publish_scheduled_stories[" in worker.log.read_bytes(),
                timeout=30,
                what="the publish lane's task",
                log=worker.log,
            )
            assert broker.llen(queue) == 0
            # … and never takes the fetch, which waits for an ingest worker.
            assert broker.llen(lane_queue("ingest", queue)) == 1
            assert b"sources.tasks.feed_fetch[" not in worker.log.read_bytes()
    finally:
        worker.stop()


def test_a_scheduled_story_goes_live_while_the_ingest_lane_is_flooded(tmp_path, feed_server):
    """Workers per lane, as in production: a story due goes live at once while the ingest lane's worker is busy
    and hundreds of fetches wait on its queue, all queued before the publishing task."""
    queue = new_queue("flood")
    broker = redis.Redis.from_url(broker_url())
    feeds = FeedFactory.create_batch(200, url=factory_url(feed_server))
    story = build_story(publish=False)
    Story.objects.filter(pk=story.pk).update(status=Story.Status.SCHEDULED, publish_at=timezone.now() - timedelta(seconds=1))
    publisher = start_worker(tmp_path, queue, "publisher", lanes=("publish",))
    ingester = start_worker(tmp_path, queue, "ingester", lanes=("ingest",))
    with tasks_sent_to(queue):  # its end empties the queues: the workers stop first (giving back what they hold)
        try:
            for feed in feeds:  # each answers after 2 s: the ingest worker takes one at a time
                feed_fetch.delay(feed.pk)
            publish_scheduled_stories.delay()
            wait_for(
                lambda: Story.objects.get(pk=story.pk).status == Story.Status.PUBLISHED,
                timeout=30,
                what="the scheduled story to go live",
                log=publisher.log,
            )
            assert broker.llen(lane_queue("ingest", queue)) >= 150  # the flood still waits …
            assert b"sources.tasks.feed_fetch[" in ingester.log.read_bytes()  # … on a worker busy with it
            assert b"sources.tasks.feed_fetch[" not in publisher.log.read_bytes()
        finally:
            publisher.stop()
            ingester.stop()


def factory_url(feed_server):
    """Distinct addresses of one slow feed (the query is ignored by the server)."""
    return factory.Sequence(lambda n: feed_server.url(f"/slow/2/rss20.xml?n={n}"))
