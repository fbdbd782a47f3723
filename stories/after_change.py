"""The stories side of the public-change pipeline: the steps run after a change commits.

Named in ``settings.PUBLIC_CHANGE_STEPS`` and called directly with the batch a
transaction recorded (``newsroom/changes/pipeline.py``). The batch already
holds every live story showing a changed topic, question or outlet
(``newsroom/changes/shows.py``), so these steps only look at stories:

- a story with a new live revision is rendered at once (page and API detail)
  and its search document rebuilt;
- any other live story in the batch shows something that changed: its kept
  page is marked for rendering on its next request (a topic on thousands of
  stories must not make its editor wait for them all);
- a story taken down keeps no copy of what readers may no longer see;
- the page-cache tokens of every address of those stories, and of every list,
  are replaced: the next request of any page showing the change renders it;
- the edge (the shared HTTP cache in front, ``newsroom/edge.py``) purges the
  surrogate keys of every object in the batch, of every address of those
  stories, and of the lists of their kinds.
"""

import logging
from collections.abc import Sequence

from newsroom.cache import token_key, tokens_replace
from newsroom.changes.models import ChangeEvent
from newsroom.changes.pipeline import Change
from newsroom.edge import changes_keys, edge_on, keys_purge, keys_purge_later, object_key

from .api.kept import story_api_json_keep
from .models import LivePage, SlugRedirect, Story, StorySearchDocument
from .rendering import live_pages_expire, live_pages_outdated, story_prerender
from .search import story_search_index

logger = logging.getLogger(__name__)

K, A = ChangeEvent.Kind, ChangeEvent.Action


def live_copies_refresh(changes: Sequence[Change]) -> None:
    """Render, expire, re-index or drop what is kept of the stories in ``changes``."""
    stories = [c for c in changes if c.kind == K.STORY]
    gone = [c.id for c in stories if c.action == A.DELETE]
    if gone:
        LivePage.objects.filter(story_id__in=gone).delete()
        StorySearchDocument.objects.filter(story_id__in=gone).delete()
    live = [c.id for c in stories if c.action == A.UPSERT]
    republished = live_pages_outdated(story_ids=live)
    if republished:
        story_search_index(story_ids=republished)
        _prerender(republished)
    showing = [pk for pk in live if pk not in republished]
    if showing:
        live_pages_expire(stories=Story.objects.filter(pk__in=showing))
        if any(c.kind == K.TOPIC for c in changes):
            story_search_index(story_ids=showing)  # topic names are in the documents


def page_cache_purge(changes: Sequence[Change]) -> bool:
    """Replace the cache tokens of the stories' addresses (then and now), of the live stories on a changed topic
    (their related stories), and of every list; False if unreachable."""
    stories = [c for c in changes if c.kind == K.STORY]
    tokens = {token_key("story-slug", c.slug) for c in stories if c.slug}  # the address when it changed
    tokens.update(token_key("story-slug", slug) for slug in _story_addresses([c.id for c in stories]))  # and now
    tokens.update(token_key("story-slug", slug) for slug in _related_pages(changes))
    return tokens_replace(tokens)


def edge_purge(changes: Sequence[Change]) -> bool:
    """Purge at the edge the keys of everything in ``changes`` and of every address of its stories; False if an
    edge could not be reached (a worker retries it, with backoff)."""
    if not edge_on():
        return True
    keys = changes_keys(changes)  # each object at the address it had when it changed, and its kind's lists
    keys.update(object_key(K.STORY, slug) for slug in _story_addresses([c.id for c in changes if c.kind == K.STORY]))
    keys.update(object_key(K.STORY, slug) for slug in _related_pages(changes))
    failed = keys_purge(keys)
    keys_purge_later(keys, failed=failed)
    return not failed


def _related_pages(changes: Sequence[Change]) -> set[str]:
    """The live stories on the changed topics: a topic is recorded whenever a live story on it is published,
    corrected, tagged, untagged or taken down, which moves its neighbours' related stories."""
    topic_ids = [c.id for c in changes if c.kind == K.TOPIC]
    if not topic_ids:
        return set()
    return set(Story.objects.live().filter(live_topics__in=topic_ids).values_list("live_slug", flat=True))


def _story_addresses(story_ids: list[int]) -> set[str]:
    """Every address the stories answer at: live slug (200, or 410 once taken down) and old slugs (301)."""
    if not story_ids:
        return set()
    slugs = {s for s in Story.objects.filter(pk__in=story_ids).values_list("live_slug", flat=True) if s}
    slugs.update(SlugRedirect.objects.filter(story_id__in=story_ids).values_list("old_slug", flat=True))
    return slugs


def _prerender(story_ids: list[int]) -> None:
    # A failure here must not fail the publish that already committed: the
    # page is rendered on its first request instead.
    try:
        story_prerender(story_ids=story_ids, also=lambda page: story_api_json_keep(page=page))
    except Exception:
        logger.exception("pre-rendering stories %s failed; they will render on first request", story_ids)
