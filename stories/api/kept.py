"""The story's API detail kept beside its page, serialised once, not at every request.

``LivePage.api_json`` holds the detail (``/api/v1/stories/<slug>/``) exactly as
the API sends it: serialised when the story's page is rendered at publish
(``stories/after_change.py``), under its own key (live revision, API version
``api_version`` and a digest of the references it shows), cleared by the
edits that expire the page, and serialised again on its next request when
missing or stale (``story_live_api_json``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import cache
from pathlib import Path

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from rest_framework.settings import api_settings

from newsroom import richtext
from newsroom.api import API_VERSION, base
from newsroom.db.router import primary_pin
from stories.models import LivePage, Story
from stories.selectors import StoryPage, live_story_row

from . import serializers
from .serializers import page_references_signature, story_detail_json, story_references

API_SCHEMA = "1"  # bump when what the API detail is serialised from changes outside the files below


@cache
def api_version() -> str:
    """A digest of everything a kept API detail depends on besides its story.

    The serializers and the code they call (sanitising, URLs, dates), the
    JSON renderer's settings and the site's address: a deploy that changes
    any of them serialises the details again on their next request.
    """
    digest = hashlib.sha1(f"{API_SCHEMA}|{API_VERSION}|{settings.SITE_URL}".encode(), usedforsecurity=False)
    for module in (serializers, richtext, base):
        digest.update(Path(module.__file__).read_bytes())
    for name in ("stories:detail", "topics:detail", "sources:outlet", "faq:detail"):
        digest.update(reverse(name, kwargs={"slug": "s"}).encode())
    digest.update(repr((api_settings.UNICODE_JSON, api_settings.COMPACT_JSON, api_settings.STRICT_JSON)).encode())
    return digest.hexdigest()[:12]


API_FIELDS = ("api_key", "api_refs", "api_json")


def _api_fields(page: StoryPage) -> dict:
    """The API detail of ``page`` and what it was serialised from, as ``LivePage`` fields."""
    story = page.story
    references = story_references(story.live_revision.data)
    return {
        "api_key": _api_key(story.live_revision_id, page_references_signature(page, references)),
        "api_refs": references,
        "api_json": story_detail_json(page).decode(),
    }


def _api_key(revision_id: int, signature: str) -> str:
    return f"{revision_id}:{api_version()}:{signature}"


KEPT_ROW = ("live_revision_id", "live_page__api_key", "live_page__api_refs", "live_page__api_json")


def story_live_api_json(
    *, slug: str, signature: Callable[[str], str], page: Callable[[], StoryPage], row: tuple | None = None
) -> str:
    """The API detail of the live story at ``slug`` as the API sends it: one query when it is kept and current.

    Current means serialised from the live revision, by this version of the
    API, and with its topics, outlets and published questions looking as they
    do now in the API's per-process reference maps (``signature``: their
    ``References.signature``), so an edit that no receiver saw is caught too.
    Otherwise ``page()`` builds the story's page (the API's own way), which is
    serialised and kept: two queries more. Raises ``Http404`` when no live
    story has that slug. ``row``: the ``KEPT_ROW`` fields, when already read
    (in the fingerprint's statement: no query here at all).
    """
    row = live_story_row(slug, *KEPT_ROW) if row is None else row
    if row is None or row[0] is None:
        raise Http404(f"No {Story._meta.object_name} matches the given query.")
    revision_id, key, references, body = row
    if key and key == _api_key(revision_id, signature(references)):
        return body
    primary_pin()  # kept from the primary's rows, not a lagging replica's (newsroom/db/router.py)
    return story_api_json_keep(page=page())


def stories_kept_api_json(*, ids: list[int], signature: Callable[[str], str]) -> dict[int, str]:
    """The kept API details of the live stories among ``ids`` that are current (as ``story_live_api_json``
    judges), by id, in one query; missing or stale ones are left out for the caller to serialise."""
    rows = (
        Story.objects.live()
        .filter(pk__in=ids)
        .values_list("id", "live_revision_id", "live_page__api_key", "live_page__api_refs", "live_page__api_json")
    )
    return {
        pk: body for pk, revision_id, key, references, body in rows if key and key == _api_key(revision_id, signature(references))
    }


def story_api_json_keep(*, page: StoryPage) -> str:
    """Serialise the API detail of ``page`` and keep it beside the story's page; returns it (one upsert query)."""
    return stories_api_json_keep(pages=[page])[page.story.pk]


def stories_api_json_keep(*, pages: list[StoryPage]) -> dict[int, str]:
    """``story_api_json_keep`` for many pages at once (one upsert query); the details by story id."""
    now = timezone.now()
    # rendered_at only for a new row, whose empty page key makes the page render on its first request.
    kept = [LivePage(story_id=page.story.pk, rendered_at=now, **_api_fields(page)) for page in pages]
    if kept:
        LivePage.objects.bulk_create(kept, update_conflicts=True, unique_fields=["story"], update_fields=API_FIELDS)
    return {row.story_id: row.api_json for row in kept}
