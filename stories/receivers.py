"""What follows a public change (``newsroom.signals.public_content_changed``).

Sent after commit. A newly published revision is rendered at once and its
search document rebuilt; an edited topic, question or outlet marks the kept
pages of the live stories that show it for re-rendering on their next request
(a topic on thousands of stories must not make its editor wait for them all).
Then the page-cache tokens of those stories' addresses, and of every list,
are replaced: the next request of any page showing the change renders it.
"""

import logging

from django.dispatch import receiver

from newsroom.cache import token_key, tokens_replace
from newsroom.signals import public_content_changed

from .models import LivePage, SlugRedirect, Story, StorySearchDocument
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
