"""Celery tasks for ingestion: thin wrappers that take ids and call sources.ingest."""

from celery import shared_task
from celery.exceptions import Retry

from .ingest import FeedUnreachable, feed_ingest, feeds_due_claim


@shared_task(
    name="sources.tasks.feed_fetch",
    autoretry_for=(FeedUnreachable,),  # network errors and timeouts only
    retry_backoff=30,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=3,
)
def feed_fetch(feed_id: int) -> dict:
    """Fetch one feed now. Safe to run twice: the lock and the upsert make a repeat harmless."""
    return feed_ingest(feed_id=feed_id).as_dict()


@shared_task(name="sources.tasks.feeds_enqueue_due")
def feeds_enqueue_due() -> int:
    """Run by beat: queue one fetch task per due feed."""
    feed_ids = feeds_due_claim()
    for feed_id in feed_ids:
        try:
            feed_fetch.delay(feed_id)
        except (FeedUnreachable, Retry):  # eager mode only (no broker): the fetch ran here and is recorded
            pass
    return len(feed_ids)
