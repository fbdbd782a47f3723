"""Search over live stories.

On PostgreSQL: full-text search on a stored, weighted document per live
story (headline A, summary B, section text, claims and topic names C) in the
``newsroom_search`` text-search configuration, which is English stemming
behind the ``unaccent`` dictionary, so "Pérez" and "perez" find each other.
Results are ranked, with a highlighted snippet from ``ts_headline``.

On SQLite (the embedded default): every word must appear in the headline,
summary, text or a topic name, compared case-insensitively; headline matches
rank first. Same result shape, so the view and template do not care.

Only ``Story.objects.live()`` is searched; the stored documents are only a
ranking aid refreshed when a story is published (``story_search_index``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import Case, F, FloatField, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Length, Replace, Substr
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import Story
from .selectors import story_list_live

SEARCH_CONFIG = "newsroom_search"
MAX_QUERY_LENGTH = 200
_LIST_FIELDS = ("id", "live_slug", "live_headline", "live_summary", "first_published_at", "last_published_at")
# Private-use characters mark the highlighted words until the text is escaped.
_START, _STOP = "\ue000", "\ue001"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ue000\ue001]")


def search_query_clean(raw: str | None) -> str:
    """The reader's query made safe to search: no control characters, bounded length."""
    text = _CONTROL.sub(" ", raw or "")
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


@dataclass
class SearchHit:
    story: Story
    snippet: SafeString


def _highlight(text: str) -> SafeString:
    return mark_safe(escape(text).replace(_START, "<mark>").replace(_STOP, "</mark>"))


def story_search(*, query: str) -> QuerySet[Story]:
    """Live stories matching ``query``, best first, each with a ``snippet`` attribute."""
    query = search_query_clean(query)
    if not query:
        return story_list_live().none()
    if connection.vendor == "postgresql":
        return _search_postgres(query)
    return _search_simple(query)


# The searchable text after the headline and the standfirst (which the result
# already shows): the sections, then the claims. ``snapshot_search_text`` joins
# the non-empty parts with newlines, so an empty summary adds no separator.
# Substr counts from 1.
_BODY_TEXT = Substr(
    "live_search_text",
    Case(
        When(live_summary="", then=Length("live_headline") + Value(2)),
        default=Length("live_headline") + Length("live_summary") + Value(3),
    ),
)


# Headings and paragraphs are lines of the text: a snippet shows each break as
# this mark, so a heading never reads as the first words of its section's text.
_BREAK = " · "


def _body_offset(*, headline: str, summary: str) -> int:
    """Where the sections start in ``live_search_text`` (0-based; see ``_BODY_TEXT``)."""
    return len(headline) + 1 + (len(summary) + 1 if summary else 0)


def _search_postgres(query: str) -> QuerySet[Story]:
    ts_query = SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")
    return (
        story_list_live()
        .filter(search_document__vector=ts_query)
        .annotate(
            rank=SearchRank(F("search_document__vector"), ts_query, normalization=Value(32)), snippet_raw=_headline(ts_query)
        )
        .order_by("-rank", "-first_published_at", "-id")
    )


def _headline(ts_query: SearchQuery) -> SearchHeadline:
    """The passages of the sections that match, the matched words between the marks (``_highlight``)."""
    return SearchHeadline(
        Replace(_BODY_TEXT, Value("\n"), Value(_BREAK)),
        ts_query,
        config=SEARCH_CONFIG,
        start_sel=_START,
        stop_sel=_STOP,
        max_words=35,
        min_words=15,
        max_fragments=2,
        fragment_delimiter=" … ",
    )


def _simple_rank(term: str) -> Case:
    """SQLite: the first word in the headline ranks 3, in the summary 2, elsewhere 1."""
    return Case(
        When(live_headline__icontains=term, then=Value(3)),
        When(live_summary__icontains=term, then=Value(2)),
        default=Value(1),
        output_field=IntegerField(),
    )


def _simple_ids(query: str) -> QuerySet:
    """SQLite: the ids of live stories with every word of ``query`` in the headline, summary, text or a topic."""
    matches = Q()
    for term in query.split()[:10]:
        matches &= (
            Q(live_headline__icontains=term)
            | Q(live_summary__icontains=term)
            | Q(live_search_text__icontains=term)
            | Q(live_topics__name__icontains=term)
        )
    return story_list_live().filter(matches).values("id")


def _search_simple(query: str) -> QuerySet[Story]:
    return (
        story_list_live()
        .filter(id__in=_simple_ids(query))
        .annotate(rank=_simple_rank(query.split()[0]))
        .only(*_LIST_FIELDS, "live_search_text")  # the snippet is cut in Python
        .order_by("-rank", "-first_published_at", "-id")
    )


def story_search_ranked(queryset: QuerySet[Story], *, query: str) -> QuerySet[Story]:
    """``queryset`` (live stories) narrowed to those matching ``query``, best first, for the API's lists.

    Each row gets ``rank`` (a number: higher is better; double precision on PostgreSQL so that a cursor
    holding it compares exactly) and, on PostgreSQL, ``snippet_raw``; ``search_hits`` makes the snippets.
    Ties in rank go newest first by id, which keeps keyset cursors exact.
    """
    query = search_query_clean(query)
    if not query:
        return queryset
    if connection.vendor == "postgresql":
        ts_query = SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")
        rank = Cast(SearchRank(F("search_document__vector"), ts_query, normalization=Value(32)), FloatField())
        return (
            queryset.filter(search_document__vector=ts_query)
            .annotate(rank=rank, snippet_raw=_headline(ts_query))
            .order_by("-rank", "-id")
        )
    return (
        queryset.filter(id__in=_simple_ids(query))
        .annotate(rank=_simple_rank(query.split()[0]), search_text=F("live_search_text"))  # the snippet is cut in Python
        .order_by("-rank", "-id")
    )


def search_hits(*, stories, query: str) -> list[SearchHit]:
    """Attach a highlighted snippet to each story of one page of results."""
    query = search_query_clean(query)
    hits = []
    for story in stories:
        raw = getattr(story, "snippet_raw", None)
        if raw is None:
            text = getattr(story, "search_text", None)
            text = story.live_search_text if text is None else text
            body = text[_body_offset(headline=story.live_headline, summary=story.live_summary) :]
            raw = _snippet_simple(body, query.split())
        hits.append(SearchHit(story=story, snippet=_highlight(raw)))
    return hits


def _snippet_simple(text: str, terms: list[str], width: int = 220) -> str:
    """About ``width`` characters of ``text`` around the first term found, terms marked."""
    lowered = text.lower()
    positions = [p for p in (lowered.find(t.lower()) for t in terms) if p >= 0]
    start = max(0, min(positions, default=0) - width // 3)
    excerpt = text[start : start + width].replace("\n", _BREAK)
    if terms:
        pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
        excerpt = pattern.sub(lambda m: f"{_START}{m.group(0)}{_STOP}", excerpt)
    return ("… " if start else "") + excerpt + (" …" if start + width < len(text) else "")


# --- the stored documents ------------------------------------------------------

_INDEX_SQL = f"""
INSERT INTO stories_storysearchdocument (story_id, vector)
SELECT s.id,
    setweight(to_tsvector('{SEARCH_CONFIG}', coalesce(s.live_headline, '')), 'A')
    || setweight(to_tsvector('{SEARCH_CONFIG}', coalesce(s.live_summary, '')), 'B')
    || setweight(to_tsvector('{SEARCH_CONFIG}', coalesce(s.live_search_text, '')), 'C')
    || setweight(to_tsvector('{SEARCH_CONFIG}', coalesce((
        SELECT string_agg(t.name, ' ') FROM stories_story_live_topics lt
        JOIN topics_topic t ON t.id = lt.topic_id WHERE lt.story_id = s.id), '')), 'C')
FROM stories_story s
WHERE s.live_revision_id IS NOT NULL {{where}}
ON CONFLICT (story_id) DO UPDATE SET vector = EXCLUDED.vector
"""


def story_search_index(*, story_ids: list[int] | None = None) -> None:
    """(Re)build the search documents of ``story_ids`` (all stories with a live revision when None)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        if story_ids is None:
            cursor.execute(_INDEX_SQL.format(where=""))
        elif story_ids:
            cursor.execute(_INDEX_SQL.format(where="AND s.id = ANY(%s)"), [list(story_ids)])
