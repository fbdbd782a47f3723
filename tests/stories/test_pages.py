"""Public pages: not-found, unpublished content, and fixed query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from faq.models import CommonQuestion
from stories.models import Story
from tests.factories import (
    CommonQuestionFactory,
    OutletFactory,
    QuestionItemFactory,
    StoryFactory,
    TopicFactory,
    build_story,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/story/no-such-story/", "/answers/no-such-question/", "/topics/nowhere/", "/outlets/nobody/"])
def test_unknown_slug_is_404(client, url):
    assert client.get(url).status_code == 404


def test_draft_story_is_not_shown_anywhere(client):
    topic = TopicFactory()
    draft = StoryFactory(headline="Secret draft headline")
    draft.story_topics.create(topic=topic)
    assert client.get(f"/story/{draft.slug}/").status_code == 404
    assert b"Secret draft headline" not in client.get("/").content
    assert b"Secret draft headline" not in client.get(topic.get_absolute_url()).content


def test_draft_question_is_404_and_absent_from_story_page(client):
    draft = CommonQuestionFactory(question="Unreleased question?", status=CommonQuestion.Status.DRAFT)
    QuestionItemFactory(common_question=draft)
    story = build_story(publish=False)
    story.story_questions.create(question=draft)
    from stories.workflow import story_publish

    story_publish(story=story, actor=None)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert b"Unreleased question?" not in client.get(story.get_absolute_url()).content


def test_story_page_shows_live_revision_not_working_copy(client):
    story = build_story(headline="Live headline")
    Story.objects.filter(pk=story.pk).update(headline="Working headline")
    story.blocks.update(body="<p>Unpublished paragraph</p>")
    content = client.get(story.get_absolute_url()).content
    assert b"Live headline" in content
    assert b"Working headline" not in content
    assert b"Unpublished paragraph" not in content


def test_citation_without_papers_say_section_still_shows(client):
    story = build_story(blocks=1, citations=1)
    citation = story.citations.select_related("outlet").get()
    content = client.get(story.get_absolute_url()).content.decode()
    assert "What the papers say" in content
    assert f'href="{citation.url}"' in content


def _queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_story_page_is_one_query_once_rendered_at_publish(client, settings, django_capture_on_commit_callbacks):
    settings.PUBLIC_PAGE_CACHE = False  # measure the uncached page
    with django_capture_on_commit_callbacks(execute=True):
        small = build_story(blocks=1, citations=1, topics=1, questions=1)
        large = build_story(blocks=12, citations=15, topics=9, questions=8)
    # the kept page with its related stories' cards: one statement on PostgreSQL, two elsewhere
    expected = 1 if connection.vendor == "postgresql" else 2
    assert _queries_for(client, small.get_absolute_url()) == expected
    assert _queries_for(client, large.get_absolute_url()) == expected


def test_story_page_not_yet_rendered_renders_in_fixed_queries_then_one(client, settings):
    settings.PUBLIC_PAGE_CACHE = False
    small = build_story(blocks=1, citations=1, topics=1, questions=1)  # after-commit steps not run: nothing pre-rendered
    large = build_story(blocks=12, citations=15, topics=9, questions=8)
    # page lookup with its related stories, then story + live revision, topics, questions, outlets,
    # credited people, keep the rendered page (the lookup is one statement on PostgreSQL, two elsewhere)
    lookup = 1 if connection.vendor == "postgresql" else 2
    assert _queries_for(client, small.get_absolute_url()) == lookup + 6
    assert _queries_for(client, large.get_absolute_url()) == lookup + 6
    assert _queries_for(client, large.get_absolute_url()) == lookup


def test_list_pages_query_count_is_fixed(client, settings):
    settings.PUBLIC_PAGE_CACHE = False
    outlet, topic = OutletFactory(), TopicFactory()
    for n in (1, 6):
        for _ in range(n):
            story = build_story(publish=False, citations=0)
            story.story_topics.create(topic=topic)
            story.citations.create(outlet=outlet, url="https://x.example/", claim="c")
            from stories.workflow import story_publish

            story_publish(story=story, actor=None)
        counts = {url: _queries_for(client, url) for url in ("/", topic.get_absolute_url(), outlet.get_absolute_url())}
        if n == 1:
            first = counts
    assert counts == first
