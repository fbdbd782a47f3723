"""The ingestion pipeline for one feed, its lock, its health, and the due-feed claim."""

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from urllib.parse import urljoin

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from ..models import Feed
from .fetch import FetchError, feed_http_get
from .normalise import entry_normalise
from .parse import NotAFeed, feed_parse
from .store import UpsertStats, articles_upsert

logger = logging.getLogger(__name__)


class FeedUnreachable(Exception):
    """A network failure or timeout (already recorded in the feed's health); worth a retry."""


@dataclass(slots=True)
class IngestResult:
    feed_id: int
    status: str
    items: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    error: str = ""
    parser: str = ""
    new_ids: list[int] = field(default_factory=list, repr=False)

    def as_dict(self) -> dict:
        return {key: getattr(self, key) for key in self.__slots__ if key != "new_ids"}


def _lock_key(feed_id: int) -> str:
    return f"sources:feed-fetch-lock:{feed_id}"


def feed_ingest(*, feed_id: int) -> IngestResult:
    """Fetch, parse, store and match one feed, and record how it went.

    Holds a per-feed lock in the shared cache for the whole run, so the same
    feed is never fetched twice at once (a second caller returns at once with
    status "locked"). Every outcome, however broken the feed, ends in the
    feed's health fields; only a network failure raises (FeedUnreachable),
    after recording it, so the Celery task can retry.
    """
    token = uuid.uuid4().hex
    key = _lock_key(feed_id)
    if not cache.add(key, token, timeout=settings.FEED_LOCK_SECONDS):
        return IngestResult(feed_id=feed_id, status="locked")
    try:
        feed = Feed.objects.select_related("outlet").get(pk=feed_id)
        result = _ingest(feed)
        after_store(result.new_ids)
        return result
    finally:
        if cache.get(key) == token:
            cache.delete(key)


def after_store(article_ids: list[int]) -> None:
    """Hand the ids of newly stored articles to each step ``settings.INGEST_AFTER_STORE`` names, after commit.

    The steps live in the apps above this one (event clustering), which
    sources never imports. A Celery task is queued (run here when tasks are
    eager); a failing step is logged and never fails the ingestion: the
    articles are stored, and the step's own sweep picks them up later.
    """
    if not article_ids:
        return
    for path in settings.INGEST_AFTER_STORE:
        transaction.on_commit(partial(_after_store_step, path, list(article_ids)))


def _after_store_step(path: str, article_ids: list[int]) -> None:
    try:
        step = import_string(path)
        if hasattr(step, "delay"):
            step.delay(article_ids)
        else:
            step(article_ids)
    except Exception:
        logger.exception("after-store step %s failed for %d articles", path, len(article_ids))


def _ingest(feed: Feed) -> IngestResult:
    try:
        response = feed_http_get(url=feed.url, etag=feed.etag, last_modified=feed.last_modified)
        if response.not_modified:
            feed_health_record(feed=feed, status=Feed.Status.NOT_MODIFIED, http_status=304)
            return IngestResult(feed_id=feed.pk, status=Feed.Status.NOT_MODIFIED)
        parsed = feed_parse(body=response.body, content_type=response.content_type)
        language = parsed.language or feed.outlet.language
        # Relative links are relative to the site (the feed's own <link>), else to the feed's URL.
        base = urljoin(response.url, parsed.link) if parsed.link else response.url
        entries = [entry_normalise(raw, base_url=base, feed_language=language) for raw in parsed.entries]
        del parsed.entries[:]  # free the raw entries before storing
        usable = [entry for entry in entries if entry is not None]
        stats = articles_upsert(feed=feed, entries=usable)
    except FetchError as exc:
        feed_health_record(feed=feed, status=exc.status, http_status=exc.http_status, error=str(exc))
        if exc.retryable:
            raise FeedUnreachable(str(exc)) from exc
        return IngestResult(feed_id=feed.pk, status=exc.status, error=str(exc))
    except NotAFeed as exc:
        feed_health_record(feed=feed, status=Feed.Status.NOT_A_FEED, http_status=response.status_code, error=str(exc))
        return IngestResult(feed_id=feed.pk, status=Feed.Status.NOT_A_FEED, error=str(exc))
    except Exception as exc:  # no input may crash the worker: record it and move on
        logger.exception("feed %s (%s) failed", feed.pk, feed.url)
        error = f"{type(exc).__name__}: {exc}"
        feed_health_record(feed=feed, status=Feed.Status.ERROR, error=error)
        return IngestResult(feed_id=feed.pk, status=Feed.Status.ERROR, error=error)

    if parsed.malformed:
        status = Feed.Status.LENIENT
    elif not entries:
        status = Feed.Status.EMPTY
    else:
        status = Feed.Status.OK
    skipped = len(entries) - len(usable)
    note = parsed.warning
    if skipped:
        note = f"{note}; " if note else ""
        note += f"{skipped} entr{'y' if skipped == 1 else 'ies'} without a usable link skipped"
    feed_health_record(
        feed=feed,
        status=status,
        http_status=response.status_code,
        error=note,
        items=len(entries),
        stats=stats,
        etag=response.etag,
        last_modified=response.last_modified,
    )
    return IngestResult(
        feed_id=feed.pk,
        status=status,
        items=len(entries),
        new=stats.new,
        updated=stats.updated,
        unchanged=stats.unchanged,
        skipped=skipped,
        error=note,
        parser=parsed.parser,
        new_ids=stats.new_ids,
    )


def feed_next_fetch(*, feed: Feed, failures: int, now: datetime) -> datetime:
    """Healthy: one interval on. Failing: the interval doubled per failure, capped."""
    interval = feed.fetch_interval or timedelta(minutes=15)
    if failures <= 0:
        return now + interval
    delay = min(interval * (2 ** min(failures, 16)), settings.FEED_BACKOFF_MAX)
    return now + max(delay, interval)


def feed_health_record(
    *,
    feed: Feed,
    status: str,
    http_status: int | None = None,
    error: str = "",
    items: int | None = None,
    stats: UpsertStats | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
) -> None:
    """Write the outcome of one fetch to the feed row (one UPDATE, nothing else)."""
    now = timezone.now()
    healthy = status in Feed.HEALTHY
    failures = 0 if healthy else feed.consecutive_failures + 1
    values = {
        "last_fetched_at": now,
        "last_status": status,
        "last_http_status": http_status,
        "last_error": error[:2000],
        "consecutive_failures": failures,
        "next_fetch_at": feed_next_fetch(feed=feed, failures=failures, now=now),
    }
    last_new = feed.last_new_article_at
    if items is not None:
        values["items_seen"] = items
    if stats is not None and stats.new:
        values["articles_added"] = F("articles_added") + stats.new
        values["last_new_article_at"] = last_new = now
    if etag is not None:
        values["etag"] = etag
    if last_modified is not None:
        values["last_modified"] = last_modified
    values["is_quiet"] = (last_new or feed.created_at) < now - feed.quiet_after
    Feed.objects.filter(pk=feed.pk).update(**values)


def feeds_due_claim(*, limit: int = 1000, now: datetime | None = None) -> list[int]:
    """Claim the active feeds that are due, oldest first, and push their next fetch out by a lease.

    The lease stops the next beat tick from enqueueing a feed again while its
    task waits in the queue; the fetch itself then sets the real next time.
    ``skip_locked`` lets two schedulers run side by side without claiming the same rows.
    """
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            Feed.objects.select_for_update(skip_locked=True)
            .filter(Q(next_fetch_at__isnull=True) | Q(next_fetch_at__lte=now), is_active=True)
            .order_by(F("next_fetch_at").asc(nulls_first=True), "id")
            .values_list("id", flat=True)[:limit]
        )
        if ids:
            Feed.objects.filter(pk__in=ids).update(next_fetch_at=now + settings.FEED_CLAIM_LEASE)
    return ids
