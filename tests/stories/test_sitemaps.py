"""Sitemaps, the Google News sitemap and robots.txt."""

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from faq.models import CommonQuestion
from stories.models import Story
from tests.factories import CommonQuestionFactory, TopicFactory, build_story

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("site_url")]
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "news": "http://www.google.com/schemas/sitemap-news/0.9"}


@pytest.fixture
def site_url():
    with override_settings(SITE_URL="https://news.example.org"):
        yield


def _locs(client, url) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    return [e.text for e in ET.fromstring(response.content).iterfind(".//s:loc", NS)]


def test_index_lists_every_section(client):
    locs = _locs(client, "/sitemap.xml")
    for section in ("pages", "stories", "topics", "questions", "outlets", "authors"):
        assert any(loc.endswith(f"/sitemap-{section}.xml") for loc in locs)


def test_sections_list_live_stories_and_published_questions_only(client):
    story = build_story(topics=1, citations=1)
    build_story(headline="Draft", slug="draft-story", publish=False)
    question = CommonQuestionFactory()
    CommonQuestionFactory(slug="draft-question", status=CommonQuestion.Status.DRAFT)
    empty_topic = TopicFactory(slug="empty-topic")
    assert _locs(client, "/sitemap-stories.xml") == [f"https://news.example.org/story/{story.live_slug}/"]
    assert _locs(client, "/sitemap-questions.xml") == [f"https://news.example.org/answers/{question.slug}/"]
    topics = _locs(client, "/sitemap-topics.xml")
    assert topics == [f"https://news.example.org{story.live_topics.get().get_absolute_url()}"]
    assert empty_topic.slug not in "".join(topics)
    assert _locs(client, "/sitemap-outlets.xml") == [f"https://news.example.org{story.live_outlets.get().get_absolute_url()}"]
    assert _locs(client, "/sitemap-pages.xml") == ["https://news.example.org/"]


def test_news_sitemap_has_the_last_48_hours_with_news_tags(client):
    fresh = build_story(headline="Fresh & new")
    old = build_story(headline="Old news")
    Story.objects.filter(pk=old.pk).update(first_published_at=timezone.now() - timedelta(hours=49))
    response = client.get("/sitemap-news.xml")
    root = ET.fromstring(response.content)
    urls = root.findall("s:url", NS)
    assert [u.find("s:loc", NS).text for u in urls] == [f"https://news.example.org/story/{fresh.live_slug}/"]
    news = urls[0].find("news:news", NS)
    assert news.find("news:title", NS).text == "Fresh & new"
    assert news.find("news:publication/news:name", NS).text
    assert news.find("news:publication/news:language", NS).text == "en"
    assert news.find("news:publication_date", NS).text.startswith(str(timezone.now().year))


def test_sitemap_page_out_of_range_is_404_not_500(client):
    assert client.get("/sitemap-stories.xml?p=99").status_code == 404
    assert client.get("/sitemap-stories.xml?p=abc").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404


def test_robots_txt_points_at_the_sitemaps_and_keeps_crawlers_out_of_private_parts(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "Sitemap: https://news.example.org/sitemap.xml" in body
    assert "Sitemap: https://news.example.org/sitemap-news.xml" in body
    for private in ("/admin/", "/preview/"):
        assert f"Disallow: {private}" in body


def test_index_names_its_sections_on_site_url_whatever_host_was_asked(client):
    build_story()
    response = client.get("/sitemap.xml", HTTP_HOST="127.0.0.1")
    locs = [e.text for e in ET.fromstring(response.content).iterfind(".//s:loc", NS)]
    assert locs and all(loc.startswith("https://news.example.org/sitemap-") for loc in locs), locs


def test_authors_sitemap_lists_people_credited_on_live_stories_only(client):
    from stories.models import AuthorProfile
    from tests.factories import UserFactory

    credited, drafting = UserFactory(username="credited"), UserFactory(username="drafting")
    AuthorProfile.objects.create(user=credited, slug="credited")
    AuthorProfile.objects.create(user=drafting, slug="drafting")
    build_story(authors=[credited])
    build_story(authors=[drafting], publish=False)
    assert _locs(client, "/sitemap-authors.xml") == ["https://news.example.org/authors/credited/"]
