"""q= in the API: live stories only, best first unless ordering= is given, each with a highlighted snippet,
and cursors that walk a ranked list exactly (on PostgreSQL and on the embedded SQLite)."""

import pytest

from stories.workflow import story_publish, story_unpublish
from tests.factories import build_story

pytestmark = pytest.mark.django_db


def _publish(headline: str, body: str, **fields):
    story = build_story(headline=headline, publish=False, **fields)
    story.blocks.update(body=body)
    return story_publish(story=story, actor=None)


def test_search_results_come_best_first_with_marked_snippets_unless_an_ordering_is_asked(client, commit):
    with commit():
        in_headline = _publish("Volcano erupts in Iceland", "<p>Lava reached the town of Grindavík.</p>")
        in_body = _publish("Markets steady", "<p>Traders shrugged as the volcano & the storm made news.</p>")
    results = client.get("/api/v1/stories/", {"q": "volcano"}).json()["results"]
    assert [r["slug"] for r in results] == [in_headline.live_slug, in_body.live_slug]  # newer, but a body match
    snippet = results[1]["snippet"]
    assert "<mark>volcano</mark>" in snippet.lower() and "&amp; the storm" in snippet  # marked, escaped
    by_date = client.get("/api/v1/stories/", {"q": "volcano", "ordering": "-published"}).json()["results"]
    assert [r["slug"] for r in by_date] == [in_body.live_slug, in_headline.live_slug]
    assert all(r["snippet"] for r in by_date)
    assert client.get("/api/v1/stories/").json()["results"][0]["snippet"] is None  # no search, no snippet


def test_a_cursor_walks_ranked_results_exactly_once_each_ties_included(client, commit):
    with commit():
        stories = [_publish(f"Flood report {i}", "<p>The river rose overnight.</p>") for i in range(5)]
        stories.append(_publish("River flood warning", "<p>River levels rose again.</p>"))
        hidden = _publish("River news, withdrawn", "<p>The river.</p>")
        story_unpublish(story=hidden, actor=None)
    seen, cursor = [], None
    for _ in range(10):
        params = {"q": "river", "page_size": 2} | ({"cursor": cursor} if cursor else {})
        body = client.get("/api/v1/stories/", params).json()
        seen += [r["slug"] for r in body["results"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(s.live_slug for s in stories) and len(seen) == len(set(seen)) == 6
    assert seen[0] == stories[-1].live_slug  # "river" in the headline ranks first
    assert hidden.slug not in seen
