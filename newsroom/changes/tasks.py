"""Celery tasks of the public-change pipeline."""

from celery import shared_task
from django.conf import settings

from newsroom.edge import keys_purge, purge_backoff

from .reconcile import changes_reconcile


@shared_task(name="changes.tasks.reconcile", acks_late=True)
def reconcile() -> int:
    """Purge again the pages of recent public changes, in case a purge was lost (run each minute by beat)."""
    return changes_reconcile()


@shared_task(bind=True, name="changes.tasks.edge_purge", acks_late=True, ignore_result=True, max_retries=None)
def edge_purge(self, keys: list[str], urls: list[str] | None = None) -> bool:
    """Purge ``keys`` at the edges ``urls`` (None: all); the ones that fail again later, with backoff, a bounded
    number of times (``EDGE_PURGE_MAX_ATTEMPTS``). Safe to run twice: a purge only ever makes the edge fetch again."""
    failed = keys_purge(keys, urls=urls)
    if failed and self.request.retries + 1 < settings.EDGE_PURGE_MAX_ATTEMPTS and not self.request.is_eager:
        raise self.retry(args=(keys, failed), countdown=purge_backoff(self.request.retries + 1))
    return not failed
