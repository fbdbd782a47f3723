"""Editors' corrections of clustering: move an article to another (or a new) event, merge two events.

Each is one function, atomic, that locks the rows it changes, checks that the
editor's page was not overtaken (the article still where the page showed it, no
event merged meanwhile), records who did it (``moved_by``, method ``editor``:
clustering never moves such an article again) and recounts the events touched.
"""

from django.db import transaction
from django.db.models import Count, Max, Min
from django.db.models.functions import Coalesce
from django.utils import timezone

from .clustering import cluster_runs_hold, events_rebuild
from .models import Event, EventArticle

EDIT_PERM = "events.change_event"


class EventEditNotAllowed(Exception):
    """The user may not correct events (editors only): a 403."""


class EventEditStale(Exception):
    """The page the editor acted on is out of date (an article moved, an event merged meanwhile): a 409.
    The message says what happened and what to do."""


def _check_allowed(actor) -> None:
    if actor is not None and not (actor.is_active and actor.has_perm(EDIT_PERM)):
        raise EventEditNotAllowed("Only editors may move articles between events or merge events.")


def _check_not_merged(event: Event, what: str) -> None:
    if event.merged_into_id is not None:
        raise EventEditStale(
            f"{what} “{event.title}” was merged into “{event.merged_into.title}” meanwhile; nothing changed. "
            "Choose again from the updated page."
        )


def event_recount(*, event: Event) -> Event:
    """Set the event's article and outlet counts and its first and latest article times from its members."""
    totals = EventArticle.objects.filter(event=event).aggregate(
        articles=Count("pk"),
        outlets=Count("article__outlet", distinct=True),
        first=Min(Coalesce("article__published_at", "article__created_at")),
        last=Max(Coalesce("article__published_at", "article__created_at")),
    )
    event.article_count, event.outlet_count = totals["articles"], totals["outlets"]
    if totals["first"] is not None:  # an emptied event keeps its times; the board leaves it out (no articles)
        event.first_seen_at, event.last_seen_at = totals["first"], totals["last"]
    event.save(update_fields=["article_count", "outlet_count", "first_seen_at", "last_seen_at", "updated_at"])
    return event


def _lock_events(*pks: int) -> dict[int, Event]:
    """Lock the events in id order (two editors moving between the same two events cannot deadlock)."""
    locked = Event.objects.select_for_update(of=("self",)).select_related("merged_into").filter(pk__in=pks).order_by("pk")
    return {e.pk: e for e in locked}


@transaction.atomic
def event_articles_move(
    *, article_ids: list[int], from_event_id: int, to_event: Event | None, actor, new_title: str = ""
) -> Event:
    """Move the articles from the event the editor saw them in (``from_event_id``) to ``to_event``, or to one
    new event titled ``new_title`` (the first article's headline when blank). All or nothing. Returns the
    event they are now in."""
    _check_allowed(actor)
    if not article_ids:
        raise EventEditStale("Tick at least one article to move; nothing changed.")
    if to_event is not None and to_event.pk == from_event_id:
        raise EventEditStale("Those articles are already in this event; choose another event or “a new event”.")
    state = cluster_runs_hold()  # before the events: the order clustering takes them in
    # Events first, then their articles: the order event_merge takes them in, so the two never deadlock.
    locked = _lock_events(from_event_id, *([to_event.pk] if to_event is not None else []))
    source = locked.get(from_event_id)
    if source is None:
        raise EventEditStale("This event no longer exists; nothing changed.")
    _check_not_merged(source, "This event,")
    links = list(
        EventArticle.objects.select_for_update(of=("self",)).select_related("article", "event").filter(article_id__in=article_ids)
    )
    moved_away = [link for link in links if link.event_id != from_event_id]
    if moved_away or len(links) != len(set(article_ids)):
        names = "; ".join(f"“{link.article.title}” is now in “{link.event.title}”" for link in moved_away)
        raise EventEditStale(
            f"The page was out of date: {names or 'an article is no longer in any event'}. Nothing was moved; "
            "your choice is kept below, check it and move again."
        )
    if to_event is None:
        first = min((link.article for link in links), key=lambda a: (a.published_at or a.created_at, a.pk))
        moment = first.published_at or first.created_at
        target = Event.objects.create(title=(new_title.strip() or first.title)[:500], first_seen_at=moment, last_seen_at=moment)
    else:
        target = locked.get(to_event.pk)
        if target is None:
            raise EventEditStale("The event you chose no longer exists; nothing changed.")
        _check_not_merged(target, "The event you chose,")
    EventArticle.objects.filter(pk__in=[link.pk for link in links]).update(
        event=target, method=EventArticle.Method.EDITOR, moved_by=actor, joined_at=timezone.now()
    )
    events_rebuild(state=state, event_ids=[source.pk, target.pk])  # centroids: the next articles follow
    event_recount(event=source)
    return event_recount(event=target)


@transaction.atomic
def event_merge(*, event: Event, into: Event, actor) -> Event:
    """Merge ``event`` into ``into``: its articles move there (kept as an editor's decision), it points at
    ``into`` (and so do events merged into it before, so a chain is one step). Returns ``into``."""
    _check_allowed(actor)
    if event.pk == into.pk:
        raise EventEditStale("An event cannot be merged into itself; choose another event.")
    state = cluster_runs_hold()  # before the events: the order clustering takes them in
    locked = _lock_events(event.pk, into.pk)
    if len(locked) < 2:
        raise EventEditStale("One of the two events no longer exists; nothing changed.")
    event, into = locked[event.pk], locked[into.pk]
    _check_not_merged(event, "This event,")
    _check_not_merged(into, "The event you chose,")
    # joined_at is kept: what a story following either event has seen stays seen.
    EventArticle.objects.filter(event=event).update(event=into, method=EventArticle.Method.EDITOR, moved_by=actor)
    Event.objects.filter(merged_into=event).update(merged_into=into)
    event.merged_into = into
    event.save(update_fields=["merged_into", "updated_at"])
    events_rebuild(state=state, event_ids=[event.pk, into.pk])
    event_recount(event=event)
    return event_recount(event=into)
