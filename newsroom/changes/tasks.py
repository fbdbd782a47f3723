"""Celery tasks of the public-change pipeline."""

from celery import shared_task

from .reconcile import changes_reconcile


@shared_task(name="changes.tasks.reconcile", acks_late=True)
def reconcile() -> int:
    """Purge again the pages of recent public changes, in case a purge was lost (run each minute by beat)."""
    return changes_reconcile()
