"""Reading a story in Chromium, as a reader at 360 px and at 1280 px (issue 15).

The story page, its author's page, a topic page and the search page: each
fits the screen (no sideways scroll, long words included), passes axe-core,
and shows what a reader comes for: the header's main topics, the byline
leading to the author's page, one dateline, share links, related stories,
and at 1280 px the topic cards beside the text.

Screenshots go to test-artifacts/browser/; with NEWSROOM_DOC_SCREENSHOTS=1
also to docs/screenshots/ under the names the docs use.
"""

import os
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings

from stories.models import AuthorProfile, StoryTopic
from stories.workflow import story_publish
from tests.browser.test_public_browser import ARTIFACTS, WIDTHS, _axe_violations
from tests.factories import SectionBlockFactory, StoryFactory, UserFactory

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
LONG_WORD = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 3  # 135 letters, no break

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def reading(demo):
    """The demo story, and a newer one by Ana Ruiz on the same topics (lead image, a very long word)."""
    ana = UserFactory(username="ana", first_name="Ana", last_name="Ruiz")
    AuthorProfile.objects.create(
        user=ana, slug="ana-ruiz", role="Latin America correspondent", photo=demo.lead_image,
        bio="Ana Ruiz reports on the Andes and Mexico from Lima.",
    )  # fmt: skip
    story = StoryFactory(
        headline="Mexico recalls its ambassador from Lima",
        slug="mexico-recalls-ambassador",
        summary=f"The asylum dispute widens. {LONG_WORD}",
        lead_image=demo.lead_image,
        authors=[ana],
    )
    SectionBlockFactory(story=story, kind="whats_happened", heading="What's happened", body=f"<p>Talks stalled. {LONG_WORD}</p>")
    for i, topic in enumerate(demo.live_topics.all()[:2]):
        StoryTopic.objects.create(story=story, topic=topic, position=i)
    story = story_publish(story=story, actor=None)
    return {"demo": demo, "story": story, "topic": demo.live_topics.first()}


def _shot(page, name: str, width: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    px = WIDTHS[width]["width"]
    page.screenshot(path=str(ARTIFACTS / f"reading-{name}-{px}.png"), full_page=True)
    if os.environ.get("NEWSROOM_DOC_SCREENSHOTS") == "1":
        page.screenshot(path=str(DOCS / f"2026-12-01-{name}-{px}.png"), full_page=True)


def _fits(page) -> int:
    """How many pixels the page is wider than its window (0: nothing scrolls sideways)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_reader_reads_a_story_follows_the_byline_and_a_related_story(browser, live_server, reading, width):
    context = browser.new_context(viewport=WIDTHS[width])
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    story = reading["story"]
    page.goto(live_server.url + story.get_absolute_url())

    nav = page.get_by_role("navigation", name="Main topics")
    assert nav.get_by_role("link", name="Peru").is_visible() and nav.get_by_role("link", name="Mexico").is_visible()
    assert page.locator(".site-header input[type=search]").is_visible()
    assert page.locator(".lead-image img").is_visible()
    dateline = page.locator(".dateline").inner_text()
    assert dateline.startswith("Published ") and dateline.endswith("UTC"), dateline
    share = page.get_by_role("group", name="Share this story")
    facebook = share.get_by_role("link", name="Facebook").get_attribute("href")
    assert parse_qs(urlsplit(facebook).query)["u"] == [settings.SITE_URL + story.get_absolute_url()]  # one origin
    has_web_share = page.evaluate("typeof navigator.share === 'function'")
    assert page.locator("button.share-native").is_visible() == has_web_share  # shown only where it works
    assert _fits(page) <= 0, f"the story is {_fits(page)}px wider than the screen"
    assert not _axe_violations(page)
    _shot(page, "story-reading", width)

    topics = page.locator(".more-topics").bounding_box()
    article = page.locator("article.story").bounding_box()
    if width == "desktop":  # the width is used: the topic cards sit beside the text
        assert topics["x"] >= article["x"] + article["width"] and topics["y"] < article["y"] + article["height"]
    else:  # one column: the cards follow the text
        assert topics["y"] >= article["y"] + article["height"]

    related = page.locator(".related")
    assert related.get_by_role("link", name=reading["demo"].live_headline).is_visible()

    page.get_by_role("link", name="Ana Ruiz").click()
    page.wait_for_url("**/authors/ana-ruiz/")
    assert page.locator("h1").inner_text() == "Ana Ruiz"
    assert page.get_by_text("Latin America correspondent").is_visible()
    assert page.locator(".entity-image img").is_visible()
    assert page.get_by_role("link", name=story.live_headline).is_visible()
    assert _fits(page) <= 0 and not _axe_violations(page)
    _shot(page, "author-page", width)
    context.close()
    assert not errors, errors


@pytest.mark.parametrize("width", WIDTHS)
def test_topic_and_search_pages_fit_the_screen_with_long_words(browser, live_server, reading, width):
    context = browser.new_context(viewport=WIDTHS[width])
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(live_server.url + reading["topic"].get_absolute_url())
    assert page.locator(".page-header picture img").is_visible()  # the topic's image
    assert page.get_by_role("link", name="Mexico recalls its ambassador from Lima").is_visible()
    stories, questions = page.locator(".topic-stories").bounding_box(), page.locator(".topic-questions").bounding_box()
    if width == "desktop":  # the common questions beside the stories
        assert questions["x"] >= stories["x"] + stories["width"] and questions["y"] < stories["y"] + stories["height"]
    else:
        assert questions["y"] >= stories["y"] + stories["height"]
    assert _fits(page) <= 0 and not _axe_violations(page)
    _shot(page, "topic", width)
    page.goto(live_server.url + f"/search/?q={LONG_WORD.lower()}")
    assert page.locator(".search-result").count() == 1
    assert page.locator("mark").first.is_visible()
    assert _fits(page) <= 0, f"the search page is {_fits(page)}px wider than the screen"
    assert not _axe_violations(page)
    _shot(page, "search-long-word", width)
    context.close()


def test_the_browser_finds_the_favicon_and_the_manifest(browser, live_server, db):
    context = browser.new_context()
    page = context.new_page()
    assert page.goto(live_server.url + "/favicon.ico").status == 200
    manifest = page.goto(live_server.url + "/manifest.webmanifest")
    assert manifest.status == 200 and manifest.json()["icons"]
    context.close()
