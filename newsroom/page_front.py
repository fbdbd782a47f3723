"""Page-cache hits answered in front of Django's request handling.

A hit in ``PageCacheMiddleware`` still pays for everything around it: the WSGI
request object, the request signals, the middleware above it, URL resolution
and a response object whose headers are checked one by one. On a small machine
that is most of the cost of a hit (``make bench``: see bench/RESULTS.md). This
WSGI wrapper answers the plainest repeat requests before all that, with
exactly what the full stack answered:

- when the full stack answers a request from the page cache (a 200 with
  ``X-Page-Cache: hit``), the middleware leaves in the WSGI environ which
  entry and which tokens it used (``ROUTE_KEY``); the wrapper keeps, for that
  request's address, the entry key, the token names and the final headers as
  they left Django (every middleware included), for the coding it got;
- a later request for the same address (same scheme, host and path, same
  query when the page reads it) is answered here when the entry is still in
  the cache, its tokens are all current (the same check as the middleware's,
  so a public change makes the very next request a miss), and it has the
  headers for that coding kept for that very entry (same ETag). Only the
  request id is made afresh.

Anything else goes to Django as before: another method than GET, a session
cookie (editors), an ``Origin`` (CORS answers depend on it), a conditional
request (the middleware answers 304s), an address not seen yet, a stale or
missing entry. What is kept per address is bounded (``MAX_ROUTES``, then
forgotten all at once and learnt again from the next requests).
"""

from __future__ import annotations

import re
import uuid

from django.conf import settings
from django.core.cache import caches

from .cache import CACHE_ALIAS, ROUTE_KEY, TOKEN_PREFIX
from .encoding import IDENTITY, coding_negotiate

MAX_ROUTES = 5_000  # each keeps the headers of up to three codings: about 3 KB, so 15 MB at most per process
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")  # as newsroom.logging's middleware accepts
# Requests the wrapper leaves to Django: their answer depends on more than the address.
_TO_DJANGO = ("HTTP_ORIGIN", "HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE")


class _Route:
    __slots__ = ("key", "names", "headers")

    def __init__(self, key: str, names: tuple[str, ...]):
        self.key = key
        self.names = names
        self.headers: dict[str, tuple[str, list[tuple[str, str]]]] = {}  # coding: (ETag of the entry, headers)


def _address(environ: dict, with_query: bool) -> tuple:
    # Everything Django reads to name the page: scheme (and the proxy's word for it), host, path, query.
    return (
        environ.get("wsgi.url_scheme"),
        environ.get(_proxy_ssl_header()),
        environ.get("HTTP_HOST"),
        environ.get("HTTP_X_FORWARDED_HOST"),
        environ.get("SERVER_NAME"),
        environ.get("SERVER_PORT"),
        environ.get("SCRIPT_NAME"),
        environ.get("PATH_INFO"),
        environ.get("QUERY_STRING", "") if with_query else None,
    )


def _proxy_ssl_header() -> str:
    header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    return header[0] if header else "-"


class PageFront:
    """The site's WSGI application, with repeat page-cache hits answered before Django."""

    def __init__(self, application):
        self.application = application
        self.routes: dict[tuple, _Route] = {}

    def __call__(self, environ, start_response):
        if not self._may_answer(environ):
            return self.application(environ, start_response)
        answer = self._answer(environ)
        if answer is not None:
            headers, body = answer
            start_response("200 OK", headers)
            return [body]
        # Django rewrites parts of the environ (SCRIPT_NAME, PATH_INFO): name the address as it came.
        addresses = (_address(environ, True), _address(environ, False))
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        result = self.application(environ, capture)
        self._learn(environ, captured, addresses)
        return result

    @staticmethod
    def _may_answer(environ) -> bool:
        if environ.get("REQUEST_METHOD") != "GET" or not getattr(settings, "PUBLIC_PAGE_CACHE", True):
            return False
        if any(name in environ for name in _TO_DJANGO):
            return False
        # Anyone with a session may be an editor: as the middleware, never from the shared cache. (A cookie
        # whose name merely ends with the session cookie's name goes to Django too: only a miss here.)
        return f"{settings.SESSION_COOKIE_NAME}=" not in environ.get("HTTP_COOKIE", "")

    def _answer(self, environ):
        route = self.routes.get(_address(environ, True)) or self.routes.get(_address(environ, False))
        if route is None:
            return None
        coding = coding_negotiate(environ.get("HTTP_ACCEPT_ENCODING", ""))
        kept = route.headers.get(coding)
        if kept is None:
            return None
        found = caches[CACHE_ALIAS].get_many([route.key, *(TOKEN_PREFIX + name for name in route.names)])
        entry = found.get(route.key)
        if entry is None or entry.etag != kept[0]:
            return None
        for name in route.names:
            current = found.get(TOKEN_PREFIX + name)
            if current is None or entry.tokens.get(name) != current:
                return None
        body = entry.content if coding == IDENTITY else entry.coded.get(coding, entry.content)
        incoming = environ.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        return [(k, request_id if k == "X-Request-ID" else v) for k, v in kept[1]], body

    def _learn(self, environ, captured, addresses: tuple[tuple, tuple]) -> None:
        kept = environ.get(ROUTE_KEY)
        if kept is None or not captured.get("status", "").startswith("200 "):
            return
        key, names, coding, etag, ignore_query = kept
        headers = list(captured["headers"])
        if any(k.lower() == "set-cookie" for k, _ in headers):
            return
        if len(self.routes) >= MAX_ROUTES:
            self.routes.clear()
        address = addresses[1] if ignore_query else addresses[0]
        route = self.routes.get(address)
        if route is None or route.key != key or route.names != names:
            route = self.routes[address] = _Route(key, names)
        route.headers[coding] = (etag, headers)
