"""The stories endpoints: what a story shows, filters, pagination, sparse fields, errors."""

from datetime import timedelta

import pytest
from django.utils import timezone

from stories.models import Story, StoryTopic
from stories.workflow import story_publish
from tests.factories import CitationFactory, OutletFactory, TopicFactory, build_story

pytestmark = pytest.mark.django_db

LIST = "/api/v1/stories/"


def _slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["slug"] for item in response.json()["results"]]


def _dated(story: Story, days_ago: int) -> Story:
    """Set a story's publication time in the past (publishing itself always uses now)."""
    when = timezone.now() - timedelta(days=days_ago)
    Story.objects.filter(pk=story.pk).update(first_published_at=when, last_published_at=when)
    story.refresh_from_db()
    return story


def test_story_detail_carries_everything_the_page_shows(client, demo):
    data = client.get(f"/api/v1/stories/{demo.live_slug}/").json()
    assert data["headline"].startswith("Peru severs diplomatic ties with Mexico")
    assert data["url"] == f"http://localhost:8000/story/{demo.live_slug}/"
    assert [b["kind"] for b in data["blocks"]][:2] == ["whats_happened", "behind_headline"]
    first = data["blocks"][0]
    assert first["heading"] == "What's happened"
    assert first["html"].startswith("<p>") and "<p>" not in first["text"]
    assert {c["outlet"]["name"] for c in data["citations"]} >= {"Al Jazeera", "AP News"}
    assert all(c["url"].startswith("https://") and c["claim"] for c in data["citations"])
    assert any(t["kind"] == "person" for t in data["topics"])
    assert data["questions"] and all(q["url"].startswith("http://localhost:8000/answers/") for q in data["questions"])
    assert data["published_at"] and data["updated_at"] and data["revision"] == demo.live_revision_id


def test_story_detail_shows_update_notes_from_the_live_revision(client):
    story = build_story(publish=False)
    story_publish(story=story, actor=None, note="Corrected the date of the vote.")
    notes = client.get(f"/api/v1/stories/{story.slug}/").json()["notes"]
    assert [n["text"] for n in notes] == ["Corrected the date of the vote."]
    assert notes[0]["at"]


def test_story_html_is_the_sanitised_html(client):
    story = build_story(publish=False, blocks=1)
    story.blocks.update(body='<p>Hi<script>alert(1)</script> <a href="javascript:x()">x</a></p>')
    story_publish(story=story, actor=None)
    block = client.get(f"/api/v1/stories/{story.slug}/").json()["blocks"][0]
    assert "<script" not in block["html"] and "javascript:" not in block["html"]


def test_list_is_newest_first_with_topics(client):
    topic = TopicFactory(name="Peru")
    old = _dated(build_story(), 3)
    new = build_story()
    StoryTopic.objects.create(story=new, topic=topic)
    story_publish(story=new, actor=None)
    response = client.get(LIST)
    assert _slugs(response) == [new.slug, old.slug]
    assert response.json()["results"][0]["topics"] == [
        {
            "slug": topic.slug,
            "name": "Peru",
            "kind": "country",
            "url": f"http://localhost:8000/topics/{topic.slug}/",
            "image": None,
        }
    ]


def test_unknown_slug_is_a_json_404(client):
    for url in (
        "/api/v1/stories/nope/",
        "/api/v1/stories/nope/ninjs/",
        "/api/v1/topics/nope/",
        "/api/v1/questions/nope/",
        "/api/v1/outlets/nope/",
        "/api/v1/nothing-here/",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"] == "application/json"
        assert "detail" in response.json()


def test_api_is_read_only(client):
    story = build_story()
    assert client.post(LIST, {}).status_code in (403, 405)
    assert client.put(f"/api/v1/stories/{story.slug}/", {}).status_code in (403, 405)
    assert client.delete(f"/api/v1/stories/{story.slug}/").status_code in (403, 405)
    assert Story.objects.filter(pk=story.pk).exists()


# --- filters -------------------------------------------------------------------


def test_filter_by_one_or_several_topics(client):
    peru, mexico, chile = TopicFactory(), TopicFactory(), TopicFactory()
    stories = {}
    for name, topics in {"a": [peru], "b": [mexico], "c": [peru, mexico], "d": [chile]}.items():
        story = build_story(publish=False)
        for topic in topics:
            StoryTopic.objects.create(story=story, topic=topic)
        stories[name] = story_publish(story=story, actor=None)
    assert set(_slugs(client.get(LIST, {"topic": peru.slug}))) == {stories["a"].slug, stories["c"].slug}
    both = _slugs(client.get(LIST, {"topic": f"{peru.slug},{mexico.slug}"}))
    assert sorted(both) == sorted([stories["a"].slug, stories["b"].slug, stories["c"].slug])  # each once
    assert _slugs(client.get(LIST, {"topic": "no-such-topic"})) == []


def test_filter_by_cited_outlet(client):
    reuters = OutletFactory(slug="reuters")
    citing = build_story(publish=False)
    CitationFactory(story=citing, outlet=reuters)
    story_publish(story=citing, actor=None)
    build_story(citations=1)
    assert _slugs(client.get(LIST, {"outlet": "reuters"})) == [citing.slug]


def test_filter_by_publication_dates(client):
    old, mid, new = _dated(build_story(), 30), _dated(build_story(), 10), build_story()
    after = (timezone.now() - timedelta(days=20)).isoformat()
    before = (timezone.now() - timedelta(days=5)).isoformat()
    assert _slugs(client.get(LIST, {"published_after": after})) == [new.slug, mid.slug]
    assert _slugs(client.get(LIST, {"published_before": before})) == [mid.slug, old.slug]
    assert _slugs(client.get(LIST, {"published_after": after, "published_before": before})) == [mid.slug]
    far_offset = (timezone.now() - timedelta(days=20)).astimezone(timezone.get_fixed_timezone(-(23 * 60 + 58)))
    assert _slugs(client.get(LIST, {"published_after": far_offset.isoformat()})) == [new.slug, mid.slug]


def test_full_text_search(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the search documents are written after commit
        match = build_story(publish=False, headline="Lima recalls its ambassador")
        match.blocks.create(kind="whats_happened", body="<p>The asylum row deepened.</p>")
        story_publish(story=match, actor=None)
        build_story(headline="Something else entirely")
    assert _slugs(client.get(LIST, {"q": "asylum"})) == [match.slug]
    assert _slugs(client.get(LIST, {"q": "ambassador"})) == [match.slug]
    assert _slugs(client.get(LIST, {"q": "zanzibar"})) == []


def test_ordering(client):
    b, a, c = build_story(headline="Bravo"), build_story(headline="Alpha"), build_story(headline="Charlie")
    assert _slugs(client.get(LIST, {"ordering": "headline"})) == [a.slug, b.slug, c.slug]
    assert _slugs(client.get(LIST, {"ordering": "-headline"})) == [c.slug, b.slug, a.slug]
    assert _slugs(client.get(LIST, {"ordering": "published"})) == [b.slug, a.slug, c.slug]


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"published_after": "yesterday"}, "published_after"),
        ({"published_before": "2026-13-45"}, "published_before"),
        ({"published_after": "0001-01-01T00:00:00+05:00"}, "published_after"),
        ({"topic": "not a slug!"}, "topic"),
        ({"outlet": "a/b"}, "outlet"),
        ({"ordering": "secret_column"}, "ordering"),
        ({"cursor": "garbage"}, "cursor"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "many"}, "page_size"),
        ({"fields": "slug,password"}, "fields"),
        ({"q": "x" * 201}, "q"),
    ],
)
def test_invalid_parameter_is_a_400_naming_it(client, params, parameter):
    build_story()
    response = client.get(LIST, params)
    assert response.status_code == 400
    assert parameter in response.json()


def test_a_cursor_from_another_ordering_is_a_400(client):
    for _ in range(3):
        build_story()
    cursor = client.get(LIST, {"page_size": 1}).json()["next_cursor"]
    response = client.get(LIST, {"page_size": 1, "cursor": cursor, "ordering": "headline"})
    assert response.status_code == 400 and "cursor" in response.json()


# --- pagination and sparse fields ----------------------------------------------


def _walk(client, params) -> list[str]:
    seen, url = [], LIST
    response = client.get(url, params)
    while True:
        seen += _slugs(response)
        nxt = response.json()["next"]
        if not nxt:
            return seen
        response = client.get(nxt)


def test_pagination_is_stable_while_stories_are_published(client):
    existing = [build_story() for _ in range(12)]
    first = client.get(LIST, {"page_size": 5}).json()
    seen = [r["slug"] for r in first["results"]]
    newcomers = [build_story() for _ in range(4)]  # published between page requests
    response = client.get(first["next"])
    while True:
        seen += _slugs(response)
        if not response.json()["next"]:
            break
        build_story()
        response = client.get(response.json()["next"])
    assert seen == [s.slug for s in reversed(existing)]  # every story once, in order, none of the newcomers
    assert not set(seen) & {s.slug for s in newcomers}


def test_pagination_by_headline_visits_every_story_once(client):
    stories = [build_story(headline=f"Same headline {i % 3}") for i in range(11)]
    seen = _walk(client, {"page_size": 4, "ordering": "headline"})
    assert sorted(seen) == sorted(s.slug for s in stories) and len(seen) == len(set(seen))


def test_page_size_is_capped(client, settings):
    for _ in range(3):
        build_story()
    from newsroom.api.pagination import KeysetPagination

    KeysetPagination.max_page_size, old = 2, KeysetPagination.max_page_size
    try:
        assert len(_slugs(client.get(LIST, {"page_size": 1000}))) == 2
    finally:
        KeysetPagination.max_page_size = old


def test_sparse_fields_on_lists(client):
    build_story(topics=2)
    item = client.get(LIST, {"fields": "headline,published_at"}).json()["results"][0]
    assert set(item) == {"slug", "headline", "published_at"}
    topic = client.get("/api/v1/topics/", {"fields": "name"}).json()["results"][0]
    assert set(topic) == {"slug", "name"}


def test_reference_data_kept_per_process_follows_every_change(client):
    from faq.services import question_save
    from topics.services import topic_save

    story = build_story(topics=1, citations=1, questions=1)
    url = f"/api/v1/stories/{story.slug}/"
    assert client.get(url).status_code == 200  # the reference maps are loaded now
    topic, outlet, question = story.live_topics.get(), story.live_outlets.get(), story.live_questions.get()
    topic.name = "Renamed topic"
    topic_save(topic=topic)
    outlet.name = "Renamed outlet"
    outlet.save()  # outlets are edited in place: their edit time is in the fingerprint
    question.status = "draft"
    question_save(question=question)
    data = client.get(url).json()
    assert [t["name"] for t in data["topics"]] == ["Renamed topic"]
    assert [c["outlet"]["name"] for c in data["citations"]] == ["Renamed outlet"]
    assert data["questions"] == []
    assert client.get(LIST).json()["results"][0]["topics"][0]["name"] == "Renamed topic"


def test_stable_addresses_id_old_slug_and_unpublished(client, settings):
    from stories.models import Story
    from stories.workflow import story_publish, story_unpublish

    settings.API_THROTTLE_ANON = ""
    story = build_story(slug="first-slug")
    by_id = client.get(f"/api/v1/stories/{story.pk}/")
    assert by_id.status_code == 301 and by_id["Location"] == "/api/v1/stories/first-slug/"
    Story.objects.filter(pk=story.pk).update(slug="second-slug")
    story_publish(story=Story.objects.get(pk=story.pk), actor=None)
    moved = client.get("/api/v1/stories/first-slug/?format=json")
    assert moved.status_code == 301 and moved["Location"] == "/api/v1/stories/second-slug/?format=json"
    assert client.get("/api/v1/stories/first-slug/ninjs/")["Location"] == "/api/v1/stories/second-slug/ninjs/"
    story_unpublish(story=Story.objects.get(pk=story.pk), actor=None)
    gone = client.get("/api/v1/stories/second-slug/")
    assert gone.status_code == 410 and gone.json() == {"detail": "This story was unpublished.", "slug": "second-slug"}
    assert client.get("/api/v1/stories/never-was/").status_code == 404
    assert client.get(f"/api/v1/stories/{story.pk}/").status_code == 404  # an id of a story not live
