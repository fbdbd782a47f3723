"""Signing a body so a receiver knows it comes from us, unchanged, and recently.

``Newsroom-Signature: t=<unix seconds>,v1=<hex>`` where ``<hex>`` is the
HMAC-SHA256, keyed with the endpoint's secret, of ``"<t>."`` followed by the
exact body bytes. After a rotation a second ``v1=`` is signed with the previous
secret. ``signature_verify`` is what a receiver does (docs/webhooks.md).
"""

import hashlib
import hmac
import time

HEADER = "Newsroom-Signature"
REPLAY_WINDOW = 300  # seconds a receiver should accept a timestamp either side of its clock


def signature_of(*, secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signature_header(*, secrets: list[str], timestamp: int, body: bytes) -> str:
    """The header's value: the time, and one ``v1=`` for each secret (the current one first)."""
    return ",".join([f"t={timestamp}", *(f"v1={signature_of(secret=s, timestamp=timestamp, body=body)}" for s in secrets)])


def signature_verify(*, header: str, body: bytes, secret: str, now: float | None = None, window: int = REPLAY_WINDOW) -> bool:
    """True when ``header`` signs ``body`` with ``secret`` and its time is within ``window`` seconds of ``now``."""
    parts = [part.partition("=") for part in header.split(",")]
    stamps = [value for key, _, value in parts if key.strip() == "t"]
    if len(stamps) != 1 or not stamps[0].isdigit():
        return False
    timestamp = int(stamps[0])
    if abs((time.time() if now is None else now) - timestamp) > window:
        return False
    expected = signature_of(secret=secret, timestamp=timestamp, body=body)
    return any(hmac.compare_digest(expected, value.strip()) for key, _, value in parts if key.strip() == "v1")
