"""The reference data stories show (topics, outlets, published questions), kept per process.

A story detail needs its topics, outlets and questions; fetching them per
request costs three queries. They are small tables that change only with a
public change, so each process keeps them in memory, keyed by the content
fingerprint that every API request computes first: any change (a topic
saved, a question published, an outlet edited) gives a new fingerprint and
the next request reloads them (three queries, once per change per process).
Nothing is shared between processes; each checks the database's fingerprint.
"""

import threading
from collections import defaultdict
from dataclasses import dataclass

from faq.models import CommonQuestion
from newsroom.api import Fingerprint
from sources.models import Outlet
from stories.models import Story
from topics.models import Topic


@dataclass(frozen=True)
class References:
    key: str
    topics: dict
    outlets: dict
    questions: dict


_lock = threading.Lock()
_current: References | None = None


def references_for(*, fingerprint: Fingerprint) -> References:
    """The reference maps as of ``fingerprint``, loaded when it moved."""
    global _current
    current = _current
    if current is not None and current.key == fingerprint.key:
        return current
    with _lock:
        fresh = References(
            key=fingerprint.key,
            topics=Topic.objects.only("id", "slug", "name", "kind", "external_url").in_bulk(),
            outlets=Outlet.objects.only("id", "slug", "name", "homepage", "country", "language").in_bulk(),
            questions=CommonQuestion.objects.published().only("id", "slug", "question", "teaser").in_bulk(),
        )
        _current = fresh
    return fresh


def reset() -> None:
    """Forget the maps (tests roll the database back under an unchanged fingerprint)."""
    global _current
    _current = None


def view_references(view) -> References:
    """The references for a request, from the fingerprint its view computed first."""
    from newsroom.api import api_fingerprint

    return references_for(fingerprint=getattr(view, "fingerprint", None) or api_fingerprint())


def attach_topics(stories: list[Story], refs: References) -> list[Story]:
    """Give each live story its topics (``api_topics``, by name) in one query on the live links."""
    links = defaultdict(list)
    rows = Story.live_topics.through.objects.filter(story_id__in=[s.id for s in stories]).values_list("story_id", "topic_id")
    for story_id, topic_id in rows:
        if topic_id in refs.topics:
            links[story_id].append(refs.topics[topic_id])
    for story in stories:
        story.api_topics = sorted(links[story.id], key=lambda t: (t.name, t.id))
    return stories
