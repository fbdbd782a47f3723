"""The question page lists the newest live stories linking to it, in a fixed number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from stories.models import Story, StoryQuestion
from stories.workflow import story_publish
from tests.factories import CommonQuestionFactory, QuestionItemFactory, build_story

pytestmark = pytest.mark.django_db


def _question_linked_from(count: int) -> tuple:
    """A published question linked from ``count`` live stories; their headlines, newest first."""
    question = CommonQuestionFactory()
    QuestionItemFactory(common_question=question)
    now = timezone.now()
    headlines = []
    for age in range(count):
        story = build_story(publish=False, headline=f"Linked story {age:02d}")
        StoryQuestion.objects.create(story=story, question=question)
        story_publish(story=story, actor=None)
        Story.objects.filter(pk=story.pk).update(first_published_at=now - timedelta(hours=age))
        headlines.append(f"Linked story {age:02d}")
    return question, headlines


def _page(client, question) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(question.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode(), len(ctx.captured_queries)


def test_question_page_lists_the_20_newest_linked_stories_in_the_same_queries_for_1_or_30(client):
    one, (only,) = _question_linked_from(1)
    html, one_queries = _page(client, one)
    assert only in html

    many, headlines = _question_linked_from(30)
    html, many_queries = _page(client, many)
    assert many_queries == one_queries
    assert [h for h in headlines if h in html] == headlines[:20]
    assert html.index(headlines[0]) < html.index(headlines[19])  # newest first
