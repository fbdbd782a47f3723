"""The delivery log's retention: finished deliveries are kept WEBHOOK_LOG_DAYS, then deleted (hourly, by beat)."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from .models import Delivery

P = Delivery.Status


def deliveries_prune(*, now=None, batch: int = 5000) -> int:
    """Delete finished deliveries (delivered, or given up) whose last attempt is older than WEBHOOK_LOG_DAYS; the
    number deleted. Pending deliveries stay whatever their age: they are still owed. In batches, so a long log
    is pruned without one long lock."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.WEBHOOK_LOG_DAYS)
    finished = Delivery.objects.filter(status__in=[P.DELIVERED, P.FAILED]).filter(
        Q(last_attempt_at__lt=cutoff) | Q(last_attempt_at__isnull=True, created_at__lt=cutoff)
    )
    deleted = 0
    while ids := list(finished.order_by("pk").values_list("pk", flat=True)[:batch]):
        deleted += Delivery.objects.filter(pk__in=ids).delete()[0]
    return deleted
