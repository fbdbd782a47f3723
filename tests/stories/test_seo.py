"""Sharing and SEO: canonical link, Open Graph, Twitter card, JSON-LD."""

import json
import re

import pytest
from django.test import override_settings

from stories.workflow import story_publish
from tests.factories import CommonQuestionFactory, QuestionItemFactory, TopicFactory, UserFactory, build_story

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("site_url")]


@pytest.fixture
def site_url():
    with override_settings(SITE_URL="https://news.example.org"):
        yield


def _ld(html: str) -> dict:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return {block["@type"]: block for block in map(json.loads, blocks)}


def _meta(html: str, attr: str, name: str) -> str:
    return re.search(rf'<meta {attr}="{re.escape(name)}" content="([^"]*)"', html).group(1)


def test_story_page_has_canonical_open_graph_and_twitter_tags(client):
    story = build_story(headline="Peru cuts ties", summary="Lima recalls its envoy.")
    html = client.get(story.get_absolute_url() + "?utm_source=x").content.decode()
    url = f"https://news.example.org/story/{story.live_slug}/"
    assert f'<link rel="canonical" href="{url}">' in html
    assert _meta(html, "property", "og:type") == "article"
    assert _meta(html, "property", "og:title") == "Peru cuts ties"
    assert _meta(html, "property", "og:url") == url
    assert _meta(html, "property", "og:description") == "Lima recalls its envoy."
    assert _meta(html, "name", "twitter:card") == "summary"
    assert _meta(html, "name", "twitter:title") == "Peru cuts ties"
    assert _meta(html, "property", "article:published_time").startswith(str(story.first_published_at.year))


def test_story_news_article_json_ld_names_topics_with_same_as_and_cited_articles(client):
    author = UserFactory(first_name="Ana", last_name="Ruiz")
    topic = TopicFactory(name="Pedro Castillo", kind="person", external_url="https://en.wikipedia.org/wiki/Pedro_Castillo")
    story = build_story(headline="Peru cuts ties", citations=1, publish=False, author=author)
    story.story_topics.create(topic=topic)
    story = story_publish(story=story, actor=None)
    citation = story.citations.select_related("outlet").get()
    ld = _ld(client.get(story.get_absolute_url()).content.decode())
    article = ld["NewsArticle"]
    assert article["@context"] == "https://schema.org"
    assert article["headline"] == "Peru cuts ties"
    assert article["url"] == f"https://news.example.org/story/{story.live_slug}/"
    assert article["datePublished"] and article["dateModified"]
    assert article["author"] == [{"@type": "Person", "name": "Ana Ruiz"}]
    assert article["publisher"]["@type"] == "NewsMediaOrganization"
    assert article["about"][0] | {"description": None} == {
        "@type": "Person",
        "name": "Pedro Castillo",
        "url": f"https://news.example.org/topics/{topic.slug}/",
        "sameAs": "https://en.wikipedia.org/wiki/Pedro_Castillo",
        "description": None,
    }
    assert article["citation"][0]["url"] == citation.url
    assert article["citation"][0]["publisher"]["name"] == citation.outlet.name
    crumbs = ld["BreadcrumbList"]["itemListElement"]
    assert [c["name"] for c in crumbs] == ["Home", "Pedro Castillo", "Peru cuts ties"]
    assert crumbs[-1]["item"] == article["url"]


def test_json_ld_cannot_be_broken_out_of_by_editor_text(client):
    story = build_story(headline="</script><script>alert(1)</script>", summary="a & b <!--")
    html = client.get(story.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    assert _ld(html)["NewsArticle"]["headline"] == "</script><script>alert(1)</script>"


def test_question_page_has_faq_page_json_ld(client):
    question = CommonQuestionFactory(question="Why did Peru cut ties?", teaser="The short answer.")
    QuestionItemFactory(common_question=question, question="Who is Betssy Chávez?", answer="<p>A former prime minister.</p>")
    html = client.get(question.get_absolute_url()).content.decode()
    faq = _ld(html)["FAQPage"]
    assert faq["mainEntity"] == [
        {
            "@type": "Question",
            "name": "Who is Betssy Chávez?",
            "acceptedAnswer": {"@type": "Answer", "text": "<p>A former prime minister.</p>"},
        },
    ]
    assert f'<link rel="canonical" href="https://news.example.org/answers/{question.slug}/">' in html
    assert _meta(html, "property", "og:title") == "Why did Peru cut ties?"


@pytest.mark.parametrize("kind", ["topic", "outlet", "home"])
def test_other_pages_have_a_canonical_link_and_search_is_not_indexed(client, kind):
    story = build_story(topics=1, citations=1)
    url = {
        "topic": story.live_topics.get().get_absolute_url(),
        "outlet": story.live_outlets.get().get_absolute_url(),
        "home": "/",
    }[kind]
    html = client.get(url).content.decode()
    assert f'<link rel="canonical" href="https://news.example.org{url}">' in html
    assert 'name="robots" content="noindex' in client.get("/search/?q=x").content.decode()


def test_home_page_declares_the_site_and_its_search(client):
    website = _ld(client.get("/").content.decode())["WebSite"]
    assert website["url"] == "https://news.example.org/"
    assert website["potentialAction"]["target"]["urlTemplate"] == "https://news.example.org/search/?q={search_term_string}"
