"""Per-object validators: a detail's ETag moves only when it or something it shows changes, a filtered list's
when a story on its topic or outlet does; a 304 costs one query whatever the scope."""

import pytest

from sources.services import outlet_save
from stories.models import Story, StoryTopic
from stories.workflow import story_publish, story_unpublish
from tests.factories import build_story
from topics.services import topic_save

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_throttle(settings):
    settings.API_THROTTLE_ANON = ""


@pytest.fixture
def story():
    return build_story(topics=1, citations=1, questions=1, headline="The story under watch")


def _etag(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response["ETag"]


def _revalidate(client, url: str, etag: str):
    return client.get(url, headers={"If-None-Match": etag})


def test_an_untouched_story_detail_stays_304_across_an_unrelated_publish(client, story):
    url = f"/api/v1/stories/{story.live_slug}/"
    etag, ninjs = _etag(client, url), _etag(client, f"{url}ninjs/")
    build_story(topics=1, citations=1, questions=1, headline="Something else entirely")
    assert _revalidate(client, url, etag).status_code == 304
    assert _revalidate(client, f"{url}ninjs/", ninjs).status_code == 304
    assert _revalidate(client, "/api/v1/stories/", _etag(client, "/api/v1/stories/")).status_code == 304
    listed = client.get("/api/v1/stories/").json()["results"]
    assert [s["headline"] for s in listed] == ["Something else entirely", "The story under watch"]


def test_a_story_detail_moves_when_its_topic_is_renamed(client, story):
    url = f"/api/v1/stories/{story.live_slug}/"
    etag = _etag(client, url)
    topic = story.live_topics.get()
    topic.name = "Renamed topic"
    topic_save(topic=topic)
    response = _revalidate(client, url, etag)
    assert response.status_code == 200 and response["ETag"] != etag
    assert [t["name"] for t in response.json()["topics"]] == ["Renamed topic"]


def test_a_story_detail_moves_when_its_cited_outlet_is_renamed_and_when_it_is_republished(client, story):
    url = f"/api/v1/stories/{story.live_slug}/"
    etag = _etag(client, url)
    outlet = story.live_outlets.get()
    outlet.name = "Renamed outlet"
    outlet_save(outlet=outlet)
    response = _revalidate(client, url, etag)
    assert response.status_code == 200
    assert [c["outlet"]["name"] for c in response.json()["citations"]] == ["Renamed outlet"]
    Story.objects.filter(pk=story.pk).update(headline="Corrected headline")
    story_publish(story=Story.objects.get(pk=story.pk))
    again = _revalidate(client, url, response["ETag"])
    assert again.status_code == 200 and again.json()["headline"] == "Corrected headline"


def test_an_unpublished_story_answers_410_to_its_old_etag_not_304(client, story):
    url = f"/api/v1/stories/{story.live_slug}/"
    etag = _etag(client, url)
    story_unpublish(story=Story.objects.get(pk=story.pk), actor=None)
    assert _revalidate(client, url, etag).status_code == 410


def test_a_topic_detail_moves_when_a_story_on_it_is_published_and_not_for_others(client, story):
    topic = story.live_topics.get()
    url = f"/api/v1/topics/{topic.slug}/"
    etag = _etag(client, url)
    build_story(topics=1)  # another topic's story
    assert _revalidate(client, url, etag).status_code == 304
    tagged = build_story(publish=False, headline="New on the topic")
    StoryTopic.objects.create(story=tagged, topic=topic, position=0)
    story_publish(story=tagged)
    response = _revalidate(client, url, etag)
    assert response.status_code == 200
    assert [s["headline"] for s in response.json()["stories"]] == ["New on the topic", "The story under watch"]


def test_a_list_filtered_by_topic_moves_when_a_story_on_it_is_published_or_updated(client, story):
    topic = story.live_topics.get()
    url = f"/api/v1/stories/?topic={topic.slug}"
    etag = _etag(client, url)
    build_story(topics=1, citations=1)  # neither on the topic nor citing the outlet
    assert _revalidate(client, url, etag).status_code == 304
    Story.objects.filter(pk=story.pk).update(headline="Updated headline")
    story_publish(story=Story.objects.get(pk=story.pk))
    response = _revalidate(client, url, etag)
    assert response.status_code == 200
    assert [s["headline"] for s in response.json()["results"]] == ["Updated headline"]
    tagged = build_story(publish=False, headline="Newly tagged")
    StoryTopic.objects.create(story=tagged, topic=topic, position=0)
    story_publish(story=tagged)
    again = _revalidate(client, url, response["ETag"])
    assert again.status_code == 200
    assert [s["headline"] for s in again.json()["results"]] == ["Newly tagged", "Updated headline"]


def test_a_list_filtered_by_topic_moves_when_another_topic_its_stories_carry_is_renamed(client):
    story = build_story(topics=2)
    watched, other = story.live_topics.order_by("pk")
    url = f"/api/v1/stories/?topic={watched.slug}"
    etag = _etag(client, url)
    other.name = "Another name"
    topic_save(topic=other)
    response = _revalidate(client, url, etag)
    assert response.status_code == 200
    assert "Another name" in [t["name"] for t in response.json()["results"][0]["topics"]]


def test_a_list_filtered_by_outlet_moves_when_a_story_citing_it_is_unpublished(client, story):
    outlet = story.live_outlets.get()
    url = f"/api/v1/stories/?outlet={outlet.slug}"
    etag = _etag(client, url)
    build_story(citations=1)
    assert _revalidate(client, url, etag).status_code == 304
    story_unpublish(story=Story.objects.get(pk=story.pk), actor=None)
    response = _revalidate(client, url, etag)
    assert response.status_code == 200 and response.json()["results"] == []


def test_an_unfiltered_list_moves_when_a_story_is_published(client, story):
    etag = _etag(client, "/api/v1/stories/")
    build_story(headline="Fresh")
    response = _revalidate(client, "/api/v1/stories/", etag)
    assert response.status_code == 200 and response.json()["results"][0]["headline"] == "Fresh"


def test_a_304_costs_one_query_whatever_the_scope(client, story, django_assert_num_queries):
    topic, outlet = story.live_topics.get(), story.live_outlets.get()
    urls = [
        f"/api/v1/stories/{story.live_slug}/",
        f"/api/v1/stories/{story.live_slug}/ninjs/",
        f"/api/v1/topics/{topic.slug}/",
        f"/api/v1/outlets/{outlet.slug}/",
        f"/api/v1/questions/{story.live_questions.get().slug}/",
        f"/api/v1/stories/?topic={topic.slug}&outlet={outlet.slug}",
        "/api/v1/stories/",
        "/api/v1/sync/?since=0",
    ]
    for url in urls:
        etag = _etag(client, url)
        with django_assert_num_queries(1):  # the change log's state, with the objects' own, in one statement
            assert _revalidate(client, url, etag).status_code == 304, url


def test_a_detail_without_any_change_recorded_falls_back_to_all_content(client):
    from tests.factories import TopicFactory

    topic = TopicFactory()  # created without its service: nothing in the change log names it
    url = f"/api/v1/topics/{topic.slug}/"
    etag = _etag(client, url)
    build_story()
    assert _revalidate(client, url, etag).status_code == 200


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_change_committed_late_below_a_later_entry_still_moves_the_detail(client, postgres):
    """PostgreSQL, real concurrent transactions: a rename held open writes the story's entry first (the lower
    id); another rename of the story's other topic commits before it. The ETag a client got in between must
    not match once the held one commits, though the story's last entry id is unchanged."""
    from tests.api.test_sync_exact import Held

    story = build_story(topics=2)
    held_topic, other_topic = story.live_topics.order_by("pk")
    url = f"/api/v1/stories/{story.live_slug}/"

    def rename_held():
        held_topic.name = "Renamed in the held transaction"
        topic_save(topic=held_topic)

    with Held(rename_held):
        other_topic.name = "Renamed and committed first"
        topic_save(topic=other_topic)
        between = client.get(url)
        assert "Renamed and committed first" in [t["name"] for t in between.json()["topics"]]
    response = _revalidate(client, url, between["ETag"])
    assert response.status_code == 200
    assert "Renamed in the held transaction" in [t["name"] for t in response.json()["topics"]]


def test_a_deploy_that_changes_the_api_code_moves_an_untouched_detail(client, story, monkeypatch):
    from stories.api import version

    url = f"/api/v1/stories/{story.live_slug}/"
    etag = _etag(client, url)
    assert _revalidate(client, url, etag).status_code == 304
    monkeypatch.setattr(version, "api_code_version", lambda: "the-next-release")
    assert _revalidate(client, url, etag).status_code == 200
