"""Friendly error pages, and no query string that can make a public page fail."""

import pytest
from django.test import RequestFactory

from newsroom import urls, views
from stories.models import AuthorProfile
from stories.workflow import story_unpublish
from tests.factories import CommonQuestionFactory, QuestionItemFactory, UserFactory, build_story

pytestmark = pytest.mark.django_db

ODD_QUERIES = [
    "page=abc",
    "page=-1",
    "page=0",
    "page=1e9",
    "page=99999999999999999999999999999",
    "page=%00",
    "page=1&page=x",
    "q=%00",
    "q=a%00b&page=2",
    "q=%ff%fe%fd",
    "q=" + "x" * 10_000,
    "q[]=x",
    "q=%27%22%3C%3E%3B--",
    "q=%26%7C%3A*%21",
    "p=abc",
    "p=-5",
    "%00=%00",
    "utm_source=%E2%80%AE",
    "q=" + "%F0%9F%A6%99" * 50,
]


@pytest.fixture
def public_urls():
    author = UserFactory(username="odd-author")
    AuthorProfile.objects.create(user=author, slug="odd-author")
    story = build_story(topics=1, citations=1, questions=1, authors=[author])
    question = story.live_questions.get()
    QuestionItemFactory(common_question=question)
    topic = story.live_topics.get()
    return [
        "/",
        story.get_absolute_url(),
        question.get_absolute_url(),
        topic.get_absolute_url(),
        story.live_outlets.get().get_absolute_url(),
        "/search/",
        "/feeds/rss/",
        "/feeds/atom/",
        f"/topics/{topic.slug}/rss/",
        f"/topics/{topic.slug}/atom/",
        "/sitemap.xml",
        "/sitemap-stories.xml",
        "/sitemap-news.xml",
        "/robots.txt",
        "/authors/odd-author/",
        "/sitemap-authors.xml",
        "/manifest.webmanifest",
        "/favicon.ico",
    ]


@pytest.mark.parametrize("query", ODD_QUERIES)
def test_no_query_string_makes_a_public_page_fail(client, public_urls, query):
    for url in public_urls:
        response = client.get(f"{url}?{query}")
        assert response.status_code < 500, (url, query)


def test_not_found_page_is_friendly_and_offers_search(client):
    response = client.get("/story/no-such-thing/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "We can’t find that page" in html
    assert 'action="/search/"' in html and 'name="robots" content="noindex"' in html


def test_unpublished_story_is_410_with_a_friendly_page(client, editor):
    story = build_story()
    story_unpublish(story=story, actor=editor, comment="Withdrawn")
    response = client.get(story.get_absolute_url())
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode().lower()


def test_server_error_page_is_friendly_and_needs_nothing_that_could_have_failed():
    assert urls.handler500 is views.server_error
    response = views.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html and 'lang="en"' in html


def test_draft_question_is_404_not_500(client):
    question = CommonQuestionFactory(status="draft")
    assert client.get(question.get_absolute_url()).status_code == 404
