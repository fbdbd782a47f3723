"""A story as IPTC ninjs 2.2, validated against the published JSON schema (tests/data/specs, MIT, IPTC)."""

import json
from pathlib import Path

import jsonschema
import pytest

from stories.models import StoryTopic
from stories.workflow import story_publish
from tests.factories import CitationFactory, OutletFactory, TopicFactory, build_story
from topics.models import Topic

pytestmark = pytest.mark.django_db

NINJS_SCHEMA = Path(__file__).resolve().parents[1] / "data" / "specs" / "ninjs-schema_2.2.json"


@pytest.fixture(scope="module")
def ninjs_validator():
    schema = json.loads(NINJS_SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def test_demo_story_ninjs_validates(client, demo, ninjs_validator):
    item = client.get(f"/api/v1/stories/{demo.live_slug}/ninjs/").json()
    ninjs_validator.validate(item)
    assert item["uri"] == f"http://localhost:8000/api/v1/stories/{demo.pk}/"
    assert item["headlines"][0]["value"].startswith("Peru severs")
    roles = [b["role"] for b in item["bodies"]]
    assert roles[:2] == ["whats_happened", "behind_headline"] and "papers_say" in roles
    assert {s["name"] for s in item["infosources"]} >= {"Al Jazeera", "AP News"}
    assert item["people"] and item["places"]
    (feature,) = item["associations"]  # the lead image, drawn for the demo
    assert (feature["name"], feature["type"], feature["by"]) == ("featureimage", "picture", "Newsroom (drawn for the demo)")
    assert feature["uri"].startswith("http") and {d["role"] for d in feature["descriptions"]} == {"caption", "alt"}


def test_topics_go_to_ninjs_arrays_by_kind(client, ninjs_validator):
    story = build_story(publish=False)
    kinds = {
        Topic.Kind.PERSON: "people",
        Topic.Kind.ORGANISATION: "organisations",
        Topic.Kind.COUNTRY: "places",
        Topic.Kind.PLACE: "places",
        Topic.Kind.THEME: "subjects",
        Topic.Kind.EVENT: "subjects",
    }
    topics = {}
    for position, kind in enumerate(kinds):
        topics[kind] = TopicFactory(kind=kind, name=f"A {kind}")
        StoryTopic.objects.create(story=story, topic=topics[kind], position=position)
    reuters = OutletFactory(name="Reuters")
    CitationFactory(story=story, outlet=reuters, claim="Reuters says <so>.", quote="It was “big”")
    CitationFactory(story=story, outlet=reuters)
    story_publish(story=story, actor=None)
    item = client.get(f"/api/v1/stories/{story.slug}/ninjs/").json()
    ninjs_validator.validate(item)
    for kind, array in kinds.items():
        assert topics[kind].name in [entry["name"] for entry in item[array]]
    assert [s["name"] for s in item["infosources"]] == ["Reuters"]  # one per outlet
    papers = next(b for b in item["bodies"] if b["role"] == "papers_say")
    assert "Reuters says &lt;so&gt;." in papers["value"] and papers["contenttype"] == "text/html"


def test_minimal_story_ninjs_validates(client, ninjs_validator):
    story = build_story(blocks=0, summary="")
    response = client.get(f"/api/v1/stories/{story.slug}/ninjs/")
    assert response.status_code == 200  # an error body must not pass for a minimal item
    item = response.json()
    ninjs_validator.validate(item)
    assert item["headlines"][0]["value"] == story.live_headline


def test_the_ninjs_uri_outlives_a_slug_change_and_leads_to_the_story(client, demo):
    from stories.workflow import story_publish

    before = client.get(f"/api/v1/stories/{demo.live_slug}/ninjs/").json()["uri"]
    demo.slug = "peru-mexico-ties-cut"
    demo.save()
    demo = story_publish(story=demo, actor=None)
    after = client.get("/api/v1/stories/peru-mexico-ties-cut/ninjs/").json()
    assert after["uri"] == before and after["slugline"] == "peru-mexico-ties-cut"
    moved = client.get(before.removeprefix("http://localhost:8000"))
    assert moved.status_code == 301 and moved["Location"].endswith("/api/v1/stories/peru-mexico-ties-cut/")
