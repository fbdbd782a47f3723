"""Every public change reaches the endpoints that want it: signed, with the sync feed's data, never a draft.

These run the pipeline in-process (tasks eager, on-commit callbacks run by
``commit()``) against a real HTTP receiver on loopback; the worker, the broker,
retries over time and outages are in ``test_worker.py``.
"""

import time
from datetime import timedelta

import pytest

from stories.models import Story
from stories.workflow import story_publish, story_saved, story_unpublish
from tests.factories import TopicFactory, build_story
from tests.webhooks.receiver import Receiver, verify
from topics.services import topic_save
from webhooks.models import Delivery, Endpoint
from webhooks.services import endpoint_enable, endpoint_save
from webhooks.signing import signature_verify
from webhooks.tasks import dispatch

pytestmark = pytest.mark.django_db
P = Delivery.Status


def _sync_data(client, kind: str, pk: int) -> dict | None:
    changes = client.get("/api/v1/sync/", {"since": 0, "limit": 500}).json()["changes"]
    return [c for c in changes if (c["kind"], c["id"]) == (kind, pk)][-1]["data"]


def _events(receiver, kind: str | None = None) -> list[tuple[str, str, int]]:
    return [(e["kind"], e["action"], e["id"]) for e in receiver.accepted() if kind is None or e["kind"] == kind]


def test_a_published_story_is_posted_signed_with_exactly_the_sync_feeds_data(client, commit, hook, receiver):
    with commit():
        story = build_story(headline="Peru recalls its ambassador", topics=1)
    [request] = [r for r in receiver.received if r.event["kind"] == "story"]
    assert request.verified and request.answered == 200
    event = request.event
    assert (event["action"], event["id"], event["slug"]) == ("upsert", story.pk, story.live_slug)
    assert event["data"]["headline"] == "Peru recalls its ambassador"
    assert event["data"] == _sync_data(client, "story", story.pk)  # the API detail, as sync sends it
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Newsroom-Event-Id"] == event["event_id"]
    delivery = Delivery.objects.get(event_id=event["event_id"])
    assert (delivery.status, delivery.response_status, delivery.attempts, delivery.cursor) == (
        P.DELIVERED,
        200,
        1,
        event["cursor"],
    )


def test_a_tampered_body_an_other_secret_or_an_old_timestamp_fails_verification(commit, hook, receiver):
    with commit():
        build_story(headline="Signed")
    request = receiver.received[0]
    header, body = request.headers["Newsroom-Signature"], request.body
    assert verify(header, body, hook.secret) and signature_verify(header=header, body=body, secret=hook.secret)
    tampered = body.replace(b"Signed", b"Forged")
    assert tampered != body
    assert not verify(header, tampered, hook.secret) and not signature_verify(header=header, body=tampered, secret=hook.secret)
    assert not verify(header, body, "whsec_someone-else") and not signature_verify(header=header, body=body, secret="x")
    later = time.time() + 301  # a replay after the window
    assert not verify(header, body, hook.secret, now=later) and not signature_verify(
        header=header, body=body, secret=hook.secret, now=later
    )


def test_publish_update_and_unpublish_arrive_in_order_and_the_tombstone_carries_no_text(commit, hook, receiver):
    with commit():
        story = build_story(headline="First take")
    story.headline = "Second take"
    story.save()
    with commit():
        story_publish(story=story, actor=None)
    with commit():
        story_unpublish(story=Story.objects.get(pk=story.pk), actor=None)
    events = [e for e in receiver.accepted() if e["kind"] == "story"]
    assert [(e["action"], e["data"] and e["data"]["headline"]) for e in events] == [
        ("upsert", "First take"), ("upsert", "Second take"), ("delete", None)
    ]  # fmt: skip
    assert events[0]["cursor"] < events[1]["cursor"] < events[2]["cursor"]
    assert len({e["event_id"] for e in events}) == 3


def test_each_endpoint_receives_only_the_kinds_it_chose(commit, db):
    stories, topics = Receiver().start(), Receiver().start()
    try:
        for receiver, kinds in ((stories, ["story"]), (topics, ["topic"])):
            receiver.secret = endpoint_save(endpoint=Endpoint(name=str(kinds), url=receiver.url(), kinds=kinds)).secret
        peru = TopicFactory(name="Peru")
        with commit():
            story = build_story(headline="Lima")
            story.live_topics.add(peru)
        with commit():
            peru.name = "Republic of Peru"
            topic_save(topic=peru)
        assert {kind for kind, _, _ in _events(stories)} == {"story"}
        assert ("topic", "upsert", peru.pk) in _events(topics) and {k for k, _, _ in _events(topics)} == {"topic"}
        [renamed] = [e for e in topics.accepted() if e["id"] == peru.pk]
        assert renamed["data"]["name"] == "Republic of Peru"
        assert all(r.verified for r in stories.received + topics.received)
    finally:
        stories.stop()
        topics.stop()


def test_unpublished_edits_never_go_out_even_when_a_topic_change_resends_the_story(commit, hook, receiver):
    peru = TopicFactory(name="Peru")
    with commit():
        story = build_story(headline="Live headline", summary="Live summary")
        story.live_topics.add(peru)
    story.headline, story.summary = "Secret draft headline", "Secret draft summary"
    story.save()
    with commit():
        story_saved(story=story, actor=None)  # a save of the working copy: nothing public changes
    with commit():
        topic_save(topic=peru)  # the story shows the topic: it is re-sent
    story_events = [e for e in receiver.accepted() if e["kind"] == "story"]
    assert len(story_events) == 2 and story_events[-1]["data"]["headline"] == "Live headline"
    assert not any(b"Secret draft" in r.body for r in receiver.received)


def test_a_retry_after_the_story_was_taken_down_sends_a_tombstone_not_the_old_text(commit, hook, receiver):
    receiver.status = 500
    with commit():
        story = build_story(headline="Published, then withdrawn")
    assert receiver.received[-1].answered == 500
    with commit():
        story_unpublish(story=story, actor=None)
    receiver.status = 200
    Delivery.objects.update(next_attempt_at="2000-01-01T00:00Z")  # due now
    dispatch.delay()
    bodies = [r.body for r in receiver.received if r.answered == 200 and r.event["kind"] == "story"]
    assert [r.event["action"] for r in receiver.received if r.event["kind"] == "story"] == ["upsert", "delete", "delete"]
    assert not any(b"Published, then withdrawn" in body for body in bodies)


def test_a_failing_receiver_is_retried_then_the_endpoint_disabled_and_nothing_is_lost(
    commit, hook, receiver, settings, editor, client
):
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 3
    settings.WEBHOOK_DISABLE_AFTER = timedelta(0)
    receiver.status = 500
    with commit():
        story = build_story(headline="Held back")
    for _ in range(4):  # beat's sweeps, each once the backoff has passed
        Delivery.objects.filter(status=P.PENDING).update(next_attempt_at="2000-01-01T00:00Z")
        dispatch.delay()
    hook.refresh_from_db()
    [delivery] = Delivery.objects.filter(kind="story")
    assert [r.answered for r in receiver.received] == [500, 500, 500]  # the third failure disabled it: no fourth
    assert not hook.active and "3 attempts in a row failed" in hook.disabled_reason and "HTTP 500" in hook.disabled_reason
    assert (delivery.status, delivery.attempts, delivery.response_status) == (P.PENDING, 3, 500)
    client.force_login(editor)
    desk = client.get("/admin/").content.decode()
    assert "Webhooks disabled" in desk and "App backend" in desk and "3 attempts in a row failed" in desk

    receiver.status = 200
    with commit():
        endpoint_enable(endpoint=hook)
    delivery.refresh_from_db()
    assert delivery.status == P.DELIVERED and receiver.accepted()[-1]["id"] == story.pk
    assert "Webhooks disabled" not in client.get("/admin/").content.decode()


def test_a_redirect_is_not_followed(commit, hook, receiver):
    receiver.status, receiver.headers = 302, {"Location": receiver.url("/elsewhere")}
    with commit():
        build_story()
    delivery = Delivery.objects.get(kind="story")
    assert delivery.status == P.PENDING and delivery.response_status == 302 and "not followed" in delivery.error
    assert [r.path for r in receiver.received] == ["/hooks"]


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::ffff:127.0.0.1]", "169.254.169.254", "10.0.0.1"])
def test_an_endpoint_on_a_private_address_is_refused_without_a_request(commit, db, receiver, settings, host):
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = False
    endpoint = endpoint_save(endpoint=Endpoint(name="Internal", url=f"http://{host}:{receiver.port}/hooks"))
    with commit():
        build_story()
    delivery = Delivery.objects.get(endpoint=endpoint, kind="story")
    assert delivery.status == P.PENDING and delivery.response_status is None
    assert "not a public address" in delivery.error and "WEBHOOK_ALLOW_PRIVATE_HOSTS" in delivery.error
    assert receiver.received == []


def test_a_new_endpoint_gets_changes_from_now_on_not_the_logs_history(commit, db, receiver):
    with commit():
        build_story(headline="Before the endpoint")
    endpoint = endpoint_save(endpoint=Endpoint(name="Late", url=receiver.url()))
    receiver.secret = endpoint.secret
    with commit():
        after = build_story(headline="After the endpoint")
    assert [(e["kind"], e["id"]) for e in receiver.accepted() if e["kind"] == "story"] == [("story", after.pk)]


def test_a_later_change_of_an_object_waits_while_an_earlier_one_is_unanswered(commit, hook, receiver, settings):
    settings.WEBHOOK_BACKOFF_BASE = settings.WEBHOOK_BACKOFF_MAX = 60  # the failed first is not due again meanwhile
    receiver.status = 500
    with commit():
        story = build_story(headline="One")
        other = build_story(headline="Another story")
    story.headline = "Two"
    story.save()
    with commit():
        story_publish(story=story, actor=None)  # the second change of the story: its first is still failing
    first, second = Delivery.objects.filter(kind="story", object_id=story.pk).order_by("pk")
    assert (first.attempts, second.attempts) == (1, 0)  # the later change was not sent
    assert [r.event["id"] for r in receiver.received if r.event["kind"] == "story"] == [story.pk, other.pk]
    receiver.status = 200
    Delivery.objects.filter(status=P.PENDING).update(next_attempt_at="2000-01-01T00:00Z")
    dispatch.delay()
    assert [e["cursor"] for e in receiver.accepted() if e["id"] == story.pk] == [first.cursor, second.cursor]


def test_a_change_whose_after_commit_dispatch_was_lost_is_delivered_by_the_next_sweep(commit, hook, receiver, settings):
    settings.PUBLIC_CHANGE_STEPS = [s for s in settings.PUBLIC_CHANGE_STEPS if not s.startswith("webhooks.")]
    with commit():
        story = build_story(headline="Committed while the broker was away")
    assert receiver.received == [] and not Delivery.objects.exists()
    dispatch.delay()  # beat's sweep
    assert [(e["kind"], e["id"]) for e in receiver.accepted() if e["kind"] == "story"] == [("story", story.pk)]
