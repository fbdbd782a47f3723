"""What follows a public change (``newsroom.signals.public_content_changed``).

Sent after commit. A newly published revision is rendered at once and its
search document rebuilt; an edited topic, question or outlet marks the kept
pages of the live stories that show it for re-rendering on their next request
(a topic on thousands of stories must not make its editor wait for them all).
Then the page-cache tokens of those stories' addresses, and of every list,
are replaced: the next request of any page showing the change renders it.
"""

import logging
from datetime import datetime, timedelta

from django.core.cache import caches
from django.dispatch import receiver
from django.utils import timezone

from newsroom.cache import CACHE_ALIAS, token_key, tokens_replace
from newsroom.signals import public_content_changed

from .models import ChangeEvent, LivePage, SlugRedirect, Story, StorySearchDocument
from .rendering import live_page_outdated, live_pages_expire, story_prerender
from .search import story_search_index

logger = logging.getLogger(__name__)

# Which live stories show an object of each kind.
_SHOWN_ON = {"topic": "live_topics", "question": "live_questions", "outlet": "live_outlets"}


@receiver(public_content_changed, dispatch_uid="stories.public_content_changed")
def on_public_content_changed(sender, *, kind: str, object_id: int, action: str = "upsert", **kwargs) -> None:
    story_ids: list[int] = [object_id] if kind == "story" else []
    if kind == "story" and action == "delete":
        # Taken down: keep no copy of what readers may no longer see.
        LivePage.objects.filter(story_id=object_id).delete()
        StorySearchDocument.objects.filter(story_id=object_id).delete()
    elif kind == "story" and live_page_outdated(story_id=object_id):
        # A newly published revision. (The services also announce every live
        # story showing an edited topic or question: its revision is the same,
        # and the topic's own announcement already expired and re-indexed it.)
        story_search_index(story_ids=[object_id])
        _prerender([object_id])
    elif kind in _SHOWN_ON:
        story_ids = live_pages_expire(stories=Story.objects.filter(**{_SHOWN_ON[kind]: object_id}))
        if kind == "topic":
            story_search_index(story_ids=story_ids)  # topic names are in the documents
    tokens_replace(_story_page_tokens(story_ids))


RECONCILED_KEY = "pagecache:reconciled-at"
# Changes are logged when written but purged once committed: a transaction that
# commits this long after writing its ChangeEvent is still caught by the next run.
RECONCILE_OVERLAP = timedelta(minutes=1)
RECONCILE_FIRST_WINDOW = timedelta(minutes=10)


def page_cache_reconcile() -> int:
    """Purge again the pages of every public change since the last run (beat, each minute); the changes seen.

    A purge is lost when the cache is unreachable just as a change commits
    (``newsroom/redis_cache.py`` turns that into a no-op so that publishing
    still works); without this, pages cached before it would match their old
    tokens until they expire, up to an hour later. The time of the last run
    that reached the cache is kept in the cache: while it is unreachable it
    does not move, so the run after it recovers covers the whole outage.
    """
    pages = caches[CACHE_ALIAS]
    started = timezone.now()
    last = pages.get(RECONCILED_KEY)
    since = (last if isinstance(last, datetime) else started - RECONCILE_FIRST_WINDOW) - RECONCILE_OVERLAP
    # Topic, question and outlet changes log the live stories showing them too
    # (stories.changes.stories_record_change): story events name every page.
    events = list(ChangeEvent.objects.filter(created_at__gte=since).values_list("kind", "object_id", "slug"))
    stories = {object_id: slug for kind, object_id, slug in events if kind == ChangeEvent.Kind.STORY}
    tokens = {token_key("story-slug", slug) for slug in stories.values()}  # the address when it changed
    tokens.update(_story_page_tokens(list(stories)))  # and its addresses now
    purged = not events or tokens_replace(tokens)
    if not purged or pages.set_many({RECONCILED_KEY: started}, timeout=None):  # set_many: the keys it failed to store
        logger.warning("page cache reconcile could not reach the cache; the next run covers these %d changes", len(events))
    return len(events)


def _story_page_tokens(story_ids: list[int]) -> list[str]:
    """The cache tokens of every address the stories answer at: live slug and old slugs."""
    if not story_ids:
        return []
    slugs = {s for s in Story.objects.filter(pk__in=story_ids).values_list("live_slug", flat=True) if s}
    slugs.update(SlugRedirect.objects.filter(story_id__in=story_ids).values_list("old_slug", flat=True))
    return [token_key("story-slug", slug) for slug in slugs]


def _prerender(story_ids: list[int]) -> None:
    # A failure here must not fail the publish that already committed: the
    # page is rendered on its first request instead.
    try:
        story_prerender(story_ids=story_ids)
    except Exception:
        logger.exception("pre-rendering stories %s failed; they will render on first request", story_ids)
