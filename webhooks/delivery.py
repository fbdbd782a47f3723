"""One attempt of one delivery: build the body, sign it, POST it, record the answer.

The body carries the object's public detail *at sending time*, as the sync feed
sends it (``public_details``): a retry after the object was taken down sends a
tombstone, so a draft or withdrawn text never goes out. Redirects are not
followed, and the endpoint's host must be a public address on every attempt
(``newsroom/public_http.py``, as for feeds), unless ``WEBHOOK_ALLOW_PRIVATE_HOSTS``.
"""

import json
import logging
import random
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta

import httpx
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from newsroom.changes.models import ChangeEvent
from newsroom.public_http import AddressRefused, HostUnresolvable, public_only_client
from stories.api.sync import public_details

from .dispatch import deliverable, delivery_next_of
from .models import Delivery, Endpoint
from .signing import HEADER, signature_header

logger = logging.getLogger(__name__)

P = Delivery.Status
EXCERPT = 500
_local = threading.local()


@dataclass
class Outcome:
    """What an attempt did: ``retry_in`` seconds when it failed and will be tried again; ``then``: deliveries now free to go."""

    attempted: bool = False
    delivered: bool = False
    retry_in: float | None = None
    then: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Answer:
    status: int | None
    excerpt: str
    error: str

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300 and not self.error


def backoff(attempts: int) -> float:
    """Seconds before the next attempt after ``attempts`` failed ones: doubling, capped, with a little jitter."""
    delay = min(settings.WEBHOOK_BACKOFF_BASE * 2 ** (attempts - 1), settings.WEBHOOK_BACKOFF_MAX)
    return delay * random.uniform(1.0, 1.1)


def delivery_attempt(*, delivery_id: int) -> Outcome:
    """Attempt ``delivery_id`` if it is due and first of its object's queue; safe to call twice at once."""
    now = timezone.now()
    if not deliverable().filter(pk=delivery_id).exists():
        return Outcome()  # sent already, not due, its endpoint disabled, or an earlier change of its object still waits
    # The claim: of two workers holding the same task, one moves the time and goes on; the other stops here.
    lease = now + settings.WEBHOOK_CLAIM_LEASE
    if not Delivery.objects.filter(pk=delivery_id, status=P.PENDING, next_attempt_at__lte=now).update(next_attempt_at=lease):
        return Outcome()
    delivery = Delivery.objects.select_related("endpoint").get(pk=delivery_id)
    body, action = event_body(delivery)
    answer = event_post(endpoint=delivery.endpoint, body=body, event_id=str(delivery.event_id), kind=delivery.kind)
    return _record(delivery, answer, action=action)


def event_body(delivery: Delivery) -> tuple[bytes, str]:
    """The JSON body of ``delivery`` and its action: an upsert with the public detail, or a tombstone."""
    if delivery.kind == Delivery.PING:
        data, action = None, Delivery.PING
    else:
        data = public_details([(delivery.kind, delivery.object_id)]).get((delivery.kind, delivery.object_id))
        action = ChangeEvent.Action.UPSERT if data else ChangeEvent.Action.DELETE
    event = {
        "event_id": str(delivery.event_id),
        "kind": delivery.kind,
        "action": action,
        "id": delivery.object_id,
        "slug": data["slug"] if data else delivery.slug,
        "cursor": delivery.cursor,
        "data": data,
    }
    return json.dumps(event, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")).encode(), action


def _client() -> httpx.Client:
    """One pooled client per thread (and per worker process, created after fork)."""
    client = getattr(_local, "client", None)
    if client is None:
        client = public_only_client(
            private_allowed=host_private_allowed,
            setting="WEBHOOK_ALLOW_PRIVATE_HOSTS",
            follow_redirects=False,
            headers={"User-Agent": settings.WEBHOOK_USER_AGENT},
        )
        _local.client = client
    return client


def host_private_allowed(host: str) -> bool:
    return settings.WEBHOOK_ALLOW_PRIVATE_HOSTS or host.lower() in settings.WEBHOOK_PRIVATE_HOSTS_ALLOWED


def signing_secrets(endpoint: Endpoint) -> list[str]:
    """The current secret, and the previous one while its overlap lasts."""
    keep_previous = (
        endpoint.previous_secret and endpoint.previous_secret_until and endpoint.previous_secret_until > timezone.now()
    )
    return [endpoint.secret, endpoint.previous_secret] if keep_previous else [endpoint.secret]


def event_post(*, endpoint: Endpoint, body: bytes, event_id: str, kind: str) -> Answer:
    """POST ``body``, signed, to the endpoint; the answer (never raises for the network's sake)."""
    headers = {
        "Content-Type": "application/json",
        HEADER: signature_header(secrets=signing_secrets(endpoint), timestamp=int(time.time()), body=body),
        "Newsroom-Event-Id": event_id,
        "Newsroom-Event-Kind": kind,
    }
    timeout = httpx.Timeout(settings.WEBHOOK_TIMEOUT, connect=settings.WEBHOOK_CONNECT_TIMEOUT)
    try:
        with _client().stream("POST", endpoint.url, content=body, headers=headers, timeout=timeout) as response:
            excerpt = _excerpt(response)
            error = ""
            if response.is_redirect:
                error = (
                    f"HTTP {response.status_code}: redirects are not followed (Location: {response.headers.get('Location', '')})"
                )
            elif not response.is_success:
                error = f"HTTP {response.status_code} {response.reason_phrase}"
            return Answer(response.status_code, excerpt, error[:500])
    except (AddressRefused, HostUnresolvable) as exc:
        return Answer(None, "", str(exc)[:500])
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        return Answer(None, "", f"{type(exc).__name__}: {exc or 'no answer'}"[:500])


def _excerpt(response: httpx.Response) -> str:
    """The start of the answer's body, read no further than needed."""
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size >= EXCERPT * 4:
            break
    return b"".join(chunks).decode("utf-8", errors="replace")[:EXCERPT]


def _record(delivery: Delivery, answer: Answer, *, action: str) -> Outcome:
    now = timezone.now()
    attempts = delivery.attempts + 1
    fields = {
        "attempts": attempts, "last_attempt_at": now, "response_status": answer.status,
        "response_excerpt": answer.excerpt, "error": answer.error, "action": action,
    }  # fmt: skip
    endpoint = Endpoint.objects.filter(pk=delivery.endpoint_id)
    if answer.ok:
        Delivery.objects.filter(pk=delivery.pk).update(status=P.DELIVERED, delivered_at=now, next_attempt_at=None, **fields)
        endpoint.filter(consecutive_failures__gt=0).update(consecutive_failures=0, failing_since=None)
        return Outcome(attempted=True, delivered=True, then=_next(delivery))
    endpoint.update(consecutive_failures=F("consecutive_failures") + 1, failing_since=Coalesce(F("failing_since"), now))
    endpoint_disable_if_failing(endpoint_id=delivery.endpoint_id, last_error=answer.error)
    if attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        Delivery.objects.filter(pk=delivery.pk).update(status=P.FAILED, next_attempt_at=None, **fields)
        logger.warning("webhook delivery %s gave up after %d attempts: %s", delivery.pk, attempts, answer.error)
        return Outcome(attempted=True, then=_next(delivery))
    wait = backoff(attempts)
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=now + timedelta(seconds=wait), **fields)
    return Outcome(attempted=True, retry_in=wait)


def _next(delivery: Delivery) -> list[int]:
    following = delivery_next_of(delivery)
    return [following] if following else []


def endpoint_disable_if_failing(*, endpoint_id: int, last_error: str) -> bool:
    """Disable the endpoint once its attempts have failed ``WEBHOOK_DISABLE_AFTER_FAILURES`` times in a row
    over at least ``WEBHOOK_DISABLE_AFTER``; its deliveries wait, pending, until an editor re-enables it."""
    now = timezone.now()
    endpoint = Endpoint.objects.filter(
        pk=endpoint_id,
        active=True,
        consecutive_failures__gte=settings.WEBHOOK_DISABLE_AFTER_FAILURES,
        failing_since__lte=now - settings.WEBHOOK_DISABLE_AFTER,
    )
    row = endpoint.values("consecutive_failures", "failing_since").first()
    if row is None:
        return False
    since = timezone.localtime(row["failing_since"])
    reason = (
        f"Disabled automatically: {row['consecutive_failures']} attempts in a row failed since {since:%-d %b %Y %H:%M %Z}"
        f" (last: {last_error or 'no answer'}). Changes wait; re-enable it once the receiver works."
    )
    if endpoint.update(active=False, disabled_reason=reason[:500], disabled_at=now):
        logger.warning("webhook endpoint %s disabled: %s", endpoint_id, reason)
        return True
    return False
