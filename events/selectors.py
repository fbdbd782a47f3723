"""Read queries for the "Developing" board and an event's page.

The board ranks events by a score that an editor can check by hand:

    score = diversity × (1 + log2(1 + velocity))

* ``diversity`` = the event's distinct outlets + its distinct outlet countries.
  Five outlets from five countries (10) outrank five from one country (6), and
  the same wire copy in ten feeds of one outlet counts once.
* ``velocity`` = the event's articles that appeared in the last
  ``VELOCITY_WINDOW`` (6 hours), per hour. The log damps it: one outlet's live
  blog at 10 articles an hour multiplies by 4.5, not 11, so a growing story
  from many outlets still outranks it; each doubling of the rate adds one
  "diversity's worth".

An article's time is its published time, or when we first saw it if the feed
gave none (as the coverage selectors count it). The board reads a fixed
number of queries whatever the number of events: the ranked page, then one
query each for outlets (countries and languages with them), topics and the
sparklines' arrivals.
"""

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, F, FloatField, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Ln, NullIf, TruncHour
from django.utils import timezone

from sources.models import ArticleTopic, SourceArticle

from .models import Event, EventArticle

#: The board's choices of how far back to look, in days; the first is the default.
BOARD_DAYS = (3, 1, 7)
#: Velocity counts the articles of this recent window, per hour.
VELOCITY_WINDOW = timedelta(hours=6)
#: Rows on the board's page.
BOARD_LIMIT = 50
#: A sparkline's bars over the board's window.
SPARK_BINS = 24
#: Topics shown per event (most articles first).
TOPICS_SHOWN = 6


@dataclass
class OutletSeen:
    name: str
    country: str
    articles: int


@dataclass
class BoardRow:
    """An event as the board shows it."""

    event: Event
    score: float
    velocity: float  # articles an hour over VELOCITY_WINDOW
    recent: int  # articles in VELOCITY_WINDOW
    outlets: list[OutletSeen] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    topics: list[tuple[str, int]] = field(default_factory=list)  # (name, articles)
    bins: list[int] = field(default_factory=list)  # arrivals per SPARK_BINS step, oldest first


def _seen(prefix: str = "article__"):
    """An article's time: published, or first seen when the feed gave none."""
    return Coalesce(f"{prefix}published_at", f"{prefix}created_at")


def events_live():
    """Events an editor works with: not merged into another, with at least one article."""
    return Event.objects.filter(merged_into__isnull=True, article_count__gt=0)


def event_survivor(*, event: Event) -> Event:
    """The event ``event`` ended up in after merges (itself if never merged); a cycle stops where it began."""
    seen = {event.pk}
    while event.merged_into_id is not None and event.merged_into_id not in seen:
        seen.add(event.merged_into_id)
        event = Event.objects.get(pk=event.merged_into_id)
    return event


def board_ranked(*, now: datetime | None = None, days: int = BOARD_DAYS[0], limit: int = BOARD_LIMIT):
    """The events seen in the last ``days`` days, best score first, annotated ``score``, ``recent`` and
    ``countries``: one query."""
    now = now or timezone.now()
    members = EventArticle.objects.filter(event=OuterRef("pk")).annotate(seen=_seen()).values("event")
    recent = members.filter(seen__gt=now - VELOCITY_WINDOW, seen__lte=now).annotate(n=Count("pk")).values("n")
    countries = (
        members.exclude(article__outlet__country="").annotate(n=Count("article__outlet__country", distinct=True)).values("n")
    )
    hours = VELOCITY_WINDOW.total_seconds() / 3600
    velocity = Cast(F("recent"), FloatField()) / Value(hours)
    diversity = Cast(F("outlet_count") + F("countries"), FloatField())
    return (
        events_live()
        .filter(last_seen_at__gte=now - timedelta(days=days))
        .annotate(
            recent=Coalesce(Subquery(recent, output_field=IntegerField()), 0),
            countries=Coalesce(Subquery(countries, output_field=IntegerField()), 0),
        )
        .annotate(score=diversity * (Value(1.0) + Ln(Value(1.0) + velocity) / Value(math.log(2))))
        .order_by("-score", "-last_seen_at", "-id")[:limit]
    )


def board_rows(*, now: datetime | None = None, days: int = BOARD_DAYS[0], limit: int = BOARD_LIMIT) -> list[BoardRow]:
    """The board: ranked events with their outlets, countries, languages, topics and arrivals. Four queries."""
    now = now or timezone.now()
    hours = VELOCITY_WINDOW.total_seconds() / 3600
    rows = [
        BoardRow(event=e, score=round(e.score, 2), recent=e.recent, velocity=round(e.recent / hours, 2))
        for e in board_ranked(now=now, days=days, limit=limit)
    ]
    if not rows:
        return rows
    by_id = {row.event.pk: row for row in rows}
    _add_outlets(by_id)
    _add_topics(by_id)
    start = now - timedelta(days=days)
    for row in rows:
        row.bins = [0] * SPARK_BINS
    step = (now - start) / SPARK_BINS
    arrivals = (
        EventArticle.objects.filter(event_id__in=by_id)
        .annotate(seen=_seen())
        .filter(seen__gte=start, seen__lte=now)
        .annotate(hour=TruncHour("seen"))
        .values("event_id", "hour")
        .annotate(n=Count("pk"))
    )
    for a in arrivals:
        index = min(SPARK_BINS - 1, max(0, int((a["hour"] - start) / step)))
        by_id[a["event_id"]].bins[index] += a["n"]
    return rows


def _add_outlets(by_id: dict[int, BoardRow]) -> None:
    """Each row's outlets (most articles first), countries and languages (primary subtags): one query."""
    seen = (
        EventArticle.objects.filter(event_id__in=by_id)
        .annotate(lang=Coalesce(NullIf("article__language", Value("")), "article__outlet__language"))
        .values("event_id", "article__outlet_id", "article__outlet__name", "article__outlet__country", "lang")
        .annotate(n=Count("pk"))
        .order_by("event_id", "article__outlet__name", "article__outlet_id")
    )
    outlets: dict[tuple[int, int], OutletSeen] = {}
    for s in seen:
        row = by_id[s["event_id"]]
        key = (s["event_id"], s["article__outlet_id"])
        if key not in outlets:
            outlets[key] = OutletSeen(s["article__outlet__name"], s["article__outlet__country"], 0)
            row.outlets.append(outlets[key])
        outlets[key].articles += s["n"]
        country = (s["article__outlet__country"] or "").upper()
        if country and country not in row.countries:
            row.countries.append(country)
        language = (s["lang"] or "").split("-")[0].lower()
        if language and language not in row.languages:
            row.languages.append(language)
    for row in by_id.values():
        row.outlets.sort(key=lambda o: (-o.articles, o.name))
        row.countries.sort()
        row.languages.sort()


def _add_topics(by_id: dict[int, BoardRow]) -> None:
    """Each row's topics from its articles' matches (an editor's removal excluded), most articles first."""
    links = (
        ArticleTopic.objects.filter(article__event_link__event_id__in=by_id)
        .exclude(status=ArticleTopic.Status.REMOVED)
        .values("article__event_link__event_id", "topic__name")
        .annotate(n=Count("article_id", distinct=True))
        .order_by("article__event_link__event_id", "-n", "topic__name")
    )
    for link in links:
        row = by_id[link["article__event_link__event_id"]]
        if len(row.topics) < TOPICS_SHOWN:
            row.topics.append((link["topic__name"], link["n"]))


def event_topic_ids(*, event: Event) -> list[int]:
    """The event's topics, from its articles' matches (removed ones excluded), most articles first."""
    return list(
        ArticleTopic.objects.filter(article__event_link__event=event)
        .exclude(status=ArticleTopic.Status.REMOVED)
        .values("topic_id")
        .annotate(n=Count("article_id", distinct=True))
        .order_by("-n", "topic__name")
        .values_list("topic_id", flat=True)
    )


def event_articles(*, event: Event) -> list[SourceArticle]:
    """The event's articles, newest first, outlets joined, each annotated ``seen_at``, ``joined_at``,
    ``method`` and ``moved_by_id``: one query."""
    return list(
        SourceArticle.objects.filter(event_link__event=event)
        .annotate(
            seen_at=_seen(""),
            joined_at=F("event_link__joined_at"),
            method=F("event_link__method"),
            moved_by_id=F("event_link__moved_by_id"),
        )
        .select_related("outlet")
        .order_by("-seen_at", "-id")
    )


def event_latest_per_outlet(*, event: Event) -> list[SourceArticle]:
    """Each outlet's most recent article in the event, newest first: one query."""
    latest = (
        SourceArticle.objects.filter(event_link__event=event)
        .annotate(seen_at=_seen(""))
        .select_related("outlet")
        .order_by("outlet_id", "-seen_at", "-id")
    )
    chosen: dict[int, SourceArticle] = {}
    for article in latest:
        chosen.setdefault(article.outlet_id, article)
    return sorted(chosen.values(), key=lambda a: (a.seen_at, a.pk), reverse=True)


def event_arrivals_since(*, event: Event, since: datetime, exclude_urls=(), limit: int = 30) -> list[SourceArticle]:
    """Articles that joined ``event`` (or the event it was merged into) after ``since``, newest first."""
    event = event_survivor(event=event)
    return list(
        SourceArticle.objects.filter(event_link__event=event, event_link__joined_at__gt=since)
        .exclude(url__in=list(exclude_urls))
        .annotate(seen_at=_seen(""), joined_at=F("event_link__joined_at"))
        .select_related("outlet")
        .order_by("-joined_at", "-id")[:limit]
    )


def event_move_targets(*, event: Event, now: datetime | None = None, days: int = 7, limit: int = 200):
    """Events an article of ``event`` may be moved to, or ``event`` merged into: recent, not merged, not itself."""
    now = now or timezone.now()
    return list(
        events_live().filter(last_seen_at__gte=now - timedelta(days=days)).exclude(pk=event.pk).order_by("-last_seen_at")[:limit]
    )


def event_arrivals_count(*, event_field: str, since_field: str) -> Coalesce:
    """An annotation for querysets of rows that name an event and a moment (stories following events): how many
    articles joined that event, or the one it was merged into, after the moment. A subquery: no extra query."""
    target = Coalesce(OuterRef(f"{event_field}__merged_into"), OuterRef(event_field))
    joined = (
        EventArticle.objects.filter(event_id=target, joined_at__gt=OuterRef(since_field))
        .values("event_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(joined, output_field=IntegerField()), 0)
