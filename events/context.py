"""Topic matches an event supports: the matcher run again over an event's articles, each with the others as context.

Matching at ingestion sees one article. A headline naming only "Chávez" is not
linked to *Betssy Chávez* unless the article itself names her in full or
speaks of what she is known for; once it has joined an event whose other
articles do, the event is the context (``topics/matching.py``). Context only
supports a match the article's own text makes (a surname, a common-word name):
it adds no topic of its own. Links already stored are kept as they are, so a
second run changes nothing, and a match an editor removed is never added back.

Only the articles whose own text has such a name waiting for context are matched
again (``TopicMatcher.needs_context``, remembered per article and matcher in the
process and clustering epoch): for the others the event can add nothing to what ingestion stored, and
an event none of whose articles waits for context is not read further than its
members' ids.
"""

from django.db import connection
from django.db.models import F, Window
from django.db.models.functions import RowNumber

from sources.ingest import article_groups_topics_match
from sources.models import SourceArticle
from topics.matching import article_text, topic_matcher_get

from .clustering import ids_where, window_index_for_database
from .models import EventArticle

CONTEXT_ARTICLES = 20  # an event's most recent articles, matched again and each one's context

_needs: dict = {"matcher": None, "epoch": None, "ids": {}}  # article id → whether context could add to its matches


def event_topics_match(*, article_ids: list[int]) -> int:
    """Match again the recent articles of the events that ``article_ids`` are in, each with its event's other
    articles as context; returns how many links were offered (stored ones are kept)."""
    link_table = EventArticle._meta.db_table
    event_ids = [pk for (pk,) in _rows(f"SELECT DISTINCT event_id FROM {link_table} WHERE", "article_id", article_ids)]
    if not event_ids:
        return 0
    matcher = topic_matcher_get()
    if matcher.is_empty:
        return 0
    # Remembered for this matcher and this database's clustering epoch (a database emptied and filled again,
    # as the tests do, or clustered again from scratch, may give an id to another article).
    epoch = window_index_for_database().epoch
    if _needs["matcher"] is not matcher or _needs["epoch"] != epoch or len(_needs["ids"]) > 500_000:
        _needs.update(matcher=matcher, epoch=epoch, ids={})
    needs: dict[int, bool] = _needs["ids"]
    # The events' members (ids only), and which of them wait for context; only those events are read further.
    members: dict[int, list[int]] = {}
    for event_id, pk in _rows(f"SELECT event_id, article_id FROM {link_table} WHERE", "event_id", event_ids):
        members.setdefault(event_id, []).append(pk)
    texts = _texts([pk for ids in members.values() if len(ids) > 1 for pk in ids if pk not in needs])
    for pk, text in texts.items():
        needs[pk] = matcher.needs_context(text)
    waiting = [event_id for event_id, ids in members.items() if len(ids) > 1 and any(needs.get(pk) for pk in ids)]
    if not waiting:
        return 0
    rows = (
        SourceArticle.objects.filter(event_link__event_id__in=waiting)
        .annotate(
            event_id=F("event_link__event_id"),
            recent=Window(
                RowNumber(), partition_by=F("event_link__event_id"), order_by=[F("published_at").desc(nulls_last=True)]
            ),
        )
        .filter(recent__lte=CONTEXT_ARTICLES)
        .values_list("id", "event_id")
    )
    recent: dict[int, list[int]] = {}
    for pk, event_id in rows:
        recent.setdefault(event_id, []).append(pk)
    # An event of one article: nothing more than ingestion saw.
    groups = [ids for ids in recent.values() if len(ids) > 1 and any(needs.get(pk) for pk in ids)]
    texts.update(_texts([pk for ids in groups for pk in ids if pk not in texts]))
    return article_groups_topics_match(
        groups=[[(pk, texts.get(pk, "")) for pk in ids] for ids in groups],
        only=lambda pk: needs.get(pk, False),
    )


def _texts(ids: list[int]) -> dict[int, str]:
    rows = _rows(f"SELECT id, title, summary FROM {SourceArticle._meta.db_table} WHERE", "id", ids)
    return {pk: article_text(title, summary) for pk, title, summary in rows}


def _rows(select: str, column: str, values: list[int]) -> list[tuple]:
    """``select`` … WHERE ``column`` among ``values``: one array parameter on PostgreSQL (``clustering.ids_where``),
    not a thousand placeholders for Django to build and the driver to parse."""
    if not values:
        return []
    where, params = ids_where(column, values)
    with connection.cursor() as cursor:
        cursor.execute(f"{select} {where}", params)
        return cursor.fetchall()
