"""Incremental event clustering: each new article joins an event or starts one (docs/events.md).

``articles_cluster(ids)`` takes a batch of stored articles (the ids ingestion
just inserted) and, in publish order, puts each one in an event:

1. **near-duplicate**: it shares a shingle band (events/text.py) with an event
   active within the time window, and its term similarity to that event is at
   least ``EVENT_DUPLICATE_SIMILARITY``: it joins (method *duplicate*);
2. **similar**: else the event whose centroid (the sum of its members' unit
   TF-IDF vectors, matched topics included as terms) is most similar, if at
   least ``EVENT_JOIN_SIMILARITY``, among the events active within
   ``EVENT_WINDOW_HOURS`` of the article's published time (method *similar*);
3. else it **starts** an event.

An article similar (≥ ``EVENT_MERGE_SIMILARITY``) to a second event besides
the one it joined bridges the two: when their centroids are that similar
too, the smaller is merged into the larger (``merged_into`` set, its
memberships moved), unless an editor has placed an article in either.
Editors' placements (method *editor*) are never moved by clustering.

State lives in the database (each event's centroid and bands, the document
frequencies, a run counter), so any worker can run the next batch. Each
process keeps the events of the window in memory, read once and then
refreshed from the rows that other processes changed since its last run
(``Event.version``); runs take a row lock on ``ClusterState`` so they never
overlap. Running a batch twice changes nothing: articles already in an event
are skipped.
"""

import gc
import heapq
import logging
import math
import struct
import uuid
from array import array
from collections import _count_elements as count_elements
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import repeat
from operator import itemgetter

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max, Min, ProtectedError
from django.db.models.functions import Coalesce
from django.utils import timezone

from sources.models import ArticleTopic, SourceArticle

from . import text
from .models import ClusterState, Event, EventArticle

logger = logging.getLogger(__name__)

Method = EventArticle.Method

VECTOR_TERMS = 40  # an event's centroid keeps its top terms (up to twice as many between trims)
QUERY_TERMS = 8  # an article looks up candidate events by its strongest terms, and is found by them
MAX_KEYS = 48  # terms an event is found by, at most
MAX_POSTINGS = 200  # a term in more events of the window than this finds no candidates (it names none)
CANDIDATES = 6  # events scored in full per article, those sharing most strong terms
POSTINGS_BUDGET = 80  # postings counted per article to find them
MAX_BANDS = 128  # near-duplicate keys kept per event (its newest 16 articles')
SUMMARY_CHARS = 1500  # features read from the summary's start
GAP_GRACE = timedelta(hours=3)  # no gap penalty within this time of the event's latest article
SLACK = timedelta(hours=24)  # the cache keeps events this much older than the window needs


def _setting(name: str, default):
    return getattr(settings, name, default)


def window() -> timedelta:
    return timedelta(hours=_setting("EVENT_WINDOW_HOURS", 72))


# --- packing ------------------------------------------------------------------


def vector_pack(vector: dict[int, float]) -> bytes:
    """Terms and weights, strongest first (a loaded event's strongest terms are the first ones)."""
    items = sorted(vector.items(), key=_weight, reverse=True)
    return (
        struct.pack("<I", len(items))
        + array("i", [term for term, _ in items]).tobytes()
        + array("f", [weight for _, weight in items]).tobytes()
    )


def _vector_arrays(data) -> tuple[array, array]:
    data = bytes(data or b"")
    terms, weights = array("i"), array("f")
    if len(data) >= 4:
        (n,) = struct.unpack_from("<I", data)
        terms.frombytes(data[4 : 4 + 4 * n])
        weights.frombytes(data[4 + 4 * n : 4 + 8 * n])
    return terms, weights


def vector_unpack(data) -> dict[int, float]:
    terms, weights = _vector_arrays(data)
    return dict(zip(terms, weights, strict=True))


def bands_pack(bands) -> bytes:
    return array("i", bands).tobytes()


def bands_unpack(data) -> list[int]:
    values = array("i")
    values.frombytes(bytes(data or b""))
    return list(values)


# --- in-memory state ----------------------------------------------------------


class EventState:
    """An event as the window holds it. A loaded event keeps its centroid packed until it is scored or extended."""

    __slots__ = ("id", "_vector", "packed", "bands", "first", "last", "size", "title", "norm", "outlets", "keys", "used")

    def __init__(self, *, id, vector=None, bands, first, last, size, title="", norm=0.0, outlets=None, packed=None):
        self.id = id
        self._vector = vector
        self.packed = packed  # (terms, weights) arrays while the dict is not needed
        self.bands = bands
        self.first = first
        self.last = last
        self.size = size
        self.title = title
        self.norm = norm
        self.outlets = outlets if outlets is not None else set()
        self.keys: list[int] = []  # its terms in the postings (a list: a set costs a kilobyte)
        self.used = 0  # the run that last scored or changed it

    @property
    def vector(self) -> dict[int, float]:
        if self._vector is None:
            terms, weights = self.packed
            self._vector = dict(zip(terms, weights, strict=True))
            self.packed = None
        return self._vector

    @vector.setter
    def vector(self, value: dict[int, float]) -> None:
        self._vector, self.packed = value, None

    def pack(self) -> None:
        """Back to two arrays (about 320 bytes instead of 7 KB of dict): an event nobody has looked at for a while."""
        if self._vector is not None:
            items = sorted(self._vector.items(), key=_weight, reverse=True)
            self.packed = (array("i", [t for t, _ in items]), array("f", [w for _, w in items]))
            self._vector = None

    def terms(self):
        """Its centroid's terms, without unpacking it."""
        return self.packed[0] if self._vector is None else self._vector.keys()

    def strongest(self, n: int) -> list[int]:
        if self._vector is None:
            return list(self.packed[0][:n])  # packed strongest first
        return strongest(self._vector, n)

    def renorm(self) -> None:
        if self._vector is None:
            weights = self.packed[1]
            self.norm = math.sqrt(math.sumprod(weights, weights))
        else:
            values = list(self._vector.values())
            self.norm = math.sqrt(math.sumprod(values, values))


_weight = itemgetter(1)


def strongest(vector: dict[int, float], n: int) -> list[int]:
    """The ``n`` terms of largest weight."""
    if len(vector) <= n:
        return list(vector)
    return [term for term, _ in sorted(vector.items(), key=_weight, reverse=True)[:n]]


class WindowIndex:
    """The events of the time window, with term and band postings: one per process and database.

    An event is found by its members' strongest terms (each member's
    ``QUERY_TERMS``, up to ``MAX_KEYS``; a loaded event by its centroid's), as an
    article looks events up by its own strongest terms; and by its bands.
    """

    def __init__(self):
        self.epoch = ""
        self.version = -1
        self.floor: datetime | None = None
        self.ceiling: datetime | None = None  # an archive window's end; today's has none
        self.events: dict[int, EventState] = {}
        self.terms: dict[int, int | set[int]] = {}
        self.bands: dict[int, int | set[int]] = {}
        self.ef: dict[int, int] = {}  # term → events of the window whose centroid holds it: the IDF's counts
        self.runs = 0

    # A posting of one event is that event's id, of several a set: most terms and bands name one event, and a
    # set costs 216 bytes where an int reference costs none.
    def _post(self, postings: dict, key: int, event_id: int) -> None:
        found = postings.get(key)
        if found is None:
            postings[key] = event_id
        elif type(found) is int:
            if found != event_id:
                postings[key] = {found, event_id}
        else:
            found.add(event_id)

    def _unpost(self, postings: dict, key: int, event_id: int) -> None:
        found = postings.get(key)
        if found is None:
            return
        if type(found) is int:
            if found == event_id:
                del postings[key]
            return
        found.discard(event_id)
        if len(found) == 1:
            postings[key] = next(iter(found))
        elif not found:
            del postings[key]

    def add(self, event: EventState, keys=None) -> None:
        self.events[event.id] = event
        count_elements(self.ef, event.terms())
        event.keys = list(dict.fromkeys(keys if keys is not None else event.strongest(MAX_KEYS // 2)))
        event_id = event.id
        # ``_post`` inlined: a window read cold posts every band (up to 128) and key of every event.
        for postings, items in ((self.terms, event.keys), (self.bands, event.bands)):
            get = postings.get
            for key in items:
                found = get(key)
                if found is None:
                    postings[key] = event_id
                elif type(found) is int:
                    if found != event_id:
                        postings[key] = {found, event_id}
                else:
                    found.add(event_id)

    def drop(self, event_id: int) -> EventState | None:
        event = self.events.pop(event_id, None)
        if event is None:
            return None
        self._forget_terms(event.terms())
        for term in event.keys:
            self._unpost(self.terms, term, event_id)
        for band in event.bands:
            self._unpost(self.bands, band, event_id)
        return event

    def _forget_terms(self, terms) -> None:
        ef = self.ef
        for term in terms:
            count = ef.get(term, 0) - 1
            if count > 0:
                ef[term] = count
            else:
                ef.pop(term, None)

    def extend(
        self, event: EventState, vector: dict[int, float], bands: list[int], at: datetime, keys=(), dot: float | None = None
    ) -> None:
        """Add an article (or an absorbed event) to ``event``: centroid, bands and postings.

        ``dot``: the product of a unit ``vector`` with the centroid, when known: the new norm follows from it.
        """
        current = event.vector
        # Shared terms summed, new ones appended in the vector's order (dictionary operations in C).
        shared = vector.keys() & current.keys()
        sums = {term: current[term] + vector[term] for term in shared}
        current.update(vector)
        current.update(sums)
        count_elements(self.ef, vector.keys() - shared if shared else vector)
        trimmed = len(current) > 2 * VECTOR_TERMS
        if trimmed:
            # heapq.nlargest's result (ties in order), three times faster for these sizes
            event.vector = dict(sorted(current.items(), key=_weight, reverse=True)[:VECTOR_TERMS])
            self._forget_terms(current.keys() - event.vector.keys())
        for term in keys:
            if len(event.keys) < MAX_KEYS and term not in event.keys:
                event.keys.append(term)
                self._post(self.terms, term, event.id)
        if bands:
            known = set(event.bands)
            for band in bands:
                if band not in known:
                    event.bands.append(band)
                    known.add(band)
                    self._post(self.bands, band, event.id)
            if len(event.bands) > MAX_BANDS:
                for band in event.bands[:-MAX_BANDS]:
                    self._unpost(self.bands, band, event.id)
                event.bands = event.bands[-MAX_BANDS:]
        if at < event.first:
            event.first = at
        if at > event.last:
            event.last = at
        if dot is None or trimmed:
            event.renorm()
        else:  # |c + v|² = |c|² + 2 c·v + |v|², and |v| = 1
            event.norm = math.sqrt(max(event.norm * event.norm + 2.0 * dot + 1.0, 0.0))

    def reset(self, epoch: str) -> None:
        self.__init__()
        self.epoch = epoch


_indexes: dict[str, WindowIndex] = {}


def window_index_for_database(slot: str = "today") -> WindowIndex:
    key = f"{connection.alias}:{connection.settings_dict.get('NAME')}:{slot}"
    index = _indexes.get(key)
    if index is None:
        index = _indexes[key] = WindowIndex()
    return index


def index_forget() -> None:
    """Drop every process-local cache (tests; the database stays the truth)."""
    _indexes.clear()


def _event_state(row) -> EventState:
    pk, vector, bands, first, last, size, title, outlets = row
    event = EventState(
        id=pk,
        packed=_vector_arrays(vector),
        bands=bands_unpack(bands),
        first=first,
        last=last,
        size=size,
        title=title,
        outlets=set(bands_unpack(outlets)),
    )
    event.renorm()
    return event


_EVENT_FIELDS = ("id", "vector", "bands", "first_seen_at", "last_seen_at", "article_count", "title", "outlets")


def _index_sync(state: ClusterState, floor: datetime, ceiling: datetime | None = None) -> WindowIndex:
    """Bring this process's window up to the database's state, covering events last seen from ``floor`` on.

    A batch far older than the window kept for today's news (a backfill, a feed's archive) is clustered in a
    second window, of its own period, kept for the next such batch; today's neither grows nor moves back.
    """
    index = window_index_for_database()
    epoch = _state_epoch(state)
    if index.epoch != epoch or state.version < index.version:
        index.reset(epoch)
    if index.floor is not None and ceiling is not None and ceiling < index.floor - window():
        archive = window_index_for_database("archive")
        if archive.epoch != epoch or state.version < archive.version:
            archive.reset(epoch)
        if archive.floor is None or floor < archive.floor or ceiling > archive.ceiling:
            archive.reset(epoch)
            archive.floor, archive.ceiling = floor, ceiling + window()  # room for the next batch of the archive
            rows = Event.objects.filter(
                merged_into__isnull=True, last_seen_at__gte=archive.floor, first_seen_at__lte=archive.ceiling
            )
            for row in rows.order_by().values_list(*_EVENT_FIELDS):
                archive.add(_event_state(row))
            archive.version = state.version
        else:
            _index_catch_up(archive, state)
        return archive
    if index.floor is None:
        index.floor = floor
        index.version = state.version
        for row in Event.objects.filter(merged_into__isnull=True, last_seen_at__gte=floor).order_by().values_list(*_EVENT_FIELDS):
            index.add(_event_state(row))
        return index
    _index_catch_up(index, state)
    if floor < index.floor:  # an older batch: reach further back
        for row in (
            Event.objects.filter(merged_into__isnull=True, last_seen_at__gte=floor, last_seen_at__lt=index.floor)
            .order_by()
            .values_list(*_EVENT_FIELDS)
        ):
            if row[0] not in index.events:
                index.add(_event_state(row))
        index.floor = floor
    return index


def _index_catch_up(index: WindowIndex, state: ClusterState) -> None:
    """Read again the events another process (or the other window) changed since this window last saw the state."""
    if state.version == index.version:
        return
    changed = Event.objects.filter(version__gt=index.version).order_by().values_list(*_EVENT_FIELDS, "merged_into")
    for row in changed:
        index.drop(row[0])
        if row[-1] is None and row[4] >= index.floor and (index.ceiling is None or row[3] <= index.ceiling):
            index.add(_event_state(row[:-1]))
    index.version = state.version


IDLE_RUNS = 50  # an event no run has scored for this many runs is packed again


def _index_evict(index: WindowIndex, newest: datetime) -> None:
    if index.runs % 10 == 0:  # every tenth run: centroids nobody looked at lately go back to arrays
        idle = index.runs - IDLE_RUNS
        for event in index.events.values():
            if event.used < idle and event.packed is None:
                event.pack()
    if index.ceiling is not None:  # an archive window keeps its period
        return
    horizon = min(newest, timezone.now()) - window() - SLACK  # a feed's dates in the future move nothing
    if index.floor is not None and index.floor < horizon:
        for event_id in [pk for pk, event in index.events.items() if event.last < horizon]:
            index.drop(event_id)
        index.floor = horizon


# --- the state row ------------------------------------------------------------


def _state_epoch(state: ClusterState) -> str:
    return f"{state.pk}:{state.epoch}"


def _state_lock() -> ClusterState:
    """The one state row, locked until the transaction ends (runs never overlap)."""
    state = ClusterState.objects.select_for_update().filter(pk=1).first()
    if state is None:
        ClusterState.objects.get_or_create(pk=1, defaults={"epoch": uuid.uuid4().hex})
        state = ClusterState.objects.select_for_update().get(pk=1)
    return state


# --- features -----------------------------------------------------------------


@dataclass(slots=True)
class Article:
    id: int
    outlet_id: int
    title: str
    at: datetime
    features: text.Features  # the batch's, read together (``text.features_batch``)
    row: int  # this article's in ``features``
    bands: list[int]
    vector: dict[int, float] = field(default_factory=dict)
    keys: list[int] = field(default_factory=list)  # its QUERY_TERMS strongest terms (``strongest``)


def _articles_read(ids: list[int], *, unclustered: bool = True) -> list[Article]:
    """The articles ``ids`` (those in no event yet, if ``unclustered``) with their features, in publish order."""
    article_table, link_table = SourceArticle._meta.db_table, EventArticle._meta.db_table
    topic_table = ArticleTopic._meta.db_table
    where, params = ids_where("a.id", ids)
    if unclustered:
        where += f" AND NOT EXISTS (SELECT 1 FROM {link_table} l WHERE l.article_id = a.id)"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT a.id, a.outlet_id, a.title, a.summary, COALESCE(a.published_at, a.created_at) "
            f"FROM {article_table} a WHERE {where}",
            params,
        )
        rows = cursor.fetchall()
        if not rows:
            return []
        where, params = ids_where("t.article_id", [row[0] for row in rows])
        cursor.execute(
            f"SELECT t.article_id, t.topic_id FROM {topic_table} t WHERE {where} AND t.status <> %s",
            [*params, ArticleTopic.Status.REMOVED],
        )
        topics: dict[int, list[int]] = {}
        for article_id, topic_id in cursor.fetchall():
            topics.setdefault(article_id, []).append(topic_id)
    features = text.features_batch([(row[2], row[3][:SUMMARY_CHARS], topics.get(row[0], ())) for row in rows])
    articles = []
    for i, (pk, outlet_id, title, _, at) in enumerate(rows):
        if isinstance(at, str):  # SQLite hands back text for an expression
            at = datetime.fromisoformat(at)
        if timezone.is_naive(at):
            at = timezone.make_aware(at, UTC)
        articles.append(
            Article(id=pk, outlet_id=outlet_id, title=title, at=at, features=features, row=i, bands=features.bands[i])
        )
    articles.sort(key=lambda article: (article.at, article.id))
    return articles


def ids_where(column: str, values: list) -> tuple[str, list]:
    """``column`` among ``values``: one array parameter on PostgreSQL, a list of placeholders elsewhere."""
    values = list(values)
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%b)", [values]  # binary: a long array costs nothing to send
    if not values:
        return "1 = 0", []
    return f"{column} IN ({', '.join(['%s'] * len(values))})", values


_SUBLINEAR = np.array(text._SUBLINEAR)


def _vectors(index: WindowIndex, articles: list[Article]) -> None:
    """Each article's unit TF-IDF vector (``text.tfidf``) and strongest terms; a term's IDF counts the window's
    events that use it. The whole batch at once, on its feature arrays.

    Event frequency rather than article frequency: a word in every story
    of the week (a president's name in a busy week) weighs little, one in a
    single story a lot; it needs no table, and it follows the news.
    """
    if not articles:
        return
    features = articles[0].features
    ef = index.ef
    top = math.log(len(index.events) + 1) + 1.0
    terms, inverse = np.unique(features.term, return_inverse=True)
    found = np.fromiter(map(ef.get, terms.tolist(), repeat(0)), np.float64, len(terms))
    weights = _SUBLINEAR[np.minimum(features.count, 255)] * (top - np.log(found + 1.0))[inverse]
    weights[features.boost] *= text.CROSS_BOOST
    norms = np.sqrt(np.bincount(features.text, weights=weights * weights, minlength=len(features.start) - 1))
    norms[norms == 0] = 1.0
    weights /= norms[features.text]
    # Strongest first (ties in the order the terms first occur), as ``strongest`` sorts a vector.
    rows = len(weights)
    order = np.lexsort((np.arange(rows), -weights, features.text))
    rank = np.arange(rows) - features.start[features.text[order]]
    chosen = order[rank < QUERY_TERMS]
    sizes = np.diff(features.start)
    chosen_start = np.concatenate([[0], np.cumsum(np.minimum(sizes, QUERY_TERMS))]).tolist()
    strong = features.term[chosen].tolist()
    term_list, weight_list, start = features.term.tolist(), weights.tolist(), features.start.tolist()
    sizes = sizes.tolist()
    for article in articles:
        i = article.row
        s, e = start[i], start[i + 1]
        article.vector = dict(zip(term_list[s:e], weight_list[s:e], strict=True))
        article.keys = strong[chosen_start[i] : chosen_start[i + 1]] if sizes[i] > QUERY_TERMS else term_list[s:e]


# --- the run ------------------------------------------------------------------


@dataclass
class ClusterResult:
    articles: int = 0
    started: int = 0
    duplicate: int = 0
    similar: int = 0
    merged: int = 0
    events: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "events"}


def articles_cluster(article_ids) -> ClusterResult:
    """Put each of these stored articles that is in no event yet into one (see the module doc)."""
    ids = sorted({int(pk) for pk in article_ids})
    result = ClusterResult()
    if not ids:
        return result
    with transaction.atomic(), _collector_paused():
        state = _state_lock()
        articles = _articles_read(ids)
        if not articles:
            return result
        try:
            _run(state, articles, result)
        except BaseException:
            _indexes.clear()  # the memory may be ahead of a rolled-back database: read it again next time
            raise
    return result


@contextmanager
def _collector_paused():
    """Python's cycle collector off during a run (and back on after it, if it was on).

    A run makes no cycles (what it drops is freed as it goes), but it allocates enough to set the collector
    off every few articles, and its oldest generation's passes walk the whole heap, the window included:
    11% of a run's time (bench/profile_clustering.py)."""
    enabled = gc.isenabled()
    if enabled:
        gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _candidates(found) -> set[int]:
    """The events sharing most of an article's strongest terms, from those terms' postings (``found``, in the
    order of the terms, None for a term in no event).

    The rarest terms' postings are counted first, until ``POSTINGS_BUDGET`` events are counted; if they name
    more than ``CANDIDATES`` events, those named by two terms or more, the most first (then the highest id),
    ``CANDIDATES`` of them. Set operations instead of counting every posting: the same events.
    """
    singles: list[int] = []
    sets: list[set[int]] = []
    for postings in found:
        if postings is None:
            continue
        if type(postings) is int:
            singles.append(postings)
        elif len(postings) <= MAX_POSTINGS:
            sets.append(postings)
    budget = POSTINGS_BUDGET - len(singles)  # a single event's posting is counted first (the shortest)
    counted: list[set[int]] = []
    if sets:
        if len(sets) > 1:
            sets.sort(key=len)
        for postings in sets:
            if budget <= 0:
                break
            counted.append(postings)
            budget -= len(postings)
    named = set(singles).union(*counted)
    if len(named) <= CANDIDATES:
        return named
    # Named twice or more: seen before in the singles or in an earlier set.
    seen: set[int] = set()
    several: set[int] = set()
    for pk in singles:
        if pk in seen:
            several.add(pk)
        else:
            seen.add(pk)
    for postings in counted:
        several |= seen & postings
        seen |= postings
    if len(several) <= CANDIDATES:
        return several
    counts: dict[int, int] = {}
    count_elements(counts, singles)
    for postings in counted:
        count_elements(counts, several & postings)
    ranked = [(counts[pk], pk) for pk in several]
    return {pk for _, pk in heapq.nlargest(CANDIDATES, ranked)}


def _run(state: ClusterState, articles: list[Article], result: ClusterResult) -> None:
    span = window()
    index = _index_sync(state, articles[0].at - span, articles[-1].at + span)
    _vectors(index, articles)

    join = _setting("EVENT_JOIN_SIMILARITY", 0.25)
    # An event quiet for a while asks more of a newcomer: + this much per day since its latest article, after a grace.
    gap_penalty = _setting("EVENT_GAP_PENALTY", 0.4) / 86400.0
    grace = GAP_GRACE.total_seconds()
    duplicate = _setting("EVENT_DUPLICATE_SIMILARITY", 0.2)
    bridge = _setting("EVENT_MERGE_SIMILARITY", 0.5)
    events = index.events
    ids = _event_ids(len(articles))  # one per article at most: no re-keying after the insert
    fresh: set[int] = set()
    touched: set[int] = set()
    links: list[tuple[Article, int, str, float]] = []
    bridges: set[tuple[int, int]] = set()

    term_postings, band_postings = index.terms, index.bands
    cosine = text.cosine
    DUPLICATE, SIMILAR, STARTED = Method.DUPLICATE, Method.SIMILAR, Method.STARTED  # noqa: N806
    index.runs += 1
    run = index.runs
    for article in articles:
        at = article.at
        low, high = at - span, at + span
        vector = article.vector
        # Candidates: events sharing a band, and those sharing most of the article's strongest terms.
        dup_ids: set[int] = set()
        for band in article.bands:
            postings = band_postings.get(band)
            if postings is not None:
                if type(postings) is int:
                    dup_ids.add(postings)
                else:
                    dup_ids |= postings
        keys = article.keys
        candidates = _candidates(map(term_postings.get, keys))
        candidates |= dup_ids
        best_id, best_score, best_dup, best_raw = 0, 0.0, False, 0.0
        above: list[int] = []
        for pk in candidates:
            event = events.get(pk)
            if event is None or event.last < low or event.first > high:
                continue
            event.used = run
            raw = score = cosine(vector, event.vector, event.norm)
            gap = (at - event.last).total_seconds() - grace
            penalty = gap * gap_penalty if gap > 0 else 0.0
            dup = pk in dup_ids and score >= duplicate + penalty  # a daily report's template is no wire copy
            if dup:
                if score < join:
                    score = join  # a near-duplicate outranks a merely similar event
            elif score < join + penalty:
                continue
            if score >= bridge:
                above.append(pk)
            # The best: a near-duplicate before a similar event, then the highest score.
            if dup > best_dup or (dup == best_dup and score > best_score):
                best_id, best_score, best_dup, best_raw = pk, score, dup, raw
        best_method = (DUPLICATE if best_dup else SIMILAR) if best_id else STARTED
        if best_id:
            event = events[best_id]
            similarity = best_raw  # before it joins
            index.extend(event, vector, article.bands, at, keys, dot=best_raw * event.norm)
            event.size += 1
            event.outlets.add(article.outlet_id)
            for other in above:
                if other != best_id:
                    bridges.add((best_id, other))
        else:
            event = EventState(
                id=next(ids), vector=dict(vector), bands=list(dict.fromkeys(article.bands)), first=at, last=at, size=1,
                title=article.title, outlets={article.outlet_id},
            )  # fmt: skip
            event.norm = 1.0  # a unit vector
            event.used = run
            fresh.add(event.id)
            index.add(event, keys)
            similarity = 1.0
        touched.add(event.id)
        links.append((article, event.id, best_method, round(similarity, 4)))

    absorbed = _merges(index, bridges, bridge, fresh) if bridges else {}
    _write(state, index, articles, links, touched, absorbed, fresh, result)
    _index_evict(index, articles[-1].at)


def _merges(index: WindowIndex, bridges: set[tuple[int, int]], threshold: float, fresh: set[int]) -> dict[int, int]:
    """Merge bridged events whose centroids are alike; absorbed id → survivor id."""
    absorbed: dict[int, int] = {}

    def alive(pk: int) -> int:
        while pk in absorbed:
            pk = absorbed[pk]
        return pk

    stored = {pk for pair in bridges for pk in pair if pk not in fresh}
    protected = set(
        EventArticle.objects.filter(event_id__in=stored, method=Method.EDITOR).values_list("event_id", flat=True).distinct()
    )
    for a, b in sorted(bridges):
        a, b = alive(a), alive(b)
        if a == b or a in protected or b in protected:
            continue
        ea, eb = index.events.get(a), index.events.get(b)
        if ea is None or eb is None or not ea.norm or not eb.norm:
            continue
        if text.cosine(ea.vector, eb.vector, ea.norm * eb.norm) < threshold:
            continue
        # The survivor: the larger, then the older (a stored event before a new one).
        survivor, loser = sorted((ea, eb), key=lambda e: (-e.size, e.id in fresh, e.id))
        index.drop(loser.id)
        index.extend(survivor, loser.vector, loser.bands, loser.first, loser.keys)
        survivor.last = max(survivor.last, loser.last)
        survivor.size += loser.size
        survivor.outlets |= loser.outlets
        absorbed[loser.id] = survivor.id
    return {pk: alive(pk) for pk in absorbed}


def _write(state, index, articles, links, touched, absorbed, fresh, result: ClusterResult) -> None:
    version = state.version + 1
    events = index.events
    touched = {absorbed.get(pk, pk) for pk in touched} | set(absorbed.values())
    _events_insert([events[pk] for pk in sorted(touched) if pk in fresh], version)
    stored = [events[pk] for pk in touched if pk not in fresh]
    merged_stored = {pk: survivor for pk, survivor in absorbed.items() if pk not in fresh}
    for pk, survivor in merged_stored.items():
        EventArticle.objects.filter(event_id=pk).update(event_id=survivor)
        Event.objects.filter(pk=pk).update(merged_into_id=survivor, version=version, article_count=0, outlet_count=0)
    result.merged = len(absorbed)
    # Memberships.
    members = []
    for article, pk, method, similarity in links:
        pk = absorbed.get(pk, pk)
        members.append((article.id, pk, method, similarity))
        result.articles += 1
        if method == Method.STARTED:
            result.started += 1
        elif method == Method.DUPLICATE:
            result.duplicate += 1
        else:
            result.similar += 1
    _members_insert(members)
    if stored:
        _events_state_update(stored, version)
    result.events = sorted({pk for _, pk, _, _ in members})
    state.version = version
    ClusterState.objects.filter(pk=state.pk).update(version=state.version)
    index.version = version


def _event_ids(count: int):
    """``count`` new event ids, taken now (runs never overlap: the state row is locked); the unused are skipped."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [Event._meta.db_table, count]
            )
            return iter([row[0] for row in cursor.fetchall()])
    start = (Event.objects.aggregate(top=Max("id"))["top"] or 0) + 1
    return iter(range(start, start + count))


def _events_insert(new: list[EventState], version: int) -> None:
    """Insert new events, with their ids and their counts from this run."""
    if not new:
        return
    if connection.vendor == "postgresql":
        now = timezone.now()
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {Event._meta.db_table} (id, title, first_seen_at, last_seen_at, article_count, "
                "outlet_count, vector, bands, outlets, version, created_at, updated_at) SELECT *, %s, %s, %s FROM "
                "unnest(%b::bigint[], %b::text[], %b::timestamptz[], %b::timestamptz[], %b::int[], %b::int[], "
                "%b::bytea[], %b::bytea[], %b::bytea[])",
                [
                    version,
                    now,
                    now,
                    [event.id for event in new],
                    [event.title[:500] for event in new],
                    [event.first for event in new],
                    [event.last for event in new],
                    [event.size for event in new],
                    [len(event.outlets) for event in new],
                    [vector_pack(event.vector) for event in new],
                    [bands_pack(event.bands) for event in new],
                    [bands_pack(sorted(event.outlets)) for event in new],
                ],
            )
        return
    Event.objects.bulk_create(
        [
            Event(
                pk=event.id,
                title=event.title[:500],
                first_seen_at=event.first,
                last_seen_at=event.last,
                article_count=event.size,
                outlet_count=len(event.outlets),
                vector=vector_pack(event.vector),
                bands=bands_pack(event.bands),
                outlets=bands_pack(sorted(event.outlets)),
                version=version,
            )
            for event in new
        ],
        batch_size=500,
    )


def _events_state_update(events: list[EventState], version: int) -> None:
    """Stored events this run changed: centroid, bands, outlets, counts, first and latest article, from memory.

    The window's copy of an event is exact (read whole, changed only under the state lock, read again when
    another process changed it), so counts are written, not recounted: no join over a big event's articles.
    """
    columns = {
        "vector": [vector_pack(event.vector) for event in events],
        "bands": [bands_pack(event.bands) for event in events],
        "outlets": [bands_pack(sorted(event.outlets)) for event in events],
        "article_count": [event.size for event in events],
        "outlet_count": [len(event.outlets) for event in events],
        "first_seen_at": [event.first for event in events],
        "last_seen_at": [event.last for event in events],
    }
    if connection.vendor == "postgresql":
        kinds = {"vector": "bytea", "bands": "bytea", "outlets": "bytea", "article_count": "int", "outlet_count": "int"}
        names = list(columns)
        arrays = ", ".join(f"%b::{kinds.get(name, 'timestamptz')}[]" for name in names)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {Event._meta.db_table} AS e SET {', '.join(f'{name} = u.{name}' for name in names)}, "
                f"version = %s, updated_at = %s FROM unnest(%b::bigint[], {arrays}) AS u(id, {', '.join(names)}) "
                "WHERE e.id = u.id",
                [version, timezone.now(), [event.id for event in events], *columns.values()],
            )
        return
    rows = [
        Event(pk=event.id, version=version, **{name: values[i] for name, values in columns.items()})
        for i, event in enumerate(events)
    ]
    Event.objects.bulk_update(rows, [*columns, "version"], batch_size=500)


def _members_insert(members: list[tuple[int, int, str, float]]) -> None:
    if not members:
        return
    now = timezone.now()
    if connection.vendor == "postgresql":
        article_ids, event_ids, methods, similarities = (list(column) for column in zip(*members, strict=True))
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {EventArticle._meta.db_table} (article_id, event_id, method, similarity, joined_at) "
                "SELECT a, e, m, s, %s FROM unnest(%b::bigint[], %b::bigint[], %b::text[], %b::float8[]) AS r(a, e, m, s) "
                "ON CONFLICT (article_id) DO NOTHING",
                [now, article_ids, event_ids, methods, similarities],
            )
        return
    EventArticle.objects.bulk_create(
        [EventArticle(article_id=a, event_id=e, method=m, similarity=s) for a, e, m, s in members],
        ignore_conflicts=True,
        batch_size=1000,
    )


def events_recount(event_ids: list[int], *, emptied: bool = False) -> None:
    """Article and outlet counts, first and last article, from the memberships (0 for an emptied event)."""
    if not event_ids:
        return
    event_table, link_table = Event._meta.db_table, EventArticle._meta.db_table
    article_table = SourceArticle._meta.db_table
    if connection.vendor == "postgresql":
        where, params = "ea.event_id = ANY(%s)", [list(event_ids)]
    else:
        where, params = f"ea.event_id IN ({', '.join(['%s'] * len(event_ids))})", list(event_ids)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {event_table} SET article_count = s.n, outlet_count = s.o, first_seen_at = s.f, "
            f"last_seen_at = s.l, updated_at = %s FROM (SELECT ea.event_id AS eid, COUNT(*) AS n, "
            f"COUNT(DISTINCT a.outlet_id) AS o, MIN(COALESCE(a.published_at, a.created_at)) AS f, "
            f"MAX(COALESCE(a.published_at, a.created_at)) AS l FROM {link_table} ea "
            f"JOIN {article_table} a ON a.id = ea.article_id WHERE {where} GROUP BY ea.event_id) AS s "
            f"WHERE {event_table}.id = s.eid",
            [now, *params],
        )
    if not emptied:  # only a move or a re-clustering can leave an event with no article
        return
    empty = set(event_ids) - set(EventArticle.objects.filter(event_id__in=event_ids).values_list("event_id", flat=True))
    if empty:
        Event.objects.filter(pk__in=empty).update(article_count=0, outlet_count=0, updated_at=now)


# --- editors' moves and rebuilding -------------------------------------------


def _events_rebuild(state: ClusterState, event_ids: list[int], version: int) -> None:
    """Recompute these events' centroids and bands from their members (after a move or a re-clustering)."""
    members: dict[int, list[int]] = {}
    for article_id, event_id in EventArticle.objects.filter(event_id__in=event_ids).values_list("article_id", "event_id"):
        members.setdefault(event_id, []).append(article_id)
    articles = {a.id: a for a in _articles_read([pk for ids in members.values() for pk in ids], unclustered=False)}
    if articles:  # the weights the window gives today
        _vectors(_index_sync(state, min(a.at for a in articles.values()) - window()), list(articles.values()))
    for event_id in event_ids:
        event = EventState(id=event_id, vector={}, bands=[], first=timezone.now(), last=timezone.now(), size=0)
        for article_id in members.get(event_id, []):
            article = articles.get(article_id)
            if article is None:
                continue
            for term, weight in article.vector.items():
                event.vector[term] = event.vector.get(term, 0.0) + weight
            event.bands.extend(band for band in article.bands if band not in event.bands)
        if len(event.vector) > VECTOR_TERMS:
            event.vector = dict(sorted(event.vector.items(), key=lambda item: item[1], reverse=True)[:VECTOR_TERMS])
        outlets = sorted({articles[pk].outlet_id for pk in members.get(event_id, []) if pk in articles})
        Event.objects.filter(pk=event_id).update(
            vector=vector_pack(event.vector),
            bands=bands_pack(event.bands[-MAX_BANDS:]),
            outlets=bands_pack(outlets),
            version=version,
        )
    events_recount(event_ids, emptied=True)


def cluster_runs_hold() -> ClusterState:
    """Hold clustering back for the rest of the caller's transaction (the state row locked): an editor's
    correction takes this first, then the events it changes, in the order clustering runs take them."""
    return _state_lock()


def events_rebuild(*, state: ClusterState, event_ids: list[int]) -> None:
    """After an editor's correction (``events/services.py``), in the transaction that holds ``state``:
    these events' centroids, bands and counts rebuilt from their members, so the next articles follow
    the editor's judgement, and a new version so every process's window takes the change."""
    version = state.version + 1
    _events_rebuild(state, sorted(set(event_ids)), version)
    state.version = version
    ClusterState.objects.filter(pk=state.pk).update(version=version)


def article_move(*, article_id: int, event_id: int | None = None, user=None) -> EventArticle:
    """An editor puts an article in ``event_id`` (or in a new event of its own): kept by every later run.

    Both events' centroids are rebuilt from their members, so the next
    articles follow the editor's judgement (a wire copy of the moved article
    joins it where the editor put it). An event left empty stays, with no
    articles, for what may point at it.
    """
    with transaction.atomic():
        state = _state_lock()
        version = state.version + 1
        article = SourceArticle.objects.get(pk=article_id)
        link = EventArticle.objects.select_for_update().filter(article_id=article_id).first()
        at = article.published_at or article.created_at
        if event_id is None:
            target = Event.objects.create(title=article.title[:500], first_seen_at=at, last_seen_at=at, version=version)
        else:
            target = Event.objects.get(pk=event_id)
            while target.merged_into_id:  # merged meanwhile: its survivor
                target = Event.objects.get(pk=target.merged_into_id)
        old = link.event_id if link else None
        if link is None:
            link = EventArticle(article_id=article_id)
        link.event = target
        link.method = Method.EDITOR
        link.moved_by = user
        link.similarity = 1.0
        link.save()
        _events_rebuild(state, sorted({pk for pk in (old, target.pk) if pk}), version)
        state.version = version
        ClusterState.objects.filter(pk=state.pk).update(version=version)
    return link


def events_recluster(*, since: datetime, until: datetime | None = None) -> ClusterResult:
    """Cluster the articles published in [since, until) again from scratch; editors' placements stay.

    Their other memberships are dropped (and their terms taken out of the
    document frequencies), events left with no article are deleted (kept
    empty if something protects them), the events holding editors'
    placements are rebuilt from those, and the articles are clustered again
    in publish order.
    """
    until = until or timezone.now() + timedelta(days=1)
    ids = list(
        SourceArticle.objects.annotate(at=Coalesce("published_at", "created_at"))
        .filter(at__gte=since, at__lt=until)
        .order_by("at", "id")
        .values_list("id", flat=True)
    )
    with transaction.atomic():
        state = _state_lock()
        links = EventArticle.objects.filter(article_id__in=ids).exclude(method=Method.EDITOR)
        affected = set(links.values_list("event_id", flat=True))
        links.delete()
        version = state.version + 1
        kept = set(EventArticle.objects.filter(event_id__in=affected).values_list("event_id", flat=True))
        for event in Event.objects.filter(pk__in=affected - kept):
            try:
                event.delete()
            except ProtectedError:
                kept.add(event.pk)
        _events_rebuild(state, sorted(kept), version)
        state.version = version
        state.epoch = uuid.uuid4().hex  # deleted events: every process reads its window again
        ClusterState.objects.filter(pk=state.pk).update(version=version, epoch=state.epoch)
    total = ClusterResult()
    for start in range(0, len(ids), 1000):
        part = articles_cluster(ids[start : start + 1000])
        for name in ("articles", "started", "duplicate", "similar", "merged"):
            setattr(total, name, getattr(total, name) + getattr(part, name))
    return total


def events_summary() -> dict:
    """Counts for a command's report."""
    live = Event.objects.filter(merged_into__isnull=True, article_count__gt=0)
    return {
        "events": live.count(),
        "articles": EventArticle.objects.count(),
        **live.aggregate(largest=Max("article_count"), first=Min("first_seen_at"), latest=Max("last_seen_at")),
        "multi_outlet": live.filter(outlet_count__gt=1).count(),
        "by_method": dict(EventArticle.objects.values_list("method").annotate(n=Count("id")).order_by()),
    }
