"""Celery tasks for events: thin wrappers that take ids and call events.clustering."""

from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from sources.models import SourceArticle

from . import clustering
from .context import event_topics_match

PENDING_LIMIT = 5000


@shared_task(name="events.tasks.articles_cluster")
def articles_cluster(article_ids: list[int]) -> dict:
    """Cluster newly stored articles (settings.INGEST_AFTER_STORE), then match their events' articles to topics
    again with the event as context (``context.py``). Delivered twice, the second run changes nothing."""
    result = clustering.articles_cluster(article_ids).as_dict()
    result["context_links"] = event_topics_match(article_ids=article_ids)
    return result


@shared_task(name="events.tasks.articles_cluster_pending")
def articles_cluster_pending() -> dict:
    """Run by beat: articles of the window that are in no event (their task was lost) are clustered now."""
    since = timezone.now() - clustering.window()
    recent = Q(published_at__gte=since) | Q(published_at__isnull=True, created_at__gte=since)
    ids = list(
        SourceArticle.objects.filter(recent, event_link__isnull=True)
        .order_by("published_at", "id")
        .values_list("id", flat=True)[:PENDING_LIMIT]
    )
    return clustering.articles_cluster(ids).as_dict()
