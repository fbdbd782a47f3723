"""From the change log to deliveries: what each endpoint is owed, and which deliveries may go now.

The change log is the durable outbox: its entries commit with the change. Each
endpoint keeps a cursor into it, read with the sync feed's exact order
(``changes_after``: no entry can ever appear behind a cursor handed out), so a
change committed while workers, Redis or the receiver were down is picked up by
the next run, from the after-commit step or from beat.

The changes of one object go to an endpoint one at a time, in log order: a
delivery may be sent only while no earlier delivery of the same object to the
same endpoint is still pending (``_earlier_pending``).
"""

import logging

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from newsroom.changes.feed import UnknownCursor, changes_after, changes_last

from .models import Delivery, Endpoint

logger = logging.getLogger(__name__)

PAGE = 500  # log entries read at once
PAGES_PER_RUN = 20  # an endpoint far behind catches up over several runs, a page at a time
DUE_PER_RUN = 1000

P = Delivery.Status


def deliveries_create() -> int:
    """Write a delivery for each new log entry every active endpoint wants, and move its cursor; the number written."""
    written = 0
    for endpoint in Endpoint.objects.filter(active=True).only("pk", "cursor", "kinds"):
        written += _endpoint_catch_up(endpoint)
    return written


def _endpoint_catch_up(endpoint: Endpoint) -> int:
    written, cursor = 0, endpoint.cursor
    for _ in range(PAGES_PER_RUN):
        try:
            # Read outside a writing transaction: the feed's bound must not take in this process's own writes.
            page = changes_after(since=cursor, limit=PAGE)
        except UnknownCursor:
            logger.error("webhook endpoint %s: cursor %s is not in the change log; starting from its end", endpoint.pk, cursor)
            page = None
        with transaction.atomic():
            new_cursor = changes_last() if page is None else page.next_cursor
            # Another run that read the same page moved the cursor first: it wrote these deliveries.
            if not Endpoint.objects.filter(pk=endpoint.pk, cursor=cursor).update(cursor=new_cursor):
                return written
            wanted = [e for e in (page.entries if page else []) if endpoint.wants(e.kind)]
            Delivery.objects.bulk_create(
                [
                    Delivery(
                        endpoint_id=endpoint.pk, change_id=e.id, cursor=e.id, kind=e.kind, object_id=e.object_id,
                        slug=e.slug[:200], next_attempt_at=timezone.now(),
                    )
                    for e in wanted
                ],
                ignore_conflicts=True,
            )  # fmt: skip
        written += len(wanted)
        cursor = new_cursor
        if page is None or not page.has_more:
            break
    return written


def _earlier_pending():
    return Delivery.objects.filter(
        endpoint=OuterRef("endpoint"),
        kind=OuterRef("kind"),
        object_id=OuterRef("object_id"),
        status=P.PENDING,
        pk__lt=OuterRef("pk"),
    )


def deliverable():
    """Deliveries that may be attempted now: pending, due, their endpoint active, first of their object's queue."""
    return Delivery.objects.filter(status=P.PENDING, next_attempt_at__lte=timezone.now(), endpoint__active=True).exclude(
        Exists(_earlier_pending())
    )


def deliveries_due(*, limit: int = DUE_PER_RUN) -> list[int]:
    """The ids of deliveries to attempt now, oldest first."""
    return list(deliverable().order_by("pk").values_list("pk", flat=True)[:limit])


def delivery_next_of(delivery: Delivery) -> int | None:
    """The next pending delivery of the same object to the same endpoint, if any (to send once this one is done)."""
    return (
        Delivery.objects.filter(
            endpoint_id=delivery.endpoint_id,
            kind=delivery.kind,
            object_id=delivery.object_id,
            status=P.PENDING,
            pk__gt=delivery.pk,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
