"""Writes of endpoints and deliveries: what the admin's forms and actions call."""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from newsroom.auth import display_name
from newsroom.changes.feed import changes_last
from newsroom.public_http import AddressRefused, HostUnresolvable, public_addresses

from .delivery import Answer, event_body, event_post, host_private_allowed
from .models import Delivery, Endpoint, secret_new
from .tasks import dispatch

P = Delivery.Status


def endpoint_url_problem(url: str) -> str:
    """Why ``url`` cannot be an endpoint ('' when it can): https only (unless WEBHOOK_ALLOW_HTTP), a public host."""
    parts = urlsplit(url)
    if parts.scheme != "https" and not (parts.scheme == "http" and settings.WEBHOOK_ALLOW_HTTP):
        return "Use an https:// address: the changes are public, but the signature and the receiver's answers are not."
    if parts.username or parts.password:
        return "Leave credentials out of the address: the signature is how the receiver knows it is us."
    host = (parts.hostname or "").lower()
    if not host:
        return "The address has no host."
    if not host_private_allowed(host):
        try:
            public_addresses(
                host, parts.port or (443 if parts.scheme == "https" else 80), url, setting="WEBHOOK_ALLOW_PRIVATE_HOSTS"
            )
        except AddressRefused as exc:
            return f"Refused: {exc}. Webhooks go to public addresses only."
        except HostUnresolvable:
            pass  # perhaps not in DNS yet: every attempt checks again
    return ""


@transaction.atomic
def endpoint_save(*, endpoint: Endpoint, actor=None) -> Endpoint:
    """Save ``endpoint``; a new one receives the changes from now on, not the log's history."""
    if endpoint.pk is None:
        endpoint.cursor = changes_last()
        endpoint.created_by = actor
    endpoint.save()
    return endpoint


def endpoint_secret_rotate(*, endpoint: Endpoint) -> Endpoint:
    """A new secret; the old one still signs (a second ``v1=``) for ``WEBHOOK_SECRET_OVERLAP``."""
    endpoint.previous_secret, endpoint.secret = endpoint.secret, secret_new()
    endpoint.previous_secret_until = timezone.now() + settings.WEBHOOK_SECRET_OVERLAP
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_until", "updated_at"])
    return endpoint


def endpoint_disable(*, endpoint: Endpoint, actor) -> Endpoint:
    """Stop sending: changes wait, as pending deliveries or in the log, until it is enabled again."""
    endpoint.active = False
    endpoint.disabled_at = timezone.now()
    endpoint.disabled_reason = f"Disabled by {display_name(actor)}."
    endpoint.save(update_fields=["active", "disabled_at", "disabled_reason", "updated_at"])
    return endpoint


def endpoint_enable(*, endpoint: Endpoint) -> Endpoint:
    """Send again: what waited goes now (oldest first, in order per object), its failure count cleared."""
    with transaction.atomic():
        endpoint.active, endpoint.disabled_at, endpoint.disabled_reason = True, None, ""
        endpoint.consecutive_failures, endpoint.failing_since = 0, None
        endpoint.save(
            update_fields=["active", "disabled_at", "disabled_reason", "consecutive_failures", "failing_since", "updated_at"]
        )
        endpoint.deliveries.filter(status=P.PENDING).update(next_attempt_at=timezone.now())
    transaction.on_commit(dispatch.delay)
    return endpoint


def deliveries_retry(*, deliveries) -> int:
    """Send the given deliveries again now (one more attempt for those that gave up); the number queued."""
    with transaction.atomic():
        count = (
            deliveries.exclude(kind=Delivery.PING)
            .exclude(status=P.DELIVERED)
            .update(status=P.PENDING, next_attempt_at=timezone.now())
        )
    transaction.on_commit(dispatch.delay)
    return count


def endpoint_ping(*, endpoint: Endpoint) -> Delivery:
    """POST a ``ping`` event now (from the admin) and log it; it does not count towards disabling."""
    delivery = Delivery.objects.create(endpoint=endpoint, kind=Delivery.PING, status=P.PENDING, next_attempt_at=None)
    body, action = event_body(delivery)
    answer: Answer = event_post(endpoint=endpoint, body=body, event_id=str(delivery.event_id), kind=Delivery.PING)
    now = timezone.now()
    delivery.status = P.DELIVERED if answer.ok else P.FAILED
    delivery.delivered_at = now if answer.ok else None
    delivery.attempts, delivery.last_attempt_at, delivery.action = 1, now, action
    delivery.response_status, delivery.response_excerpt, delivery.error = answer.status, answer.excerpt, answer.error
    delivery.save()
    return delivery
