"""The anonymous page cache, and how a public change invalidates it.

Each cached page is stored with the *tokens* of what it shows, named from the
request alone: ``story-slug:<slug>`` for a story page, ``all`` for anything
that lists content (home, topic, outlet and question pages, search, feeds,
sitemaps). A public change replaces the tokens it touches
(the pipeline's step ``stories.after_change.page_cache_purge`` → ``tokens_replace``; ``all`` always), so entries
stored under the old tokens stop matching and the very next request renders
afresh. Nothing is deleted by pattern, and what a process keeps in memory is
dropped as soon as Redis reports a change to it, so this works the same on one
process or on many hosts sharing Redis.

A hit reads the entry and its tokens together. On Redis, each process keeps
what it has read and Redis pushes it invalidations (``newsroom/tracked_cache.py``),
so a hit usually costs no round trip at all.
Tokens are read *before* rendering, so a change that commits while a page is
being rendered has already replaced them: the stale page is never matched.

Anyone with a session may be an editor (previews, the admin): those requests
are never served from, nor stored in, the shared cache.

Responses carry an ETag (and a Last-Modified when the page knows one), and
conditional requests get a 304 whether or not the page came from the cache.

A page stored in the cache is compressed then, once, in br and gzip
(``newsroom/encoding.py``), and the entry keeps those bytes beside the plain
ones: a hit sends the coding the request's Accept-Encoding prefers, as stored.
A coded response has its own ETag (the plain one with ``-br`` or ``-gzip``:
other bytes, another strong tag), and every public page says
``Vary: Accept-Encoding``. Pages not stored (a reader with a session, a page
with a CSP nonce) are sent plain rather than compressed at every request.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe

from newsroom import edge
from newsroom.db.router import lsn_announce, public_read_call
from newsroom.encoding import CODINGS, IDENTITY, MIN_SIZE, body_encode, coding_negotiate

CACHE_ALIAS = "pages"  # settings.CACHES: Redis with per-process copies (newsroom/tracked_cache.py), or local memory
ALL = "all"
PAGE_PREFIX = "page:v3:"  # v3: entries keep their coded bytes
TOKEN_PREFIX = "pagetoken:"
ROUTE_KEY = "newsroom.page_route"  # in the WSGI environ: what a hit used, for newsroom/page_front.py
# Entries are checked against their tokens on every hit, so the timeout mostly
# bounds how long unused entries occupy memory; it also bounds how long a page
# could outlive a change whose purge was lost while Redis was unreachable
# (newsroom/redis_cache.py turns cache errors into misses and no-ops).
PAGE_TIMEOUT = 3600
CACHE_CONTROL = "public, max-age=0, must-revalidate"
# Headers that belong to one response, or that _finish and the middleware set.
_NOT_KEPT = {"set-cookie", "content-length", "date", "etag", "last-modified", "cache-control", "vary", "x-page-cache"}


def token_key(kind: str, name: int | str | None = None) -> str:
    return f"{kind}:{name}" if name is not None else kind


def _new_token() -> str:
    return uuid.uuid4().hex[:16]


def tokens_replace(keys: Iterable[str]) -> bool:
    """Give every key in ``keys`` a fresh token (and ``all`` always); False if the cache could not store them.

    The primary's WAL position is announced first (``newsroom/db/router.py``): a miss that sees the new tokens
    reads no replica that has not replayed the change they stand for.
    """
    announced = lsn_announce()
    failed = caches[CACHE_ALIAS].set_many({TOKEN_PREFIX + k: _new_token() for k in {*keys, ALL}}, timeout=None)
    return announced and not failed


def _tokens_fill(found: dict[str, str | None]) -> dict[str, str]:
    """Tokens never seen (or evicted) get one now; whoever adds first wins."""
    for k, value in found.items():
        if value is None:
            caches[CACHE_ALIAS].add(TOKEN_PREFIX + k, _new_token(), timeout=None)
            found[k] = caches[CACHE_ALIAS].get(TOKEN_PREFIX + k)
    return found


@dataclass
class CachedPage:
    content: bytes
    headers: dict[str, str]
    etag: str
    last_modified: float | None
    tokens: dict[str, str | None]
    coded: dict[str, bytes] = field(default_factory=dict)  # the content in each coding (none when small)


def page_last_modified(request: HttpRequest, when: datetime | None) -> None:
    """Declare, from a view, when what the page shows last changed."""
    if when is not None:
        request._page_last_modified = int(when.timestamp())  # HTTP dates have whole seconds


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


def _coded(content: bytes) -> dict[str, bytes]:
    return {coding: body_encode(content, coding) for coding in CODINGS} if len(content) >= MIN_SIZE else {}


def _send_coded(request: HttpRequest, response: HttpResponse, coded: dict[str, bytes], etag: str) -> str:
    """Give ``response`` the coded bytes the request prefers, if any; returns their ETag."""
    coding = coding_negotiate(request.META.get("HTTP_ACCEPT_ENCODING", ""))
    if coding == IDENTITY or coding not in coded:
        return etag
    response.content = coded[coding]
    response["Content-Encoding"] = coding
    response["Content-Length"] = str(len(response.content))
    return f'{etag[:-1]}-{coding}"'


def _finish(request: HttpRequest, response: HttpResponse, etag: str, last_modified: float | None, public: bool):
    patch_vary_headers(response, ["Accept-Encoding"])
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = CACHE_CONTROL if public else "private, max-age=0, must-revalidate"
    edge.edge_cache_control(response)  # a page with surrogate keys: the edge keeps it until a purge
    return get_conditional_response(request, etag=etag, last_modified=last_modified, response=response)


def _rendered(response: HttpResponse) -> HttpResponse:
    # Sitemaps answer with a TemplateResponse: its content exists once rendered.
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    return response


def _anonymous(request: HttpRequest) -> bool:
    """No session cookie: not an editor (previews, the admin), so a reader the shared cache and replicas serve."""
    return settings.SESSION_COOKIE_NAME not in request.COOKIES


@dataclass(frozen=True)
class PageSpec:
    tokens: Callable[..., list[str]] | None
    ignore_query: bool
    timeout: int


# Answers the edge may keep besides pages: an old slug's redirect, a story taken down (browsers briefly).
_EDGE_SHORT = {301, 410}


def public_page(
    view: Callable | None = None,
    *,
    tokens: Callable[..., list[str]] | None = None,
    keys: Callable[..., list[str]] | None = None,
    ignore_query: bool = False,
    timeout: int = PAGE_TIMEOUT,
):
    """Mark a view as a public page that ``PageCacheMiddleware`` may cache.

    ``tokens(request, *args, **kwargs)`` names what the page shows (default:
    ``all``, right for any page listing content). ``keys(request, *args,
    **kwargs)``: its surrogate keys for the edge (``newsroom/edge.py``; default
    ``all``, purged by every change). ``ignore_query``: the page
    does not read the query string (a story page), so ``?utm_source=…``
    variants share one entry.
    """

    def decorator(func):
        @wraps(func)
        def wrapped(request: HttpRequest, *args, **kwargs):
            if _anonymous(request):  # an anonymous reader's page may come from a read replica (newsroom/db/router.py)
                response = public_read_call(lambda: _rendered(func(request, *args, **kwargs)))
            else:
                response = _rendered(func(request, *args, **kwargs))
            if response.status_code == 200 or response.status_code in _EDGE_SHORT:
                names = keys(request, *args, **kwargs) if keys else [edge.ALL]
                edge.keys_mark(response, names, short=response.status_code in _EDGE_SHORT)
            return response

        wrapped.public_page = PageSpec(tokens, ignore_query, timeout)
        return wrapped

    return decorator(view) if view is not None else decorator


class PageCacheMiddleware:
    """Answer anonymous requests for public pages from the shared cache.

    Placed early (after WhiteNoise), so a hit skips the sessions, CSRF, auth
    and the rest; a miss goes through all of them and is stored with the
    headers they set. Every public page, cached or not, gets an ETag and
    answers conditional requests with a 304.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)
        spec = getattr(match.func, "public_page", None)
        if spec is None:
            return self.get_response(request)
        anonymous = _anonymous(request)
        shared = anonymous and getattr(settings, "PUBLIC_PAGE_CACHE", True)
        if shared:
            key = _page_key(request, spec.ignore_query)
            names = spec.tokens(request, *match.args, **match.kwargs) if spec.tokens else [ALL]
            found = caches[CACHE_ALIAS].get_many([key, *(TOKEN_PREFIX + n for n in names)])
            current = {n: found.get(TOKEN_PREFIX + n) for n in names}
            entry = found.get(key)
            if entry is not None and None not in current.values() and entry.tokens == current:
                response = HttpResponse(entry.content, headers=entry.headers)
                response["Content-Length"] = str(len(entry.content))
                response["X-Page-Cache"] = "hit"
                etag = _send_coded(request, response, entry.coded, entry.etag)
                coding = response.get("Content-Encoding", IDENTITY)
                request.META[ROUTE_KEY] = (key, tuple(names), coding, entry.etag, spec.ignore_query)
                return _finish(request, response, etag, entry.last_modified, public=True)
            current = _tokens_fill(current)  # read before rendering: see the module's docstring
        response = self.get_response(request)
        if response.status_code != 200 or response.streaming:
            return response
        etag, last_modified = _etag(response.content), _last_modified(request, response)
        # A response with cookies, or with a CSP nonce, belongs to one reader only.
        if shared and not response.cookies and "nonce-" not in response.get("Content-Security-Policy", ""):
            headers = {k: v for k, v in response.items() if k.lower() not in _NOT_KEPT}
            entry = CachedPage(response.content, headers, etag, last_modified, current, coded=_coded(response.content))
            caches[CACHE_ALIAS].set(key, entry, timeout=spec.timeout)
            response["X-Page-Cache"] = "miss"
            etag = _send_coded(request, response, entry.coded, etag)
        return _finish(request, response, etag, last_modified, public=anonymous)
