"""End to end on the real stack: a Celery worker (with beat) on Redis, PostgreSQL, a receiver on loopback.

The receiver first fails (HTTP 500), then is taken off the network, then
comes back: every change still arrives, each object's changes in log order
and one at a time, and an app backend applying them ends with exactly the
published set the API shows. Changes committed before any worker runs are
delivered once one starts.
"""

import pytest

from stories.models import Story
from stories.workflow import story_publish, story_unpublish
from tests.factories import TopicFactory, build_story
from tests.integration.stack import new_queue, start_worker, tasks_sent_to, wait_for
from topics.services import topic_save
from webhooks.models import Delivery, Endpoint
from webhooks.services import endpoint_save

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

BASE = 0.2  # WEBHOOK_BACKOFF_BASE in the worker
FAST = {
    "WEBHOOK_ALLOW_PRIVATE_HOSTS": "1",
    "WEBHOOK_ALLOW_HTTP": "1",
    "WEBHOOK_BACKOFF_BASE": str(BASE),
    "WEBHOOK_BACKOFF_MAX": "1",
    "WEBHOOK_SWEEP_SECONDS": "1",
    "WEBHOOK_TIMEOUT": "3",
}


def _apply(events: list[dict]) -> dict:
    """What an app backend does: upsert or delete by (kind, id), in arrival order."""
    store = {}
    for event in events:
        key = (event["kind"], event["id"])
        if event["action"] == "upsert":
            store[key] = event["data"]
        else:
            store.pop(key, None)
    return store


def _published(client, kinds) -> dict:
    changes = client.get("/api/v1/sync/", {"since": 0, "limit": 500}).json()["changes"]
    return _apply([c for c in changes if c["kind"] in kinds])


def test_every_change_arrives_in_order_per_object_through_failures_and_an_outage(postgres, redis_url, receiver, tmp_path, client):
    queue = new_queue("webhooks")
    kinds = ["story", "topic"]
    with tasks_sent_to(queue):
        endpoint = endpoint_save(endpoint=Endpoint(name="App backend", url=receiver.url(), kinds=kinds))
        receiver.secret, receiver.status = endpoint.secret, 500
        peru = TopicFactory(name="Peru")
        first = build_story(headline="Lima recalls its envoy", publish=False)
        first.live_topics.add(peru)
        story_publish(story=first, actor=None)  # committed while no worker runs: the task waits in Redis

        worker = start_worker(tmp_path, queue, "webhooks", beat=True, concurrency=2, **FAST)
        try:

            def failed_on_first(n):
                return len([r for r in receiver.received if r.event["kind"] == "story" and r.answered == 500]) >= n

            wait_for(lambda: failed_on_first(3), what="three failed attempts", log=worker.log)
            receiver.stop()  # down: connections refused
            first.headline = "Lima recalls its envoy, again"
            first.save()
            story_publish(story=Story.objects.get(pk=first.pk), actor=None)
            second = build_story(headline="Mexico answers")
            peru.name = "Republic of Peru"
            topic_save(topic=peru)
            story_unpublish(story=Story.objects.get(pk=second.pk), actor=None)
            refused = Delivery.objects.filter(object_id=first.pk, kind="story", attempts__gte=5, error__contains="ConnectError")
            wait_for(refused.exists, what="attempts refused while it is down", log=worker.log)
            receiver.status = 200
            receiver.start()  # back, on the same port

            def all_delivered():
                return Delivery.objects.exists() and not Delivery.objects.exclude(status=Delivery.Status.DELIVERED).exists()

            wait_for(all_delivered, timeout=90, what="every delivery", log=worker.log)
        finally:
            worker.stop()

    attempts = receiver.received
    assert all(r.verified for r in attempts)
    accepted = receiver.accepted()
    deliveries = list(Delivery.objects.order_by("pk"))
    # No loss, no duplicate: each delivery's event accepted exactly once.
    assert sorted(e["event_id"] for e in accepted) == sorted(str(d.event_id) for d in deliveries)
    assert {(d.kind, d.object_id) for d in deliveries} >= {("story", first.pk), ("story", second.pk), ("topic", peru.pk)}
    # In log order per object, and never a later change of an object while an earlier one was still unanswered.
    for key in {(d.kind, d.object_id) for d in deliveries}:
        cursors = [d.cursor for d in deliveries if (d.kind, d.object_id) == key]
        assert [e["cursor"] for e in accepted if (e["kind"], e["id"]) == key] == cursors
        tries = [r.event["cursor"] for r in attempts if (r.event["kind"], r.event["id"]) == key]
        assert tries == sorted(tries), (key, tries)
    # Retried with backoff: the first event's failed attempts are spaced at least BASE × 2^n apart.
    first_event = str(next(d.event_id for d in deliveries if (d.kind, d.object_id) == ("story", first.pk)))
    failed = [r.at for r in attempts if r.event["event_id"] == first_event and r.answered == 500]
    assert len(failed) >= 3
    for n, (earlier, later) in enumerate(zip(failed, failed[1:], strict=False)):
        assert later - earlier >= min(BASE * 2**n, 1.0) * 0.95, failed
    # An app applying what it received holds exactly what the API publishes: the renamed topic, no withdrawn story.
    store = _apply(accepted)
    assert store == _published(client, kinds)
    assert ("story", second.pk) not in store and store[("topic", peru.pk)]["name"] == "Republic of Peru"
    assert store[("story", first.pk)]["headline"] == "Lima recalls its envoy, again"
