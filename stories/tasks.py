"""Celery tasks for stories: thin wrappers around the workflow."""

from celery import shared_task

from .receivers import page_cache_reconcile
from .workflow import story_publish_due


@shared_task(name="stories.tasks.publish_scheduled_stories", acks_late=True)
def publish_scheduled_stories() -> list[int]:
    """Publish every scheduled story that is due (run each minute by beat). Safe to run twice."""
    return [story.pk for story in story_publish_due()]


@shared_task(name="stories.tasks.page_cache_reconcile", acks_late=True)
def reconcile_page_cache() -> int:
    """Purge again the pages of recent public changes, in case a purge was lost (run each minute by beat)."""
    return page_cache_reconcile()
