"""What a reader sees around a story: the main topics in the header, one dateline, share links."""

import re
from datetime import timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import override_settings

from stories.models import Story
from tests.factories import TopicFactory, build_story

pytestmark = pytest.mark.django_db


@override_settings(SITE_NAV_TOPICS=[("peru", "Peru"), ("mexico", "Mexico")])
def test_every_page_has_the_main_topics_and_search_in_its_header(client):
    TopicFactory(slug="peru", name="Peru")
    story = build_story()
    for url in ("/", story.get_absolute_url(), "/search/?q=peru"):
        html = client.get(url).content.decode()
        nav = html[html.index('<nav class="site-nav" aria-label="Main topics">') :]
        assert '<a href="/topics/peru/">Peru</a>' in nav and '<a href="/topics/mexico/">Mexico</a>' in nav
        assert 'type="search"' in html


def test_the_dateline_shows_one_date_published_then_updated(client, settings):
    settings.TIME_ZONE = "America/Lima"
    story = build_story(headline="Dated")
    html = client.get(story.get_absolute_url()).content.decode()
    dateline = re.search(r'<p class="dateline">(.*?)</p>', html).group(1)
    assert dateline.startswith("Published <time") and "Updated" not in dateline
    assert dateline.count("<time") == 1
    assert re.search(r">\d{1,2} \w+ \d{4}, \d\d:\d\d -05</time>", dateline), dateline  # Lima time, one format
    Story.objects.filter(pk=story.pk).update(last_published_at=story.first_published_at + timedelta(hours=3))
    from stories.rendering import story_prerender

    story_prerender(story_ids=[story.pk])
    dateline = re.search(r'<p class="dateline">(.*?)</p>', client.get(story.get_absolute_url()).content.decode()).group(1)
    assert dateline.startswith("Updated <time") and dateline.count("<time") == 1


@override_settings(SITE_URL="https://news.example.org")
def test_share_links_are_plain_addresses_of_the_story_on_site_url(client):
    story = build_story(headline="Peru & Mexico: ties cut")
    html = client.get(story.get_absolute_url()).content.decode()
    share = html[html.index('<div class="share"') : html.index("</div>", html.index('<div class="share"'))]
    links = dict((unescape(service), unescape(href)) for href, service in re.findall(r'<a href="([^"]+)"[^>]*>(\w+)<', share))
    url = f"https://news.example.org/story/{story.live_slug}/"
    assert set(links) == {"Email", "Bluesky", "X", "Facebook", "LinkedIn", "WhatsApp"}
    assert parse_qs(urlsplit(links["Facebook"]).query) == {"u": [url]}
    assert parse_qs(urlsplit(links["X"]).query) == {"url": [url], "text": ["Peru & Mexico: ties cut"]}
    assert parse_qs(urlsplit(links["Email"]).query) == {"subject": ["Peru & Mexico: ties cut"], "body": [url]}
    assert f'data-url="{url}"' in share and "hidden" in share  # the Web Share button, shown by share.js
    assert "<script src=" in html and "share" in re.search(r'<script src="([^"]+)"', html).group(1)
    assert "facebook.net" not in html and "platform.twitter.com" not in html  # no third-party script


def test_a_preview_has_no_share_links(client, editor):
    story = build_story(publish=False)
    client.force_login(editor)
    from stories.preview import story_preview_token

    html = client.get(f"/preview/{story_preview_token(story=story)}/").content.decode()
    assert 'class="share"' not in html
