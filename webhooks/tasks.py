"""Celery tasks of webhook delivery: thin wrappers, safe to run twice."""

from celery import shared_task

from .delivery import delivery_attempt
from .dispatch import deliveries_create, deliveries_due
from .log import deliveries_prune


@shared_task(name="webhooks.tasks.dispatch", acks_late=True, ignore_result=True)
def dispatch() -> int:
    """Write the deliveries new changes owe, and queue every delivery due now (after each change, and by beat)."""
    deliveries_create()
    due = deliveries_due()
    for delivery_id in due:
        deliver.delay(delivery_id)
    return len(due)


@shared_task(bind=True, name="webhooks.tasks.deliver", acks_late=True, ignore_result=True, max_retries=None)
def deliver(self, delivery_id: int) -> bool:
    """One attempt of one delivery; after a failure, again with exponential backoff (the row says when)."""
    outcome = delivery_attempt(delivery_id=delivery_id)
    for following in outcome.then:  # the object's next change, free to go now
        deliver.delay(following)
    # In-process (no broker) a retry would run at once, in the editor's request: beat or the next change retries instead.
    if outcome.retry_in is not None and not self.request.is_eager:
        raise self.retry(countdown=outcome.retry_in + 0.05)
    return outcome.delivered


@shared_task(name="webhooks.tasks.prune", ignore_result=True)
def prune() -> int:
    """Delete the delivery log's finished entries past their retention (WEBHOOK_LOG_DAYS)."""
    return deliveries_prune()
