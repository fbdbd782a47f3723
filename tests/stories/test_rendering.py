"""Story pages rendered once, at publish time, and rendered again only when what they show changes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsroom.changes.models import ChangeEvent
from newsroom.changes.record import change_record
from stories import rendering
from stories.models import LivePage, Story
from stories.workflow import story_publish
from tests.factories import build_story

pytestmark = pytest.mark.django_db


# The kept page and its related stories' cards: one statement on PostgreSQL, two elsewhere.
PAGE = 1 if connection.vendor == "postgresql" else 2
RENDER = 6  # the story, its topics, questions, outlets, authors and images, then the upsert of the kept page


def _queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_publishing_renders_the_whole_page_once(commit):
    with commit():
        story = build_story(headline="Rendered at publish", topics=2, citations=2)
    kept = LivePage.objects.get(story=story)
    assert kept.key == rendering.live_page_key(Story.objects.get(pk=story.pk))
    assert "<h1>Rendered at publish</h1>" in kept.html
    assert '"@type":"NewsArticle"' in kept.html and kept.html.startswith("<!doctype html>")


def test_republishing_renders_the_new_revision(client, commit, editor):
    with commit():
        story = build_story(headline="Version one")
    Story.objects.filter(pk=story.pk).update(headline="Version two")
    with commit():
        story_publish(story=story, actor=editor)
    count, html = _queries(client, story.get_absolute_url())
    assert count == PAGE and "Version two" in html and "Version one" not in html


def test_topic_edit_marks_only_the_pages_showing_it_for_rendering_on_their_next_request(client, commit):
    with commit():
        tagged = build_story(topics=1)
        other = build_story(topics=1)
    topic = tagged.live_topics.get()
    with commit():
        topic.name = "Renamed"
        topic.save()
        change_record(ChangeEvent.Kind.TOPIC, topic)
    assert LivePage.objects.get(story=tagged).key.endswith("~")
    assert not LivePage.objects.get(story=other).key.endswith("~")
    count, html = _queries(client, tagged.get_absolute_url())
    assert count == PAGE + RENDER and "Renamed" in html  # read, then rendered again and kept
    assert _queries(client, tagged.get_absolute_url())[0] == PAGE


def test_a_deploy_with_other_templates_renders_pages_again(client, commit, monkeypatch):
    with commit():
        story = build_story(headline="Before the deploy")
    monkeypatch.setattr(rendering, "render_version", lambda: "new-release")
    count, html = _queries(client, story.get_absolute_url())
    assert count == PAGE + RENDER and "Before the deploy" in html
    assert LivePage.objects.get(story=story).key.endswith(":new-release")


def test_a_failing_render_does_not_fail_the_publish(client, commit, editor, monkeypatch):
    story = build_story(publish=False, headline="Published anyway")
    real = rendering.story_page_render
    monkeypatch.setattr(rendering, "story_page_render", lambda **kw: (_ for _ in ()).throw(RuntimeError("boom")))
    with commit():
        story_publish(story=story, actor=editor)
    assert Story.objects.get(pk=story.pk).is_live
    assert not LivePage.objects.filter(story=story).exists()
    monkeypatch.setattr(rendering, "story_page_render", real)
    assert "Published anyway" in _queries(client, story.get_absolute_url())[1]


def test_an_unpublished_story_leaves_no_kept_copy(client, commit, editor):
    from stories.models import StorySearchDocument
    from stories.workflow import story_unpublish

    with commit():
        story = build_story()
    with commit():
        story_unpublish(story=story, actor=editor, comment="Legal")
    assert not LivePage.objects.filter(story=story).exists()
    assert not StorySearchDocument.objects.filter(story=story).exists()
    assert client.get(story.get_absolute_url()).status_code == 410


def test_republishing_a_page_expired_by_a_topic_edit_renders_and_indexes_the_new_revision(client, commit, editor):
    with commit():
        story = build_story(headline="First headline", topics=1)
        topic = story.live_topics.get()
        change_record(ChangeEvent.Kind.TOPIC, topic)
    Story.objects.filter(pk=story.pk).update(headline="Second headline")
    with commit():
        story_publish(story=story, actor=editor)
    kept = LivePage.objects.get(story=story)
    assert kept.key == rendering.live_page_key(Story.objects.get(pk=story.pk))
    assert "Second headline" in kept.html
    assert "Second headline" in client.get("/search/", {"q": "second"}).content.decode()
