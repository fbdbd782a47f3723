"""Celery tasks for stories: thin wrappers around the workflow."""

from celery import shared_task

from .workflow import story_publish_due


@shared_task(name="stories.tasks.publish_scheduled_stories", acks_late=True)
def publish_scheduled_stories() -> list[int]:
    """Publish every scheduled story that is due (run each minute by beat). Safe to run twice."""
    return [story.pk for story in story_publish_due()]
