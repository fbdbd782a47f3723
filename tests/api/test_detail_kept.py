"""The story detail's JSON, serialised once at publish time and kept beside the rendered page."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.renderers import JSONRenderer

from newsroom.changes.models import ChangeEvent
from newsroom.changes.record import change_record
from stories.api import kept
from stories.api.serializers import StoryDetailSerializer
from stories.models import LivePage, Story
from stories.selectors import story_live_queryset, story_page_from
from stories.workflow import story_unpublish
from tests.factories import build_story

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _real_path(settings):
    settings.API_THROTTLE_ANON = ""
    settings.API_RESPONSE_CACHE_SECONDS = 0  # every request takes the path measured here


def _get(client, url, **headers) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, headers=headers)
    return len(ctx.captured_queries), response


def _story(commit, **fields) -> Story:
    with commit():
        story = build_story(blocks=4, citations=3, topics=3, questions=2, summary="Café “quoted” — ünïcode", **fields)
    return story


def test_publishing_keeps_the_detail_byte_for_byte_what_the_serializer_gives(client, commit):
    story = _story(commit)
    kept = LivePage.objects.get(story=story)
    assert kept.api_json and kept.api_key.startswith(f"{story.live_revision_id}:")
    url = f"/api/v1/stories/{story.slug}/"
    client.get("/api/v1/stories/")  # load the per-process reference maps
    count, plain = _get(client, url)
    assert count == 1  # the fingerprint, with the kept JSON read in the same statement
    assert plain.status_code == 200 and plain.content == kept.api_json.encode()
    # DRF's own path (any parameter takes it) serialises afresh: the same bytes and headers.
    count, fresh = _get(client, url + "?fresh=1")
    assert count == 2 and fresh.content == plain.content
    assert plain["Content-Type"] == fresh["Content-Type"] == "application/json"
    assert plain["Cache-Control"] == fresh["Cache-Control"] and plain["ETag"] and plain["Last-Modified"]
    page = story_page_from(story_live_queryset().get(pk=story.pk))
    assert plain.content == JSONRenderer().render(StoryDetailSerializer(page).data)
    assert json.loads(plain.content)["summary"] == "Café “quoted” — ünïcode"


def test_the_kept_detail_answers_conditional_requests(client, commit):
    story = _story(commit)
    url = f"/api/v1/stories/{story.slug}/"
    first = client.get(url)
    again = client.get(url, headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304 and again["ETag"] == first["ETag"]


def test_a_missing_detail_is_serialised_on_request_and_kept(client):
    story = build_story(citations=2, topics=2, questions=1)  # published without the after-commit rendering
    assert not LivePage.objects.filter(story=story).exists()
    url = f"/api/v1/stories/{story.slug}/"
    client.get("/api/v1/stories/")
    count, first = _get(client, url)
    assert count == 3  # fingerprint with the kept JSON (none), story + live revision, keep it
    assert LivePage.objects.get(story=story).api_json.encode() == first.content
    count, second = _get(client, url)
    assert count == 1 and second.content == first.content
    # The row made for the JSON holds no page: the story page renders on its own request.
    page = client.get(story.get_absolute_url())
    assert page.status_code == 200 and story.headline in page.content.decode()
    assert LivePage.objects.get(story=story).api_json.encode() == first.content


def test_a_topic_edit_serialises_the_detail_again(client, commit):
    story = _story(commit)
    url = f"/api/v1/stories/{story.slug}/"
    topic = story.live_topics.first()
    with commit():
        topic.name = "Renamed topic"
        topic.save()
        change_record(ChangeEvent.Kind.TOPIC, topic)
    assert LivePage.objects.get(story=story).api_key == ""
    assert "Renamed topic" in [t["name"] for t in client.get(url).json()["topics"]]
    kept = LivePage.objects.get(story=story)
    assert kept.api_key and "Renamed topic" in kept.api_json
    assert _get(client, url)[0] == 1


def test_an_edit_no_receiver_saw_is_still_caught(client, commit):
    # An outlet saved in place (no announcement): the references no longer look as when kept.
    story = _story(commit)
    url = f"/api/v1/stories/{story.slug}/"
    client.get(url)
    outlet = story.live_outlets.first()
    outlet.name = "Renamed outlet"
    outlet.save()
    assert "Renamed outlet" in [c["outlet"]["name"] for c in client.get(url).json()["citations"]]


def test_a_deploy_with_another_api_serialises_again(client, commit, monkeypatch):
    story = _story(commit)
    url = f"/api/v1/stories/{story.slug}/"
    client.get("/api/v1/stories/")
    monkeypatch.setattr(kept, "api_version", lambda: "new-release")
    count, response = _get(client, url)
    assert count == 3 and response.json()["slug"] == story.slug
    assert ":new-release:" in LivePage.objects.get(story=story).api_key
    assert _get(client, url)[0] == 1


def test_other_media_types_and_parameters_are_serialised_by_drf(client, commit):
    story = _story(commit)
    url = f"/api/v1/stories/{story.slug}/"
    plain = client.get(url)
    indented = client.get(url, headers={"accept": "application/json; indent=2"})
    assert indented.status_code == 200 and indented.content.startswith(b"{\n  ")
    assert json.loads(indented.content) == json.loads(plain.content)


def test_an_unpublished_story_is_gone_from_the_api_at_once(client, commit, editor):
    story = _story(commit)
    url = f"/api/v1/stories/{story.slug}/"
    assert client.get(url).status_code == 200
    with commit():
        story_unpublish(story=story, actor=editor)
    response = client.get(url)
    assert response.status_code == 410 and response.json() == {"detail": "This story was unpublished.", "slug": story.slug}
