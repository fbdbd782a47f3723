"""The anonymous page cache, and how a public change invalidates it.

Every cached page records the *tokens* of what it shows: ``story:<id>`` for a
story page, ``all`` for anything that lists content (home, topic, outlet and
question pages, search, feeds, sitemaps). A change of public content replaces
the tokens it touches (``public_content_changed`` → ``content_changed``), so the
entries recorded under the old tokens stop matching: the very next request
renders afresh. Nothing is deleted by pattern, and no process keeps state of
its own, so this works the same on one process or many hosts sharing Redis.

A page being rendered while a change commits could record old content under
new tokens; to rule that out the ``all`` token, which every change replaces,
is read before rendering and checked again before storing.

Responses also carry an ETag (and a Last-Modified when the page knows one),
and conditional requests get a 304 whether or not the page came from cache.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date, parse_http_date_safe

logger = logging.getLogger(__name__)

ALL = "all"
PAGE_PREFIX = "page:v1:"
TOKEN_PREFIX = "pagetoken:"
# Entries are checked against their tokens on every hit, so the timeout only
# bounds how long unused entries occupy memory.
PAGE_TIMEOUT = 24 * 3600
CACHE_CONTROL = "public, max-age=0, must-revalidate"


def token_key(kind: str, object_id: int | None = None) -> str:
    return f"{kind}:{object_id}" if object_id is not None else kind


def _new_token() -> str:
    return uuid.uuid4().hex[:16]


def tokens_replace(keys: Iterable[str]) -> None:
    """Give every key in ``keys`` a fresh token (and ``all`` always)."""
    fresh = {TOKEN_PREFIX + k: _new_token() for k in {*keys, ALL}}
    cache.set_many(fresh, timeout=None)


def tokens_current(keys: Iterable[str]) -> dict[str, str]:
    """The current token of each key; a key never seen (or evicted) gets one now."""
    keys = list(dict.fromkeys(keys))
    found = cache.get_many([TOKEN_PREFIX + k for k in keys])
    result = {}
    for k in keys:
        value = found.get(TOKEN_PREFIX + k)
        if value is None:
            cache.add(TOKEN_PREFIX + k, _new_token(), timeout=None)
            value = cache.get(TOKEN_PREFIX + k)
        result[k] = value
    return result


# Headers that belong to one response, or that _finish and the middleware set.
_NOT_KEPT = {"set-cookie", "content-length", "date", "etag", "last-modified", "cache-control", "vary", "x-page-cache"}


@dataclass
class CachedPage:
    content: bytes
    headers: dict[str, str]
    etag: str
    last_modified: float | None
    tokens: dict[str, str]


def page_depends_on(request: HttpRequest, *keys: str) -> None:
    """Declare, from a view, what the page being rendered shows."""
    deps = getattr(request, "_page_tokens", None)
    if deps is not None:
        deps.update(keys)


def page_last_modified(request: HttpRequest, when: datetime | None) -> None:
    """Declare, from a view, when what the page shows last changed."""
    if when is not None:
        request._page_last_modified = int(when.timestamp())  # HTTP dates have whole seconds


def _cacheable_request(request: HttpRequest) -> bool:
    # Anyone with a session may be an editor (previews, the admin bar): those
    # requests are never served from, nor stored in, the shared cache.
    return (
        getattr(settings, "PUBLIC_PAGE_CACHE", True)
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def _page_key(request: HttpRequest, ignore_query: bool) -> str:
    raw = f"{request.get_host()}|{request.path}"
    if not ignore_query:
        raw += "?" + request.META.get("QUERY_STRING", "")
    return PAGE_PREFIX + hashlib.sha1(raw.encode("utf-8", "surrogateescape"), usedforsecurity=False).hexdigest()


def _etag(content: bytes) -> str:
    return '"' + hashlib.md5(content, usedforsecurity=False).hexdigest() + '"'


def _last_modified(request: HttpRequest, response: HttpResponse) -> float | None:
    declared = getattr(request, "_page_last_modified", None)
    if declared is None and response.has_header("Last-Modified"):
        declared = parse_http_date_safe(response["Last-Modified"])
    return declared


def _finish(request: HttpRequest, response: HttpResponse, etag: str, last_modified: float | None, public: bool):
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = CACHE_CONTROL if public else "private, max-age=0, must-revalidate"
    conditional = get_conditional_response(request, etag=etag, last_modified=last_modified, response=response)
    return conditional


def _response_from(entry: CachedPage) -> HttpResponse:
    response = HttpResponse(entry.content, headers=entry.headers)
    response["X-Page-Cache"] = "hit"
    return response


def public_page(view: Callable | None = None, *, ignore_query: bool = False, timeout: int = PAGE_TIMEOUT):
    """Serve a public page from the shared cache while what it shows is unchanged.

    ``ignore_query``: the page does not read the query string (a story page),
    so ``?utm_source=…`` variants share one entry.
    """

    def decorator(func):
        @wraps(func)
        def wrapped(request: HttpRequest, *args, **kwargs):
            if not _cacheable_request(request):
                return _conditional_uncached(request, _rendered(func(request, *args, **kwargs)))
            key = _page_key(request, ignore_query)
            entry = cache.get(key)
            if entry is not None and tokens_current(entry.tokens) == entry.tokens:
                return _finish(request, _response_from(entry), entry.etag, entry.last_modified, public=True)
            before = tokens_current([ALL])[ALL]
            request._page_tokens = set()
            response = _rendered(func(request, *args, **kwargs))
            if response.status_code != 200 or response.streaming or response.cookies:
                return response
            content = response.content
            etag = _etag(content)
            last_modified = _last_modified(request, response)
            headers = {k: v for k, v in response.items() if k.lower() not in _NOT_KEPT}
            tokens = tokens_current(request._page_tokens or {ALL})
            # Something changed while this page was rendered: don't store it.
            if tokens_current([ALL])[ALL] == before:
                cache.set(
                    key,
                    CachedPage(content, headers, etag, last_modified, tokens),
                    timeout=timeout,
                )
            response["X-Page-Cache"] = "miss"
            return _finish(request, response, etag, last_modified, public=True)

        return wrapped

    return decorator(view) if view is not None else decorator


def _rendered(response: HttpResponse) -> HttpResponse:
    # Sitemaps answer with a TemplateResponse: its content exists once rendered.
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    return response


def _conditional_uncached(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    if response.status_code != 200 or response.streaming:
        return response
    return _finish(request, response, _etag(response.content), _last_modified(request, response), public=False)


def content_changed(*, kind: str, object_id: int, story_ids: Iterable[int] = ()) -> None:
    """Invalidate every page showing ``kind``/``object_id`` and every list."""
    tokens_replace([token_key(kind, object_id), *(token_key("story", i) for i in story_ids)])
