"""RSS and Atom feeds: latest stories and per topic, absolute links, stable ids."""

import feedparser
import pytest
from django.test import override_settings

from stories.models import Story
from stories.workflow import story_publish
from tests.factories import TopicFactory, build_story

pytestmark = pytest.mark.django_db


def _parse(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response, feedparser.parse(response.content)


@pytest.mark.parametrize("url,content_type", [("/feeds/rss/", "application/rss+xml"), ("/feeds/atom/", "application/atom+xml")])
@override_settings(SITE_URL="https://news.example.org")
def test_latest_feed_lists_live_stories_newest_first_with_absolute_links(client, url, content_type):
    first = build_story(headline="First story", summary="The first standfirst.")
    build_story(headline="Second story")
    response, feed = _parse(client, url)
    assert response["Content-Type"].startswith(content_type)
    assert not feed.bozo
    assert [e.title for e in feed.entries] == ["Second story", "First story"]
    entry = feed.entries[1]
    assert entry.link == f"https://news.example.org/story/{first.live_slug}/"
    assert entry.summary == "The first standfirst."
    assert entry.id == f"tag:news.example.org,2026:story:{first.pk}"


def test_feed_id_survives_a_slug_change(client, editor):
    story = build_story(slug="before")
    _, before = _parse(client, "/feeds/atom/")
    Story.objects.filter(pk=story.pk).update(slug="after")
    story_publish(story=story, actor=editor)
    _, after = _parse(client, "/feeds/atom/")
    assert after.entries[0].id == before.entries[0].id
    assert after.entries[0].link.endswith("/story/after/")


@pytest.mark.parametrize("suffix", ["rss", "atom"])
def test_topic_feed_lists_only_that_topics_stories_with_categories(client, suffix):
    topic = TopicFactory(name="Andes")
    tagged = build_story(headline="Glaciers retreat", publish=False)
    tagged.story_topics.create(topic=topic)
    story_publish(story=tagged, actor=None)
    build_story(headline="Unrelated story")
    _, feed = _parse(client, f"/topics/{topic.slug}/{suffix}/")
    assert [e.title for e in feed.entries] == ["Glaciers retreat"]
    assert "Andes" in feed.feed.title
    assert [t.term for t in feed.entries[0].tags] == ["Andes"]


def test_unknown_topic_feed_is_404(client):
    assert client.get("/topics/nowhere/rss/").status_code == 404


def test_pages_advertise_their_feeds(client):
    topic = TopicFactory()
    home = client.get("/").content.decode()
    assert 'type="application/rss+xml"' in home and 'href="/feeds/rss/"' in home
    assert f'href="/topics/{topic.slug}/atom/"' in client.get(topic.get_absolute_url()).content.decode()
