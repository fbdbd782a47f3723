"""Every list and detail endpoint runs a fixed number of queries, whatever the size of the data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from faq.models import CommonQuestion
from faq.services import question_save
from stories.models import StoryQuestion, StoryTopic
from stories.workflow import story_publish
from tests.factories import (
    CitationFactory,
    CommonQuestionFactory,
    OutletFactory,
    QuestionItemFactory,
    TopicFactory,
    build_story,
)
from topics.services import topic_save

pytestmark = pytest.mark.django_db

# The fingerprint (1) + the work below. Topics, outlets and published questions are
# kept per process (stories/api/references.py) and reloaded, three queries, by the
# first request after a public change.
EXPECTED = {
    "stories": 2,  # the page, with each story's topic ids
    "story, serialised": 1,  # not kept at publish, but the sync serialised and kept it: read with the fingerprint
    "story": 1,  # the JSON kept beside the page, read in the fingerprint's statement
    "ninjs": 2,
    "topics": 2,
    "topic": 4,  # topic, its published questions, stories
    "questions": 3,  # page, topics
    "question": 4,  # question, topics, items
    "outlets": 2,
    "outlet": 3,  # outlet, stories
    # Events, stories' kept details, stories whose details are not kept (here: all but one); topics: their
    # questions, their latest stories; questions (with topics and items); outlets: their latest stories.
    # Topic and outlet rows come from the reference maps; then the details it serialised are kept (one upsert).
    # Two less once every story's detail is kept (below).
    "sync": 11,
}
RELOAD = 3


def _grow(*, stories: int, links: int, topic, outlet, question) -> str:
    """Publish ``stories`` stories, each with ``links`` blocks, citations, topics and questions; return one slug."""
    slug = None
    for _ in range(stories):
        story = build_story(publish=False, blocks=links, citations=links, topics=links, questions=links)
        StoryTopic.objects.create(story=story, topic=topic, position=99)
        StoryQuestion.objects.create(story=story, question=question, position=99)
        CitationFactory(story=story, outlet=outlet, position=99)
        slug = story_publish(story=story, actor=None).live_slug
    for _ in range(links):
        QuestionItemFactory(common_question=question)
        question.topics.add(TopicFactory())
    return slug


def _counts(client, *, slug, topic, outlet, question) -> dict:
    urls = {  # the sync first: its stories' details are not kept yet (published without the after-commit steps)
        "sync": "/api/v1/sync/?since=0&limit=500",
        "stories": "/api/v1/stories/?page_size=50",
        "story, serialised": f"/api/v1/stories/{slug}/",
        "story": f"/api/v1/stories/{slug}/",
        "ninjs": f"/api/v1/stories/{slug}/ninjs/",
        "topics": "/api/v1/topics/?page_size=50",
        "topic": f"/api/v1/topics/{topic.slug}/",
        "questions": "/api/v1/questions/?page_size=50",
        "question": f"/api/v1/questions/{question.slug}/",
        "outlets": "/api/v1/outlets/?page_size=50",
        "outlet": f"/api/v1/outlets/{outlet.slug}/",
    }
    counts = {}
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/api/v1/stories/?page_size=1").status_code == 200
    counts["first after a change"] = len(ctx.captured_queries)
    for name, url in urls.items():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200, url
        counts[name] = len(ctx.captured_queries)
    return counts


def test_query_counts_are_fixed_for_small_and_large_data(client, settings):
    settings.API_THROTTLE_ANON = ""
    settings.API_RESPONSE_CACHE_SECONDS = 0  # the story detail is asked twice: count the real path both times
    topic, outlet = TopicFactory(), OutletFactory()
    question = CommonQuestionFactory(status=CommonQuestion.Status.PUBLISHED)
    topic_save(topic=topic)  # so the sync feed carries a topic and a question too
    question_save(question=question)
    slug = _grow(stories=1, links=1, topic=topic, outlet=outlet, question=question)
    small = _counts(client, slug=slug, topic=topic, outlet=outlet, question=question)
    slug = _grow(stories=12, links=6, topic=topic, outlet=outlet, question=question)
    large = _counts(client, slug=slug, topic=topic, outlet=outlet, question=question)
    assert small == large == {"first after a change": EXPECTED["stories"] + RELOAD, **EXPECTED}


def test_a_sync_page_of_stories_kept_at_publish_serialises_none_of_them(client, settings, commit):
    """Publishing keeps each story's detail (the after-commit steps); the feed sends it as kept."""
    settings.API_THROTTLE_ANON = ""
    settings.API_RESPONSE_CACHE_SECONDS = 0
    counts = []
    for n in (1, 10):
        with commit():
            for _ in range(n):
                build_story(blocks=3, citations=2, topics=2, questions=1)
        client.get("/api/v1/stories/?page_size=1")  # the reference maps reload after the change
        with CaptureQueriesContext(connection) as ctx:
            page = client.get("/api/v1/sync/?since=0&limit=500").json()
        counts.append(len(ctx.captured_queries))
        assert {c["kind"] for c in page["changes"]} >= {"story"} and all(c["data"] for c in page["changes"])
    # Fingerprint, events, the stories' kept details; their topics (questions, latest stories) and outlets
    # (latest stories) re-sent with them. No query reads a story's revision to serialise it.
    assert counts[0] == counts[1] == 6, counts


def test_details_the_sync_had_to_serialise_are_kept_for_the_next_page(client, settings):
    """A story whose kept detail is missing or stale (published without the after-commit steps here; in life, a
    deploy with another API version) is serialised once by the sync feed and kept: the same page asked again
    reads it as kept, with the same data."""
    settings.API_THROTTLE_ANON = ""
    settings.API_RESPONSE_CACHE_SECONDS = 0
    for _ in range(3):
        build_story(blocks=3, citations=2, topics=2, questions=1)
    client.get("/api/v1/stories/?page_size=1")  # the reference maps reload after the change
    counts, pages = [], []
    for _ in range(2):
        with CaptureQueriesContext(connection) as ctx:
            pages.append(client.get("/api/v1/sync/?since=0&limit=500").json())
        counts.append(len(ctx.captured_queries))
    assert pages[0]["changes"] == pages[1]["changes"] and all(c["data"] for c in pages[1]["changes"])
    assert counts[1] == counts[0] - 2, counts  # neither the stories' revisions nor the keeping again
