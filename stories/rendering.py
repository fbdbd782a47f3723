"""Story pages rendered once, when published, not at every request.

A live story's article body and its ``<head>`` tags (social tags, JSON-LD) are
rendered from its live revision and kept in ``LivePage`` under a key naming
the revision and the version of the templates that rendered them. A request
then costs one query and a small template around that HTML.

The key goes stale by itself when the story is published again (new revision)
or when a deploy changes the templates (new version), and it is cleared when a
topic, question or outlet shown on the page is edited (``live_pages_expire``).
A stale page is rendered again on its next request (``story_live_page``).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db.models import QuerySet
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from newsroom import seo

from .models import LivePage, Story
from .selectors import StoryPage, story_live_queryset, story_page_from

logger = logging.getLogger(__name__)

HEAD_TEMPLATE = "stories/includes/story_head.html"
BODY_TEMPLATE = "stories/includes/story_body.html"
# Every template whose output is kept; a change to any of them re-renders pages.
KEPT_TEMPLATES = (HEAD_TEMPLATE, BODY_TEMPLATE, "stories/includes/citations.html", "includes/social_meta.html")
RENDER_SCHEMA = "1"  # bump when the context given to those templates changes


@cache
def render_version() -> str:
    digest = hashlib.sha1(RENDER_SCHEMA.encode(), usedforsecurity=False)
    for name in KEPT_TEMPLATES:
        digest.update(Path(get_template(name).origin.name).read_bytes())
    digest.update(f"{settings.SITE_URL}|{settings.SITE_NAME}".encode())
    return digest.hexdigest()[:12]


def live_page_key(story: Story) -> str:
    return f"{story.live_revision_id}:{render_version()}"


@dataclass
class RenderedStory:
    head_html: SafeString
    body_html: SafeString


def story_page_render(*, page: StoryPage) -> RenderedStory:
    """The head tags and article body of ``page``, rendered without a request."""
    context = {
        "page": page,
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "article_ld": seo.news_article(page),
        "breadcrumbs_ld": seo.story_breadcrumbs(page),
    }
    return RenderedStory(
        head_html=mark_safe(render_to_string(HEAD_TEMPLATE, context).strip()),
        body_html=mark_safe(render_to_string(BODY_TEMPLATE, context).strip()),
    )


def story_prerender(*, story_ids: list[int]) -> int:
    """Render and keep the pages of the live stories among ``story_ids``; returns how many."""
    count = 0
    for story in story_live_queryset().filter(pk__in=story_ids):
        _keep(story, story_page_render(page=story_page_from(story)))
        count += 1
    return count


def _keep(story: Story, rendered: RenderedStory) -> LivePage:
    page = LivePage(
        story_id=story.pk,
        key=live_page_key(story),
        head_html=rendered.head_html,
        body_html=rendered.body_html,
        rendered_at=timezone.now(),
    )
    # One upsert query, safe when two requests render the same page at once.
    LivePage.objects.bulk_create(
        [page], update_conflicts=True, unique_fields=["story"],
        update_fields=["key", "head_html", "body_html", "rendered_at"],
    )
    return page


def live_page_outdated(*, story_id: int) -> bool:
    """True when the live story has no kept page from its current live revision.

    A page expired by an edit of what it shows (empty key) is not outdated in
    this sense: it is rendered again on its next request.
    """
    story = Story.objects.live().filter(pk=story_id).select_related("live_page").only(
        "id", "live_revision_id", "live_page__key"
    ).first()
    if story is None:
        return False
    kept = getattr(story, "live_page", None)
    return kept is None or (kept.key != "" and kept.key != live_page_key(story))


def live_pages_expire(*, stories: QuerySet[Story]) -> list[int]:
    """Mark the kept pages of ``stories`` for re-rendering; returns the story ids."""
    ids = list(stories.values_list("pk", flat=True).distinct())
    if ids:
        LivePage.objects.filter(story_id__in=ids).update(key="")
    return ids


@dataclass
class LiveStoryPage:
    story: Story
    head_html: SafeString
    body_html: SafeString
    rendered_at: object


def story_live_page(*, slug: str) -> LiveStoryPage:
    """The live story at ``slug`` with its rendered page: one query when the kept page is current.

    Raises ``Story.DoesNotExist`` when no live story has that slug.
    """
    story = (
        Story.objects.live()
        .select_related("live_page")
        .only(
            "id", "live_slug", "live_headline", "live_revision_id", "status", "last_published_at",
            "live_page__key", "live_page__head_html", "live_page__body_html", "live_page__rendered_at",
        )
        .get(live_slug=slug)
    )
    kept = getattr(story, "live_page", None)
    if kept is None or kept.key != live_page_key(story):
        # First request after a change the receiver did not render (or a deploy
        # with new templates): render now, keep it for the next requests.
        full = story_live_queryset().get(pk=story.pk)
        kept = _keep(full, story_page_render(page=story_page_from(full)))
    return LiveStoryPage(
        story=story,
        head_html=mark_safe(kept.head_html),
        body_html=mark_safe(kept.body_html),
        rendered_at=kept.rendered_at,
    )
