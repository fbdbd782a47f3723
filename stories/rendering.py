"""Story pages rendered once, when published, not at every request.

A live story's whole page (article, cards, social tags, JSON-LD) is rendered
from its live revision and kept in ``LivePage`` under a key naming the
revision and the version of the site that rendered it. A request then costs
one query and no template at all: nothing on a story page depends on who
asks (requests with a session bypass the page cache but get the same page).

The key goes stale by itself when the story is published again (new revision)
or when a deploy changes the templates or static files (new version), and it
is marked expired when a topic, question or outlet shown on the page is edited
(``live_pages_expire``). A stale page is rendered again on its next request
(``story_live_page``).

The story's API detail is kept beside the page the same way, by the API
(``stories/api/kept.py``).

One part of the page is not kept: the related stories, which change whenever
another story on its topics is published or withdrawn. The kept page holds
``RELATED_MARK`` where they go, and the view puts them in at each request
(``stories/views.py``).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db.models import Case, F, QuerySet, Value, When
from django.db.models.functions import Concat
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.safestring import SafeString, mark_safe

from newsroom import seo

from .models import LivePage, Story
from .revisions import snapshot_image_ids
from .selectors import StoryPage, library_images, live_story_row, story_live_queryset, story_page_from

logger = logging.getLogger(__name__)

PAGE_TEMPLATE = "stories/story_detail.html"
RELATED_MARK = "<!-- related stories -->"  # in stories/includes/story_body.html
RENDER_SCHEMA = "3"  # bump when the context given to the template changes


@cache
def render_version() -> str:
    """A digest of everything a kept page depends on besides its story.

    The page template and its includes, and the site's frame as it renders
    now (static file names, URLs, site name and origin): a deploy that changes
    any of them re-renders the pages on their next request.
    """
    digest = hashlib.sha1(RENDER_SCHEMA.encode(), usedforsecurity=False)
    for name in KEPT_TEMPLATES:
        digest.update(Path(get_template(name).origin.name).read_bytes())
    digest.update(render_to_string("base.html", _site_context()).encode())
    return digest.hexdigest()[:12]


KEPT_TEMPLATES = (
    PAGE_TEMPLATE,
    "base.html",
    "stories/includes/story_head.html",
    "stories/includes/story_body.html",
    "stories/includes/citations.html",
    "stories/includes/lead_image.html",
    "stories/includes/byline.html",
    "stories/includes/share.html",
    "includes/social_meta.html",
    "includes/search_form.html",
)


def _site_context() -> dict:
    # What the context processors give a request; pages kept here have none.
    return {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL, "SITE_NAV_TOPICS": settings.SITE_NAV_TOPICS}


def live_page_key(story: Story) -> str:
    return f"{story.live_revision_id}:{render_version()}"


def story_page_render(*, page: StoryPage) -> SafeString:
    """The whole page of ``page`` as readers get it, rendered without a request."""
    context = {
        **_site_context(),
        "page": page,
        "article_ld": seo.news_article(page),
        "breadcrumbs_ld": seo.story_breadcrumbs(page),
    }
    return mark_safe(render_to_string(PAGE_TEMPLATE, context))


def story_prerender(*, story_ids: list[int], also: Callable[[StoryPage], object] | None = None) -> int:
    """Render and keep the pages of the live stories among ``story_ids``; returns how many.

    ``also`` is called with each page built (the API keeps its detail from it: ``stories/api/kept.py``).
    """
    count = 0
    stories = list(story_live_queryset().filter(pk__in=story_ids))
    images = library_images(i for s in stories for i in snapshot_image_ids(s.live_revision.data))  # all at once
    for story in stories:
        page = story_page_from(story, images)
        _keep(story, page)
        if also is not None:
            also(page)
        count += 1
    return count


def _keep(story: Story, page: StoryPage) -> LivePage:
    """Render the page of ``page`` and keep it (one upsert query)."""
    kept = LivePage(story_id=story.pk, key=live_page_key(story), html=story_page_render(page=page), rendered_at=timezone.now())
    # Safe when two requests render the same page at once.
    LivePage.objects.bulk_create(
        [kept], update_conflicts=True, unique_fields=["story"], update_fields=["key", "html", "rendered_at"]
    )
    return kept


def live_pages_outdated(*, story_ids: list[int]) -> list[int]:
    """The live stories among ``story_ids`` with no kept page rendered from their current live revision.

    A page expired by an edit of what it shows is not outdated in this sense
    (same revision): it is rendered again on its next request.
    """
    if not story_ids:
        return []
    rows = Story.objects.live().filter(pk__in=story_ids).values_list("id", "live_revision_id", "live_page__key")
    return [pk for pk, revision, key in rows if key is None or not key.startswith(f"{revision}:")]


EXPIRED = "~"


def live_pages_expire(*, stories: QuerySet[Story]) -> list[int]:
    """Mark the kept pages of ``stories`` for rendering on their next request; returns the story ids.

    The key keeps its revision and gains a mark, so it no longer matches.
    """
    ids = list(stories.values_list("pk", flat=True).distinct())
    if ids:
        LivePage.objects.filter(story_id__in=ids).update(
            key=Case(When(key__endswith=EXPIRED, then=F("key")), default=Concat(F("key"), Value(EXPIRED))),
            api_key=Value(""),
        )
    return ids


@dataclass
class KeptPage:
    html: str
    rendered_at: datetime
    story_id: int


def story_live_page(*, slug: str) -> KeptPage:
    """The kept page of the live story at ``slug``: one query when it is current.

    Raises ``Story.DoesNotExist`` when no live story has that slug.
    """
    # The hottest query of the site.
    row = live_story_row(slug, "id", "live_revision_id", "live_page__key", "live_page__html", "live_page__rendered_at")
    if row is None:
        raise Story.DoesNotExist(slug)
    story_id, revision_id, key, html, rendered_at = row
    if key is None or key != f"{revision_id}:{render_version()}":
        # First request after a change the pipeline did not render (an edit
        # of a topic on it, a deploy with new templates): render it now.
        full = story_live_queryset().get(pk=story_id)
        kept = _keep(full, story_page_from(full))
        return KeptPage(html=kept.html, rendered_at=kept.rendered_at, story_id=story_id)
    if isinstance(rendered_at, str):  # SQLite hands back its UTC text
        rendered_at = parse_datetime(rendered_at)
    if timezone.is_naive(rendered_at):  # or a naive UTC datetime, by the same raw cursor
        rendered_at = rendered_at.replace(tzinfo=UTC)
    return KeptPage(html=html, rendered_at=rendered_at, story_id=story_id)
