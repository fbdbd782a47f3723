"""Related stories under a story: live stories sharing a topic, newest first, never itself, at most four,
in one query whatever the number of topics, and current at each request (never a withdrawn story)."""

import pytest

from stories.models import StoryTopic
from stories.selectors import RELATED_ON_STORY, related_stories
from stories.workflow import story_unpublish
from tests.factories import TopicFactory, build_story

pytestmark = pytest.mark.django_db


def _tagged(headline: str, *topics, publish=True):
    story = build_story(headline=headline, publish=False)
    for i, topic in enumerate(topics):
        StoryTopic.objects.create(story=story, topic=topic, position=i)
    if publish:
        from stories.workflow import story_publish

        story = story_publish(story=story, actor=None)
    return story


def test_related_stories_share_a_topic_newest_first_live_only(django_assert_num_queries):
    peru, mexico, chile = TopicFactory(name="Peru"), TopicFactory(name="Mexico"), TopicFactory(name="Chile")
    older = _tagged("Older on Peru", peru)
    _tagged("On Chile only", chile)
    _tagged("Draft on Peru", peru, publish=False)
    withdrawn = _tagged("Withdrawn on Mexico", mexico)
    story_unpublish(story=withdrawn, actor=None)
    newer = _tagged("Newer on Mexico", mexico)
    both = _tagged("On both", peru, mexico)
    story = _tagged("The story", peru, mexico)
    with django_assert_num_queries(1):
        related = related_stories(story_id=story.pk)
    assert [s.live_headline for s in related] == [both.live_headline, newer.live_headline, older.live_headline]


def test_related_stories_are_bounded_and_one_query_whatever_the_topics(django_assert_num_queries):
    topics = [TopicFactory() for _ in range(6)]
    for i in range(RELATED_ON_STORY + 3):
        _tagged(f"Story {i}", *topics)
    story = _tagged("The story", *topics)
    with django_assert_num_queries(1):
        related = related_stories(story_id=story.pk)
    assert len(related) == RELATED_ON_STORY
    assert story.pk not in {s.pk for s in related}


def test_the_story_page_shows_related_stories_with_links(client):
    peru = TopicFactory(name="Peru")
    earlier = _tagged("Chávez asks Mexico for asylum", peru)
    story = _tagged("Peru cuts ties with Mexico", peru)
    html = client.get(story.get_absolute_url()).content.decode()
    section = html[html.index('id="h-related"') :]
    assert f'<a href="/story/{earlier.live_slug}/">Chávez asks Mexico for asylum</a>' in section
    assert "Peru cuts ties with Mexico</a>" not in section


def test_a_story_with_no_related_stories_has_no_empty_section(client):
    story = _tagged("Alone", TopicFactory())
    assert 'id="h-related"' not in client.get(story.get_absolute_url()).content.decode()


def test_a_story_published_or_withdrawn_on_its_topics_shows_or_leaves_at_the_next_request(client, commit, settings):
    settings.PUBLIC_PAGE_CACHE = True  # the page cache must not keep the old list
    peru = TopicFactory(name="Peru")
    with commit():
        story = _tagged("Peru cuts ties with Mexico", peru)
    first = client.get(story.get_absolute_url())
    assert first["X-Page-Cache"] == "miss" and 'id="h-related"' not in first.content.decode()  # cached now
    with commit():
        later = _tagged("Mexico recalls its ambassador", peru)
    assert "Mexico recalls its ambassador</a>" in client.get(story.get_absolute_url()).content.decode()
    with commit():
        story_unpublish(story=later, actor=None)
    assert "Mexico recalls its ambassador" not in client.get(story.get_absolute_url()).content.decode()


def test_related_cards_are_those_kept_at_publication_and_match_the_list(client, commit):
    from django.template.loader import render_to_string

    from stories.models import LivePage, Story

    peru = TopicFactory(name="Peru")
    with commit():
        earlier = _tagged("Chávez asks Mexico for asylum", peru)
        story = _tagged("Peru cuts ties with Mexico", peru)
    kept = LivePage.objects.get(story=earlier)
    live = Story.objects.get(pk=earlier.pk)
    assert kept.card_html == render_to_string("includes/story_card.html", {"story": live})  # kept with its page
    html = client.get(story.get_absolute_url()).content.decode()
    assert kept.card_html in html[html.index('id="h-related"') :]  # the kept card, as kept


def test_a_related_card_not_kept_for_its_revision_is_rendered_from_the_live_story(client, commit):
    from stories.models import LivePage

    peru = TopicFactory(name="Peru")
    with commit():
        earlier = _tagged("Chávez asks Mexico for asylum", peru)
        story = _tagged("Peru cuts ties with Mexico", peru)
    LivePage.objects.filter(story=earlier).delete()  # as before this release: no page, so no card
    html = client.get(story.get_absolute_url()).content.decode()
    section = html[html.index('id="h-related"') :]
    assert f'<a href="/story/{earlier.live_slug}/">Chávez asks Mexico for asylum</a>' in section
    assert "<time datetime=" in section  # its date, from the live story


def test_the_page_and_its_related_stories_are_read_in_one_statement_on_postgres(client, commit, postgres):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    peru, mexico = TopicFactory(name="Peru"), TopicFactory(name="Mexico")
    with commit():
        for i in range(RELATED_ON_STORY + 2):
            _tagged(f"On Peru {i}", peru)
        _tagged("On Mexico", mexico)
        _tagged("Draft on Mexico", mexico, publish=False)
        story = _tagged("The story", peru, mexico)
    expected = [s.live_headline for s in related_stories(story_id=story.pk)]
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(story.get_absolute_url()).content.decode()
    assert len(ctx.captured_queries) == 1
    section = html[html.index('id="h-related"') :]
    shown = [section.index(f">{headline}</a>") for headline in expected]
    assert len(expected) == RELATED_ON_STORY and shown == sorted(shown)  # the same four, newest first
    assert "Draft on Mexico" not in section and ">The story</a>" not in section
