"""Ingestion: fetch → parse → normalise → dedupe → store → match topics.

One module per step; ``feed_ingest`` runs them for one feed and records its
health. Celery tasks (``sources/tasks.py``), the admin's “fetch now” and
``manage.py ingest`` all call it.
"""

from .fetch import FetchError, FetchResponse, feed_http_get
from .normalise import Entry, entry_normalise, text_plain, url_canonical
from .parse import NotAFeed, ParsedFeed, feed_parse
from .pipeline import FeedUnreachable, IngestResult, feed_health_record, feed_ingest, feed_next_fetch, feeds_due_claim
from .store import UpsertStats, article_groups_topics_match, article_topics_match, articles_upsert

__all__ = [
    "Entry",
    "FeedUnreachable",
    "FetchError",
    "FetchResponse",
    "IngestResult",
    "NotAFeed",
    "ParsedFeed",
    "UpsertStats",
    "article_groups_topics_match",
    "article_topics_match",
    "articles_upsert",
    "entry_normalise",
    "feed_health_record",
    "feed_http_get",
    "feed_ingest",
    "feed_next_fetch",
    "feed_parse",
    "feeds_due_claim",
    "text_plain",
    "url_canonical",
]
