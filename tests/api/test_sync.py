"""Offline sync: replaying the change log from any cursor ends with exactly the published set."""

import random

import pytest

from faq.models import CommonQuestion
from faq.services import question_delete, question_save
from newsroom.changes.models import ChangeEvent
from sources.models import Outlet
from sources.services import outlet_delete, outlet_save
from stories.models import Citation, Story, StoryQuestion, StoryTopic
from stories.workflow import story_publish, story_unpublish
from tests.factories import QuestionItemFactory, build_story
from topics.models import Topic
from topics.services import topic_delete, topic_save

pytestmark = pytest.mark.django_db


def sync_once(client, since: int, limit: int) -> dict:
    """One page of the feed, as a client asks for it."""
    response = client.get("/api/v1/sync/", {"since": since, "limit": limit})
    assert response.status_code == 200, response.content
    return response.json()


def apply_page(store: dict, page: dict) -> None:
    """Apply a page's changes in order, keyed by (kind, id): an upsert stores ``data``, a tombstone removes."""
    for change in page["changes"]:
        key = (change["kind"], change["id"])
        if change["action"] == "upsert":
            store[key] = change["data"]
        else:
            store.pop(key, None)


def replay(client, *, since=0, store=None, limit=3):
    """What an offline client does: apply every page in order, keep the cursor."""
    store = dict(store or {})
    while True:
        page = sync_once(client, since, limit)
        apply_page(store, page)
        since = page["next_cursor"]
        if not page["has_more"]:
            return store, since


def published_set(client) -> dict:
    """The public state, read from the detail endpoints."""
    state = {}
    for story in Story.objects.live():
        state[("story", story.pk)] = client.get(f"/api/v1/stories/{story.live_slug}/").json()
    for topic in Topic.objects.all():
        state[("topic", topic.pk)] = client.get(f"/api/v1/topics/{topic.slug}/").json()
    for question in CommonQuestion.objects.published():
        state[("question", question.pk)] = client.get(f"/api/v1/questions/{question.slug}/").json()
    for outlet in Outlet.objects.all():
        state[("outlet", outlet.pk)] = client.get(f"/api/v1/outlets/{outlet.slug}/").json()
    return state


def _topic(name: str) -> Topic:
    return topic_save(topic=Topic(name=name, slug=name.lower(), kind=Topic.Kind.COUNTRY))


def _question(slug: str, status=CommonQuestion.Status.PUBLISHED) -> CommonQuestion:
    question = question_save(question=CommonQuestion(question=f"{slug}?", slug=slug, status=status))
    QuestionItemFactory(common_question=question)
    return question


def _tagged_story(*topics: Topic) -> Story:
    story = build_story(publish=False)
    for topic in topics:
        StoryTopic.objects.create(story=story, topic=topic)
    return story_publish(story=story, actor=None)


def test_replay_from_any_cursor_ends_with_the_published_set(client):
    checkpoints = []

    def checkpoint():
        checkpoints.append(replay(client))

    peru, mexico = _topic("Peru"), _topic("Mexico")
    a, b, c = _tagged_story(peru), _tagged_story(mexico), _tagged_story(peru, mexico)
    why = _question("why")
    wire, gone = outlet_save(outlet=Outlet(name="Wire", slug="wire")), outlet_save(outlet=Outlet(name="Gone", slug="gone"))
    checkpoint()
    story_unpublish(story=b, actor=None)  # unpublish
    mexico.name = "Mexico (country)"
    topic_save(topic=mexico)  # a rename reaches the stories that show it
    draft = _question("not-yet", status=CommonQuestion.Status.DRAFT)
    wire.name = "Wire Service"
    outlet_save(outlet=wire)  # an outlet renamed
    checkpoint()
    Story.objects.filter(pk=a.pk).update(slug="a-new-address", headline="Corrected")
    story_publish(story=Story.objects.get(pk=a.pk), actor=None)  # correction under a new slug
    why.status = CommonQuestion.Status.DRAFT
    question_save(question=why)  # a question taken back to draft
    draft.status = CommonQuestion.Status.PUBLISHED
    question_save(question=draft)
    checkpoint()
    story_publish(story=Story.objects.get(pk=b.pk), actor=None)  # republished
    topic_delete(topic=peru)  # a topic deleted
    story_unpublish(story=c, actor=None)
    Story.objects.filter(pk=c.pk).delete()  # a story unpublished, then deleted
    question_delete(question=draft)
    outlet_delete(outlet=gone)  # an outlet deleted

    expected = published_set(client)
    assert {k for k in expected if k[0] == "story"} == {("story", a.pk), ("story", b.pk)}
    assert replay(client)[0] == expected  # a new client, from the start
    for store, cursor in checkpoints:  # clients that synced earlier, resuming
        assert replay(client, since=cursor, store=store)[0] == expected
    assert expected[("story", a.pk)]["slug"] == "a-new-address"
    assert expected[("topic", mexico.pk)]["name"] == "Mexico (country)"
    assert expected[("story", b.pk)]["topics"][0]["name"] == "Mexico (country)"
    assert expected[("outlet", wire.pk)]["name"] == "Wire Service" and ("outlet", gone.pk) not in expected


def test_a_page_sends_each_object_once_with_its_current_state(client):
    story = build_story()
    for _ in range(3):
        story = story_publish(story=Story.objects.get(pk=story.pk), actor=None)
    page = client.get("/api/v1/sync/?since=0").json()
    assert [(c["kind"], c["id"], c["action"]) for c in page["changes"]] == [("story", story.pk, "upsert")]
    assert page["next_cursor"] == ChangeEvent.objects.latest("id").pk and page["has_more"] is False


def test_an_empty_feed_keeps_the_cursor(client):
    build_story()
    last = ChangeEvent.objects.latest("id").pk
    page = client.get(f"/api/v1/sync/?since={last}").json()
    assert page == {"changes": [], "next_cursor": last, "has_more": False}


def test_a_cursor_the_feed_never_gave_is_a_400_naming_it(client):
    build_story()
    unknown = ChangeEvent.objects.latest("id").pk + 1000
    response = client.get(f"/api/v1/sync/?since={unknown}")
    assert response.status_code == 400
    assert "since" in response.json()


@pytest.mark.parametrize("query", ["since=abc", "since=-1", "since=1.5", "limit=0", "since=99999999999999999999999"])
def test_a_bad_cursor_is_a_400_naming_it(client, query):
    response = client.get(f"/api/v1/sync/?{query}")
    assert response.status_code == 400
    assert query.split("=")[0] in response.json()


def test_the_demo_content_replays_completely(client, demo):
    assert replay(client)[0] == published_set(client)
    assert {kind for kind, _ in published_set(client)} == {"story", "topic", "question", "outlet"}


# --- property: any sequence of edits and deletions replays to exactly what the API serves -------------------


def _random_act(rng: random.Random, n: int) -> None:
    """One editorial act on whatever exists, chosen at random (through the services, as the admin does)."""
    topics, questions = list(Topic.objects.all()), list(CommonQuestion.objects.all())
    outlets, stories = list(Outlet.objects.all()), list(Story.objects.all())
    act = rng.choice(
        ["story", "publish", "edit", "unpublish", "retag", "delete story", "topic", "rename topic", "delete topic",
         "question", "publish question", "retopic question", "delete question", "outlet", "rename outlet",
         "delete outlet"]
    )  # fmt: skip
    if act == "story" or not stories:
        story = build_story(publish=False)
        for topic in rng.sample(topics, min(len(topics), 2)):
            StoryTopic.objects.create(story=story, topic=topic)
        if outlets:
            Citation.objects.create(story=story, position=1, outlet=rng.choice(outlets), url="https://e.com/x", claim="c")
        if questions:
            StoryQuestion.objects.create(story=story, question=rng.choice(questions))
    elif act in ("publish", "edit", "retag"):
        story = rng.choice(stories)
        if act == "edit":
            Story.objects.filter(pk=story.pk).update(headline=f"Edited {n}", slug=f"edited-{n}")
        if act == "retag" and topics:
            StoryTopic.objects.filter(story=story).delete()
            StoryTopic.objects.create(story=story, topic=rng.choice(topics))
        story_publish(story=Story.objects.get(pk=story.pk), actor=None)
    elif act == "unpublish":
        live = [s for s in stories if s.status == Story.Status.PUBLISHED]
        if live:
            story_unpublish(story=rng.choice(live), actor=None)
    elif act == "delete story":
        gone = [s for s in stories if s.status != Story.Status.PUBLISHED]
        if gone:
            rng.choice(gone).delete()  # the admin deletes only stories not live
    elif act == "topic" or (not topics and "topic" in act):
        topic_save(topic=Topic(name=f"Topic {n}", slug=f"topic-{n}", kind=Topic.Kind.PERSON))
    elif act == "rename topic":
        topic = rng.choice(topics)
        topic.name = f"Renamed {n}"
        topic_save(topic=topic)
    elif act == "delete topic":
        topic_delete(topic=rng.choice(topics))
    elif act == "question" or (not questions and "question" in act):
        _question(f"q-{n}", status=rng.choice(CommonQuestion.Status.values))
    elif act == "publish question":
        question = rng.choice(questions)
        question.status = rng.choice(CommonQuestion.Status.values)
        question.teaser = f"Teaser {n}"
        question_save(question=question)
    elif act == "retopic question":
        question = rng.choice(questions)
        chosen = rng.sample(topics, min(len(topics), rng.randint(0, 2)))
        question_save(question=question, related=lambda: question.topics.set(chosen))  # as the admin saves its form
    elif act == "delete question":
        question_delete(question=rng.choice(questions))
    elif act == "outlet" or not outlets:
        outlet_save(outlet=Outlet(name=f"Outlet {n}", slug=f"outlet-{n}"))
    elif act == "rename outlet":
        outlet = rng.choice(outlets)
        outlet.name = f"Renamed outlet {n}"
        outlet_save(outlet=outlet)
    else:
        uncited = [o for o in outlets if not o.citations.exists()]  # cited outlets are protected
        if uncited:
            outlet_delete(outlet=rng.choice(uncited))


@pytest.mark.parametrize("seed", range(6))
def test_any_sequence_of_edits_and_deletions_replays_to_exactly_what_the_api_serves(client, settings, seed):
    settings.API_THROTTLE_ANON = ""  # hundreds of syncs from one address
    rng, checkpoints = random.Random(seed), []
    for n in range(40):
        _random_act(rng, n)
        store, cursor = checkpoints[-1] if checkpoints else ({}, 0)
        checkpoints.append(replay(client, since=cursor, store=store, limit=rng.choice([1, 2, 5, 100])))
        assert checkpoints[-1][0] == published_set(client), f"after act {n}"  # a client that syncs after every act
    expected = published_set(client)
    assert replay(client)[0] == expected  # a new client, from the start
    for store, cursor in checkpoints[::5]:  # clients that stopped syncing at some point, resuming
        assert replay(client, since=cursor, store=store, limit=3)[0] == expected


@pytest.mark.django_db(transaction=True)
def test_a_change_committed_while_a_page_is_read_waits_for_the_next_page(client, monkeypatch):
    """The fingerprint (and the reference maps it keys) are read first; a rename committing before the
    entries are read must not be sent with the old name and passed by the cursor."""
    from stories.api import sync

    topic = _topic("Peru")
    _tagged_story(topic)
    store, cursor = replay(client)
    read = sync.changes_after

    def renamed_meanwhile(**kwargs):
        topic.name = "Peru (renamed)"
        topic_save(topic=topic)  # commits now (no transaction around the test)
        return read(**kwargs)

    monkeypatch.setattr(sync, "changes_after", renamed_meanwhile)
    store, cursor = replay(client, since=cursor, store=store)
    monkeypatch.setattr(sync, "changes_after", read)
    store, _ = replay(client, since=cursor, store=store)
    assert store == published_set(client)
    assert store[("topic", topic.pk)]["name"] == "Peru (renamed)"
