"""Fetch: one bounded HTTP GET of a feed, conditional when we have validators.

Bounds: connect and read timeouts, a deadline for the whole body (a server
that dribbles bytes cannot hold a worker), a size cap applied while streaming
(we stop reading, never buffer the excess), at most ``FEED_MAX_REDIRECTS``
redirects, and a User-Agent that says who we are.

No server-side request forgery (``newsroom/public_http.py``, shared with webhook
delivery): before every hop (the feed's URL and each redirect) the host is
resolved and the fetch refused when any of its addresses is not globally
routable (loopback, private ranges, link-local such as the cloud metadata
address 169.254.169.254 …), unless ``FEED_ALLOW_PRIVATE_HOSTS`` is on (tests and
benchmarks, whose feed server is on loopback) or the host is named in
``FEED_PRIVATE_HOSTS_ALLOWED``; the connection is made to an address checked at
connect time, so a DNS answer that changes after the first check (rebinding) is
refused too.
"""

import threading
import time
from dataclasses import dataclass

import httpx
from django.conf import settings

from newsroom.public_http import AddressRefused, HostUnresolvable, public_only_client

from ..models import Feed


@dataclass(frozen=True, slots=True)
class FetchResponse:
    status_code: int
    body: bytes
    content_type: str
    etag: str
    last_modified: str
    url: str

    @property
    def not_modified(self) -> bool:
        return self.status_code == 304


class FetchError(Exception):
    """A fetch that produced no feed; ``status`` is the Feed.Status to record."""

    def __init__(self, message: str, *, status: str, http_status: int | None = None, retryable: bool = False):
        super().__init__(message)
        self.status = status
        self.http_status = http_status
        self.retryable = retryable


_local = threading.local()


def _private_allowed(host: str) -> bool:
    return settings.FEED_ALLOW_PRIVATE_HOSTS or host in settings.FEED_PRIVATE_HOSTS_ALLOWED


def _client() -> httpx.Client:
    """One pooled client per thread (and per worker process, created after fork)."""
    client = getattr(_local, "client", None)
    if client is None:
        client = public_only_client(
            private_allowed=_private_allowed,
            setting="FEED_ALLOW_PRIVATE_HOSTS",
            follow_redirects=True,
            max_redirects=settings.FEED_MAX_REDIRECTS,
            headers={
                "User-Agent": settings.FEED_USER_AGENT,
                "Accept": "application/rss+xml, application/atom+xml, application/feed+json, "
                "application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1",
            },
        )
        _local.client = client
    return client


def feed_http_get(*, url: str, etag: str = "", last_modified: str = "") -> FetchResponse:
    """GET ``url``; raise FetchError for anything that is not a 2xx or a 304."""
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    max_bytes = settings.FEED_MAX_BYTES
    deadline = time.monotonic() + settings.FEED_FETCH_DEADLINE
    try:
        timeout = httpx.Timeout(
            settings.FEED_READ_TIMEOUT, connect=settings.FEED_CONNECT_TIMEOUT, pool=settings.FEED_CONNECT_TIMEOUT
        )
        with _client().stream("GET", url, headers=headers, timeout=timeout) as response:
            if response.status_code == 304:
                return _response(response, b"")
            if not response.is_success:
                raise FetchError(
                    f"HTTP {response.status_code} {response.reason_phrase}",
                    status=Feed.Status.HTTP_ERROR,
                    http_status=response.status_code,
                )
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise _too_large(max_bytes, response.status_code)
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise _too_large(max_bytes, response.status_code)
                if time.monotonic() > deadline:
                    raise FetchError(
                        f"body not received within {settings.FEED_FETCH_DEADLINE:g} s",
                        status=Feed.Status.TIMEOUT,
                        http_status=response.status_code,
                        retryable=True,
                    )
                chunks.append(chunk)
            return _response(response, b"".join(chunks))
    except AddressRefused as exc:
        raise FetchError(str(exc), status=Feed.Status.BLOCKED) from exc
    except HostUnresolvable as exc:
        raise FetchError(str(exc), status=Feed.Status.NETWORK_ERROR, retryable=True) from exc
    except httpx.TooManyRedirects as exc:
        raise FetchError(
            f"more than {settings.FEED_MAX_REDIRECTS} redirects (chain too long or a loop): {exc}",
            status=Feed.Status.REDIRECTS,
        ) from exc
    except httpx.TimeoutException as exc:
        raise FetchError(f"{type(exc).__name__}: {exc or 'timed out'}", status=Feed.Status.TIMEOUT, retryable=True) from exc
    except httpx.DecodingError as exc:
        raise FetchError(f"undecodable response body: {exc}", status=Feed.Status.HTTP_ERROR) from exc
    except (httpx.TransportError, httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
        raise FetchError(
            f"{type(exc).__name__}: {exc}",
            status=Feed.Status.NETWORK_ERROR,
            retryable=not isinstance(exc, httpx.UnsupportedProtocol),
        ) from exc


def _too_large(max_bytes: int, http_status: int) -> FetchError:
    return FetchError(
        f"response larger than {max_bytes:,} bytes; reading stopped", status=Feed.Status.TOO_LARGE, http_status=http_status
    )


def _response(response: httpx.Response, body: bytes) -> FetchResponse:
    return FetchResponse(
        status_code=response.status_code,
        body=body,
        content_type=response.headers.get("Content-Type", ""),
        etag=response.headers.get("ETag", "")[:500],
        last_modified=response.headers.get("Last-Modified", "")[:100],
        url=str(response.url),
    )
