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
(``stories/views.py``), from the same statement that reads the page: each
story's card is kept beside its page when it is rendered (``card_html``), so
the list costs no template at request time, only joining kept cards.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
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
from newsroom.db.router import primary_pin

from .models import LivePage, Story
from .revisions import snapshot_image_ids
from .selectors import StoryPage, library_images, live_story_row_with_related, story_live_queryset, story_page_from

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
    "stories/includes/related.html",
    "includes/story_card.html",
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
    kept = LivePage(
        story_id=story.pk,
        key=live_page_key(story),
        html=story_page_render(page=page),
        card_html=story_card_render(story=story),
        rendered_at=timezone.now(),
    )
    # Safe when two requests render the same page at once.
    LivePage.objects.bulk_create(
        [kept], update_conflicts=True, unique_fields=["story"], update_fields=["key", "html", "card_html", "rendered_at"]
    )
    return kept


CARD_TEMPLATE = "includes/story_card.html"
RELATED_TEMPLATE = "stories/includes/related.html"
_CARD_MARK = "<!-- cards -->"


def story_card_render(*, story) -> str:
    """A live story's card as lists show it (``story``: anything with its ``live_*`` fields and dates)."""
    return render_to_string(CARD_TEMPLATE, {"story": story})


@cache
def _related_frame() -> tuple[str, str]:
    # The related section around its cards, rendered once per process (like render_version, once per deploy).
    before, after = render_to_string(RELATED_TEMPLATE, {"cards": [mark_safe(_CARD_MARK)]}).split(_CARD_MARK)
    return before, after


@dataclass
class _CardStory:
    live_slug: str
    live_headline: str
    live_summary: str
    first_published_at: datetime | None


def related_html(rows: list[dict]) -> str:
    """The related-stories section from rows of ``RELATED_FIELDS``: kept cards joined, a card not kept for the
    story's live revision (a page never rendered, or rendered before a deploy) rendered now."""
    if not rows:
        return ""
    version = render_version()
    cards = []
    for row in rows:
        key = row["card_key"] or ""
        if row["card"] and key.removesuffix(EXPIRED) == f"{row['live_revision_id']}:{version}":
            cards.append(row["card"])
        else:
            first = row["first_published_at"]
            first = _as_datetime(first) if first is not None else None
            card = _CardStory(row["live_slug"], row["live_headline"], row["live_summary"], first)
            cards.append(story_card_render(story=card))
    before, after = _related_frame()
    return before + "".join(cards) + after


def related_newest(rows: list[dict]) -> datetime | None:
    """When the newest of the related stories was last published (for the page's Last-Modified)."""
    times = [_as_datetime(row["last_published_at"]) for row in rows if row["last_published_at"] is not None]
    return max(times, default=None)


def _as_datetime(value) -> datetime:
    # Rows read through json_agg carry ISO text; others, datetimes (naive UTC or text from SQLite's raw cursor).
    if isinstance(value, str):
        value = parse_datetime(value)
    if timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)
    return value


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
    related: list[dict] = field(default_factory=list)  # rows of RELATED_FIELDS, newest first


_PAGE_FIELDS = ("id", "live_revision_id", "live_page__key", "live_page__html", "live_page__rendered_at")


def story_live_page(*, slug: str) -> KeptPage:
    """The kept page of the live story at ``slug`` and its related stories: one query when it is current.

    Raises ``Story.DoesNotExist`` when no live story has that slug.
    """
    # The hottest query of the site.
    row = live_story_row_with_related(slug, *_PAGE_FIELDS)
    if row is None:
        raise Story.DoesNotExist(slug)
    story_id, revision_id, key, html, rendered_at, related = row
    if key is None or key != f"{revision_id}:{render_version()}":
        # First request after a change the pipeline did not render (an edit
        # of a topic on it, a deploy with new templates): render it now, from
        # the primary: a page kept from a lagging replica's rows could stand in
        # for a newer change (newsroom/db/router.py).
        primary_pin()
        full = story_live_queryset().get(pk=story_id)
        kept = _keep(full, story_page_from(full))
        return KeptPage(html=kept.html, rendered_at=kept.rendered_at, story_id=story_id, related=related)
    return KeptPage(html=html, rendered_at=_as_datetime(rendered_at), story_id=story_id, related=related)
