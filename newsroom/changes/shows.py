"""Who shows what: the one declaration public fan-out is derived from.

Every public object has a *detail* (its API detail and its page) and a
*summary* (what other objects' details embed: a story's list item, a topic's,
outlet's or question's reference). When an object changes, its summary may
have changed, so every object whose detail shows that summary changes too;
and where a summary itself embeds another summary (a story's list item
carries its topics' references) the change travels on. ``fanout`` follows
these edges and names every object to re-send (API sync), re-render and purge.

Models are named by label, never imported: this module sits below the apps
(``topics``, ``faq``, ``sources`` and ``stories`` all record through it).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps
from django.db.models import QuerySet

from .models import ChangeEvent

K = ChangeEvent.Kind
IMAGE = "image"


@dataclass(frozen=True)
class Kind:
    """A kind of public object: its model, the manager method that is its public gate, its address field."""

    name: str
    model: str
    public: str | None
    slug: str
    synced: bool = True  # in the change log (the API's sync feed); False: only fanned out and handed to the steps

    def public_rows(self) -> QuerySet:
        manager = apps.get_model(self.model)._default_manager
        return getattr(manager, self.public)() if self.public else manager.all()


@dataclass(frozen=True)
class Shows:
    """``shower``'s detail shows the summary of the ``shown`` objects reached through ``path``.

    ``in_summary``: the shower's own summary shows them too, so a change of
    a shown object changes the shower's summary (and travels on).
    """

    shower: str
    shown: str
    path: str
    in_summary: bool = False


KINDS: dict[str, Kind] = {
    K.STORY: Kind(K.STORY, "stories.Story", public="live", slug="live_slug"),
    K.TOPIC: Kind(K.TOPIC, "topics.Topic", public=None, slug="slug"),
    K.QUESTION: Kind(K.QUESTION, "faq.CommonQuestion", public="published", slug="slug"),
    K.OUTLET: Kind(K.OUTLET, "sources.Outlet", public=None, slug="slug"),
    # Library images have no API of their own: an edit reaches the stories, topics, questions and outlets showing them.
    IMAGE: Kind(IMAGE, "images.Image", public=None, slug="title", synced=False),
}

SHOWS: tuple[Shows, ...] = (
    Shows(K.STORY, K.TOPIC, "live_topics", in_summary=True),  # topic cards; a story's list item carries its topics
    Shows(K.STORY, K.OUTLET, "live_outlets"),  # "What the papers say"
    Shows(K.STORY, K.QUESTION, "live_questions"),  # "Go deeper"
    Shows(K.TOPIC, K.STORY, "live_stories"),  # a topic's latest stories
    Shows(K.TOPIC, K.QUESTION, "questions"),  # a topic's published questions
    Shows(K.QUESTION, K.TOPIC, "topics"),
    Shows(K.OUTLET, K.STORY, "live_stories"),  # the latest stories citing an outlet
    Shows(K.STORY, IMAGE, "live_images"),  # lead and inline images: alt text, caption, credit, renditions
    Shows(K.TOPIC, IMAGE, "image", in_summary=True),  # a topic's card carries its picture
    Shows(K.QUESTION, IMAGE, "image", in_summary=True),  # so does a question's
    Shows(K.OUTLET, IMAGE, "logo", in_summary=True),  # and an outlet's reference, its logo
)

Found = dict[tuple[str, int], str]  # (kind, id) → its public address (slug)


def fanout(kind: str, ids: Iterable[int]) -> Found:
    """Every public object whose detail may change when the ``kind`` objects ``ids`` change, with them.

    A few queries per edge followed, whatever the number of objects; the
    changed objects themselves are in the result whether public or not.
    """
    ids = {i for i in ids if i is not None}
    found: Found = _addresses(kind, ids)  # the changed objects first, then what shows them
    asked: dict[tuple[Shows, frozenset], list[int]] = {}  # an edge asked twice about the same objects: one query

    def showers(edge: Shows, shown_ids: set[int]) -> list[int]:
        key = (edge, frozenset(shown_ids))
        if key not in asked:
            asked[key] = _showers(edge, shown_ids, found)
        return asked[key]

    summaries: dict[str, set[int]] = {kind: set(ids)}
    frontier = {kind: set(ids)}
    while frontier:  # summaries that embed a changed summary changed too
        reached: dict[str, set[int]] = {}
        for edge in SHOWS:
            if edge.in_summary and frontier.get(edge.shown):
                new = {pk for pk in showers(edge, frontier[edge.shown]) if pk not in summaries.get(edge.shower, ())}
                if new:
                    reached.setdefault(edge.shower, set()).update(new)
                    summaries.setdefault(edge.shower, set()).update(new)
        frontier = reached
    for edge in SHOWS:  # and every detail showing a changed summary
        if summaries.get(edge.shown):
            showers(edge, summaries[edge.shown])
    return found


def _showers(edge: Shows, shown_ids: set[int], found: Found) -> list[int]:
    kind = KINDS[edge.shower]
    rows = kind.public_rows().filter(**{f"{edge.path}__in": sorted(shown_ids)}).order_by("pk").distinct()
    pairs = list(rows.values_list("pk", kind.slug))
    for pk, slug in pairs:
        found.setdefault((edge.shower, pk), slug)
    return [pk for pk, _ in pairs]


def _addresses(kind: str, ids: set[int]) -> Found:
    """The changed objects' addresses (any of them, public or not: a draft has one too)."""
    if not ids:
        return {}
    model = apps.get_model(KINDS[kind].model)
    rows = model._default_manager.filter(pk__in=ids).order_by().values_list("pk", KINDS[kind].slug)
    return {(kind, pk): slug or "" for pk, slug in rows}


def public_ids(kind: str, ids: Iterable[int]) -> set[int]:
    """Which of ``ids`` are public now."""
    ids = list(ids)
    return set(KINDS[kind].public_rows().filter(pk__in=ids).order_by().values_list("pk", flat=True)) if ids else set()
