"""The leak matrix: nothing unpublished reaches any endpoint; in sync only as tombstones."""

from datetime import timedelta

import pytest
from django.utils import timezone

from faq.models import CommonQuestion
from stories.models import Story, StoryQuestion, StoryTopic
from stories.workflow import story_publish, story_schedule, story_submit, story_unpublish
from tests.factories import CitationFactory, CommonQuestionFactory, OutletFactory, StoryFactory, TopicFactory, build_story

pytestmark = pytest.mark.django_db

SECRET = "SECRET"


@pytest.fixture
def world(settings):
    """One visible story, and every way a story or question can be not public, all on one topic and outlet."""
    topic, other_topic, outlet = TopicFactory(), TopicFactory(), OutletFactory()
    draft_question = CommonQuestionFactory(question=f"{SECRET} draft question?", status=CommonQuestion.Status.DRAFT)
    draft_question.topics.add(topic)

    def tagged(**fields) -> Story:
        story = StoryFactory(**fields)
        story.blocks.create(kind="whats_happened", body=f"<p>{SECRET} body of {story.slug}</p>")
        StoryTopic.objects.create(story=story, topic=topic)
        CitationFactory(story=story, outlet=outlet, claim=f"{SECRET} claim")
        return story

    hidden = {
        "draft": tagged(headline=f"{SECRET} draft"),
        "in_review": story_submit(story=tagged(headline=f"{SECRET} in review"), actor=None),
        "scheduled": story_schedule(
            story=tagged(headline=f"{SECRET} scheduled"), actor=None, publish_at=timezone.now() + timedelta(days=1)
        ),
        "unpublished": story_unpublish(
            story=story_publish(story=tagged(headline=f"{SECRET} unpublished"), actor=None), actor=None
        ),
    }
    for state, story in hidden.items():
        assert Story.objects.get(pk=story.pk).status == state

    visible = build_story(headline="Visible headline", publish=False)
    StoryTopic.objects.create(story=visible, topic=topic)
    CitationFactory(story=visible, outlet=outlet, claim="Visible claim")
    StoryQuestion.objects.create(story=visible, question=draft_question)
    story_publish(story=visible, actor=None)
    # Unpublished edits of the published story: working copy only.
    Story.objects.filter(pk=visible.pk).update(headline=f"{SECRET} edited headline", summary=f"{SECRET} summary")
    visible.blocks.update(body=f"<p>{SECRET} edited body</p>")
    StoryTopic.objects.create(story=visible, topic=other_topic, position=5)
    visible.citations.update(claim=f"{SECRET} edited claim")
    return {
        "topic": topic,
        "other_topic": other_topic,
        "outlet": outlet,
        "question": draft_question,
        "hidden": hidden,
        "visible": visible,
    }


def _endpoints(world) -> list[str]:
    topic, outlet, visible = world["topic"], world["outlet"], world["visible"]
    urls = [
        "/api/v1/stories/",
        f"/api/v1/stories/?topic={topic.slug}",
        f"/api/v1/stories/?outlet={outlet.slug}",
        f"/api/v1/stories/?q={SECRET}",
        "/api/v1/stories/?ordering=headline",
        f"/api/v1/stories/{visible.slug}/",
        f"/api/v1/stories/{visible.slug}/ninjs/",
        "/api/v1/topics/",
        f"/api/v1/topics/{topic.slug}/",
        f"/api/v1/topics/{world['other_topic'].slug}/",
        "/api/v1/questions/",
        "/api/v1/outlets/",
        f"/api/v1/outlets/{outlet.slug}/",
    ]
    return urls


def test_nothing_unpublished_appears_on_any_endpoint(client, world):
    for url in _endpoints(world):
        response = client.get(url)
        assert response.status_code == 200, url
        assert SECRET not in response.content.decode(), url
    body = client.get(f"/api/v1/stories/{world['visible'].slug}/").json()
    assert body["headline"] == "Visible headline"
    assert [t["slug"] for t in body["topics"]] == [world["topic"].slug]
    assert body["questions"] == []
    assert client.get("/api/v1/stories/").json()["results"][0]["slug"] == world["visible"].slug
    assert len(client.get("/api/v1/stories/").json()["results"]) == 1


@pytest.mark.parametrize("state", ["draft", "in_review", "scheduled", "unpublished"])
def test_hidden_story_addresses_show_nothing(client, world, state):
    """Never published: 404. Unpublished: 410 Gone with a body that says so and nothing of the story."""
    story = world["hidden"][state]
    by_slug = 410 if state == "unpublished" else 404
    for url, expected in (
        (f"/api/v1/stories/{story.slug}/", by_slug),
        (f"/api/v1/stories/{story.slug}/ninjs/", by_slug),
        (f"/api/v1/stories/{story.pk}/", 404),  # by id: only a live story is found
    ):
        response = client.get(url)
        assert response.status_code == expected, url
        assert SECRET not in response.content.decode() and story.headline not in response.content.decode()


def test_draft_question_is_404(client, world):
    assert client.get(f"/api/v1/questions/{world['question'].slug}/").status_code == 404


def test_sync_shows_hidden_content_only_as_tombstones(client, world):
    changes = client.get("/api/v1/sync/?since=0").json()["changes"]
    hidden_ids = {s.pk for s in world["hidden"].values()}
    for change in changes:
        if change["kind"] == "story" and change["id"] in hidden_ids:
            assert change["action"] == "delete" and change["data"] is None
    assert SECRET not in str([c["data"] for c in changes])
    upserts = {c["id"]: c for c in changes if c["kind"] == "story" and c["action"] == "upsert"}
    assert set(upserts) == {world["visible"].pk}
    assert upserts[world["visible"].pk]["data"]["headline"] == "Visible headline"
    unpublished = world["hidden"]["unpublished"].pk
    assert [c["action"] for c in changes if c["kind"] == "story" and c["id"] == unpublished] == ["delete"]
