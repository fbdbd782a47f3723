"""The leak matrix: nothing but live content in search, feeds and sitemaps.

Every story below carries a unique word in its headline, summary and text;
none but the live one may show it on any of these surfaces, whatever its state.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from faq.models import CommonQuestion
from stories.models import Story
from stories.workflow import story_publish, story_schedule, story_submit, story_unpublish
from tests.factories import CommonQuestionFactory, TopicFactory, build_story

pytestmark = pytest.mark.django_db

STATES = ["draft", "in_review", "scheduled", "unpublished", "unpublished_edit"]


def _story(word: str, topic, **kwargs):
    story = build_story(headline=f"Headline {word}", summary=f"Summary {word}", slug=f"slug-{word}", publish=False, **kwargs)
    story.blocks.create(kind="whats_happened", body=f"<p>Body {word}.</p>")
    story.story_topics.create(topic=topic)
    return story


@pytest.fixture
def matrix(commit, editor):
    """One story in each state, tagged with one topic; returns (topic, {state: word})."""
    topic = TopicFactory(slug="matrix-topic")
    words = {state: f"leak{state.replace('_', '')}" for state in STATES}
    with commit():
        _story(words["draft"], topic)
        story_submit(story=_story(words["in_review"], topic), actor=editor)
        story_schedule(story=_story(words["scheduled"], topic), actor=editor, publish_at=timezone.now() + timedelta(days=1))
        gone = story_publish(story=_story(words["unpublished"], topic), actor=editor)
        story_unpublish(story=gone, actor=editor, comment="Taken down")
        # Live, with edits not yet published: the live words are fine, the edit's are not.
        live = story_publish(story=_story("livevisible", topic), actor=editor)
        Story.objects.filter(pk=live.pk).update(
            headline=f"Headline {words['unpublished_edit']}", slug=f"slug-{words['unpublished_edit']}"
        )
        live.blocks.update(body=f"<p>Body {words['unpublished_edit']}.</p>")
        CommonQuestionFactory(question="Question leakquestion?", slug="leakquestion", status=CommonQuestion.Status.DRAFT)
    return topic, words


SURFACES = [
    "/feeds/rss/",
    "/feeds/atom/",
    "/topics/matrix-topic/rss/",
    "/topics/matrix-topic/atom/",
    "/sitemap.xml",
    "/sitemap-stories.xml",
    "/sitemap-news.xml",
    "/sitemap-questions.xml",
    "/sitemap-topics.xml",
]


@pytest.mark.parametrize("state", STATES)
def test_search_finds_only_live_content(client, matrix, state):
    _, words = matrix
    html = client.get("/search/", {"q": words[state]}).content.decode()
    assert "No results" in html
    assert f"Headline {words[state]}" not in html
    assert "Headline livevisible" in client.get("/search/", {"q": "livevisible"}).content.decode()


@pytest.mark.parametrize("url", SURFACES)
def test_feeds_and_sitemaps_show_only_live_content(client, matrix, url):
    _, words = matrix
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    for state, word in words.items():
        assert word not in body, (url, state)
    assert "leakquestion" not in body
    if "stories" in url or "feeds" in url or "/rss/" in url or "/atom/" in url or "news" in url:
        assert "livevisible" in body  # the live story is there, by its live slug or headline
