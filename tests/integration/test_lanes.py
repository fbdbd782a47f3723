"""Work is queued by lane (newsroom/celery.py): a worker for publishing never takes a feed's fetch, and the fetch
waits on its own queue for a worker of its lane, so a flood of feeds cannot delay a publish's side effects."""

import pytest
import redis

from newsroom.celery import lane_of, lane_queue
from sources.tasks import feed_fetch
from stories.tasks import publish_scheduled_stories
from tests.factories import FeedFactory

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
