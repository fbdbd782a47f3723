"""The delivery log keeps finished deliveries WEBHOOK_LOG_DAYS, never a pending one."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from webhooks.log import deliveries_prune
from webhooks.models import Delivery
from webhooks.tasks import prune

pytestmark = pytest.mark.django_db
P = Delivery.Status


def _delivery(hook, status, *, age_days: float, attempted: bool = True) -> Delivery:
    when = timezone.now() - timedelta(days=age_days)
    delivery = Delivery.objects.create(
        endpoint=hook, kind="story", object_id=1, status=status, last_attempt_at=when if attempted else None
    )
    Delivery.objects.filter(pk=delivery.pk).update(created_at=when)  # auto_now_add: set after
    return delivery


def test_finished_deliveries_past_the_retention_go_and_pending_ones_stay(hook):
    days = settings.WEBHOOK_LOG_DAYS
    old_delivered = _delivery(hook, P.DELIVERED, age_days=days + 1)
    old_failed = _delivery(hook, P.FAILED, age_days=days + 5)
    old_never_attempted = _delivery(hook, P.FAILED, age_days=days + 1, attempted=False)
    old_pending = _delivery(hook, P.PENDING, age_days=days + 30)
    recent_delivered = _delivery(hook, P.DELIVERED, age_days=days - 1)
    recent_failed = _delivery(hook, P.FAILED, age_days=1)

    assert prune.delay().get() == 3

    kept = set(Delivery.objects.values_list("pk", flat=True))
    assert kept == {old_pending.pk, recent_delivered.pk, recent_failed.pk}
    assert not kept & {old_delivered.pk, old_failed.pk, old_never_attempted.pk}
    assert prune.delay().get() == 0  # run again: nothing more to delete


def test_a_long_log_is_pruned_in_batches_to_the_last_entry(hook, settings):
    settings.WEBHOOK_LOG_DAYS = 7
    when = timezone.now() - timedelta(days=8)
    Delivery.objects.bulk_create(
        [Delivery(endpoint=hook, kind="story", object_id=n, status=P.DELIVERED, last_attempt_at=when) for n in range(120)]
    )
    assert deliveries_prune(batch=50) == 120
    assert not Delivery.objects.exists()


def test_beat_prunes_the_log_every_hour():
    (entry,) = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == prune.name]
    assert entry["schedule"] == timedelta(hours=1)
