"""Conditional requests for the API: validators per object (or of all public content), ETags, 304s,
content coding, and a response cache keyed by the ETag for anonymous clients."""

import functools
import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date
from rest_framework.response import Response

from newsroom import edge
from newsroom.changes.feed import ObjectState, changes_state
from newsroom.encoding import IDENTITY, MIN_SIZE, body_encode, coding_negotiate

API_VERSION = "1"
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)

# What the edge may keep (with keys): answers, and an old slug's redirect or a story taken down (briefly for browsers).
_EDGE_SHORT = {301, 410}
_EDGE_KEPT = {200, 304, *_EDGE_SHORT}

Scope = tuple[tuple[str, str], ...]  # (kind, address) of each object a response shows all of


@dataclass(frozen=True)
class Fingerprint:
    """What API validators are computed from: a key that changes with any public change, and times;
    and the state of the objects a request asked for (``scope``)."""

    key: str
    last_modified: datetime
    horizon: int | None = None  # up to where the change log was final (newsroom/changes/feed.py)
    objects: dict[tuple[str, str], ObjectState] = field(default_factory=dict)
    extra: tuple = ()  # what the view asked to read in the same statement (``validator_extra``)

    def of(self, scope: Scope) -> tuple[str, datetime]:
        """The key and time of what ``scope`` names: its objects' own, or all content's when the scope is
        empty or one of its objects has no entry in the change log (no such object, or never recorded)."""
        states = [self.objects.get(address) for address in scope]
        if not states or any(state is None or state.key is None for state in states):
            return self.key, self.last_modified
        return "|".join(state.key for state in states), max(_aware(state.last_at) or EPOCH for state in states)


def api_fingerprint(*, objects: Scope = (), extra: tuple = ()) -> Fingerprint:
    """A fingerprint of all public content and the time it last changed, in one cheap query,
    with the state of ``objects`` read in the same query.

    Every public change (stories, topics, questions, outlets, and whatever
    shows them) appends to the change log in its transaction, so its key
    (``newsroom/changes/feed.py``) moves whenever any API response may change.
    Outlets' count and latest edit join it, so an outlet saved in place
    without going through its service still shows at once.
    """
    state = changes_state(also=_outlets_state(), objects=objects, extra=extra)
    return Fingerprint(
        key=state.key, last_modified=_aware(state.last_at) or EPOCH, horizon=state.horizon, objects=state.objects,
        extra=state.extra,
    )  # fmt: skip


@functools.lru_cache(maxsize=64)
def _http_date(timestamp: int) -> str:
    """An HTTP date, formatted once per second it names (validators repeat the same few)."""
    return http_date(timestamp)


@functools.cache
def _outlets_state() -> tuple[str, str]:
    outlets = apps.get_model("sources", "Outlet")._meta.db_table  # by label: this layer imports no app
    return f"(SELECT COUNT(*) FROM {outlets})", f"(SELECT MAX(updated_at) FROM {outlets})"


def _aware(value) -> datetime | None:
    """Raw SQL returns text on SQLite and datetimes on PostgreSQL."""
    if value is None or isinstance(value, datetime):
        return value.astimezone(UTC) if value else None
    parsed = parse_datetime(str(value))
    return parsed.replace(tzinfo=parsed.tzinfo or UTC) if parsed else None


class _Answered(Exception):
    """A response found before the view runs: a 304, or a body from the response cache."""

    def __init__(self, response):
        self.response = response


class ConditionalGetMixin:
    """ETag and Last-Modified on successful GETs, 304 when the client's copy is current,
    content coding (br, gzip) by Accept-Encoding, and a response cache keyed by the ETag
    for anonymous clients.

    **Validators.** A view names what its response shows (``validator_scope``):
    a detail its object, a list filtered by topics or outlets those. The
    change log records, with every change, every object whose detail shows the
    changed one (``newsroom/changes/shows.py``): a story is recorded when one of
    its topics, outlets, questions or images changes, a topic or an outlet when
    any live story on it changes, even beyond the 20 its detail embeds. So an
    object's own entries move exactly when its detail may change, and a topic's
    or outlet's when a story list filtered by it may. Other lists use the
    fingerprint of all public content: a list's items are summaries of every
    object of its kind, and a key per kind would cost a scan of the log's
    recent entries for little gain (a story publish records its topics and
    outlets, so their lists move with it anyway). The ETag hashes that key,
    the path and query, so a cached body is never stale: a change makes a new
    key and old entries simply age out. The check runs after authentication
    and throttling (``initial``) and before any content query: a 304 or a
    cached body costs one small query, whatever the scope.

    **Coding.** The response's coding (``newsroom/encoding.py``) is negotiated before
    the check and names the ETag: ``W/"…-br"``, ``W/"…-gzip"``, ``W/"…"``. A
    weak ETag may be shared by semantically equal representations (RFC 9110
    §8.8.1), but a cache that revalidates several stored variants with one
    304 could then update and serve the wrong coding (RFC 9111 §4.3.4), so each
    coding has its own. Every 200 and 304 says ``Vary: Accept-Encoding``. A
    body of ``MIN_SIZE`` bytes or more is compressed once: the response cache
    keeps the coded bytes beside the plain ones (the ETag and the coding name
    the entry), so a cached hit is sent as stored, and a client asking for
    another coding gets it from the plain bytes without the view running.
    """

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.validators = self.cache_key = self.fingerprint = None
        self.coding, self.from_cache = IDENTITY, False
        if request.method not in ("GET", "HEAD"):
            return
        self.scope = self.validator_scope()
        # A request without validators cannot be a 304, and with the response cache off nothing but the view
        # can answer it: what the view would read next comes in the fingerprint's statement (one round trip).
        conditional = "HTTP_IF_NONE_MATCH" in request.META or "HTTP_IF_MODIFIED_SINCE" in request.META
        extra = () if conditional or settings.API_RESPONSE_CACHE_SECONDS else self.validator_extra()
        fingerprint = self.fingerprint = api_fingerprint(objects=self.scope, extra=extra)
        last_modified = fingerprint.of(self.scope)[1]
        self.coding = coding_negotiate(request.META.get("HTTP_ACCEPT_ENCODING", ""))
        path, signed_in = request.get_full_path(), request.user.is_authenticated
        key = f"{API_VERSION}|{self.code_version()}|{self.validator_key(fingerprint)}|{path}|{signed_in}"
        tag = hashlib.blake2b(key.encode(), digest_size=12).hexdigest()
        etag = f'W/"{tag}"' if self.coding == IDENTITY else f'W/"{tag}-{self.coding}"'
        self.validators = (etag, last_modified)
        not_modified = get_conditional_response(request._request, etag=etag, last_modified=int(last_modified.timestamp()))
        if not_modified is not None:
            raise _Answered(not_modified)
        if settings.API_RESPONSE_CACHE_SECONDS and not request.user.is_authenticated:
            self.cache_key = f"api:response:{tag}"
            self._answer_from_cache()

    def _answer_from_cache(self) -> None:
        """Answer with the cached body in the negotiated coding, or in it from the cached plain body (kept too)."""
        plain, coded = f"{self.cache_key}:{IDENTITY}", f"{self.cache_key}:{self.coding}"
        found = cache.get_many([plain, coded] if coded != plain else [plain])
        body, coding = found.get(coded), self.coding
        if body is None and plain in found:
            body = found[plain]
            if coding != IDENTITY and len(body) >= MIN_SIZE:
                body = body_encode(body, coding)
                cache.set(coded, body, settings.API_RESPONSE_CACHE_SECONDS)
            else:
                coding = IDENTITY
        if body is None:
            return
        response = HttpResponse(body, content_type="application/json")
        if coding != IDENTITY:
            response["Content-Encoding"] = coding
        self.from_cache = True  # sent as stored: nothing to compress or keep
        raise _Answered(response)

    def validator_scope(self) -> Scope:
        """The objects whose changes are the only ones this response shows, as (kind, address);
        empty (the default): any public change may change it."""
        return ()

    def validator_extra(self) -> tuple:
        """(scalar SQL, params) the view will read anyway, read in the fingerprint's statement when the request
        can only be answered by the view (``self.fingerprint.extra`` then holds the values); none by default."""
        return ()

    def code_version(self) -> str:
        """What a deploy changes in this view's output (the apps' views name their code's digest)."""
        return ""

    def validator_key(self, fingerprint: Fingerprint) -> str:
        """What the response depends on besides the path; views whose output also moves with time extend it."""
        return fingerprint.of(self.scope)[0]

    def handle_exception(self, exc):
        if isinstance(exc, _Answered):
            self.cache_key = None  # already cached (or a 304)
            return exc.response
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        validators = getattr(self, "validators", None)
        if validators and response.status_code in (200, 304):
            etag, last_modified = validators
            response["ETag"] = etag
            response["Last-Modified"] = _http_date(int(last_modified.timestamp()))
            patch_vary_headers(response, ["Accept-Encoding"])
            if request.user.is_authenticated:
                patch_cache_control(response, private=True, no_cache=True)
            elif response.has_header("Cache-Control"):
                patch_cache_control(response, public=True, max_age=settings.API_CACHE_MAX_AGE)
            else:  # as patch_cache_control would write it, without parsing an empty header
                response["Cache-Control"] = f"public, max-age={settings.API_CACHE_MAX_AGE}"
        if response.status_code in _EDGE_KEPT and not request.user.is_authenticated:
            edge.keys_mark(response, self.edge_keys(), short=response.status_code in _EDGE_SHORT)
        if validators and response.status_code == 200 and not response.streaming and not self.from_cache:
            self._encode_and_keep(response)
        return response

    def edge_keys(self) -> list[str]:
        """The surrogate keys of this response for the edge (``newsroom/edge.py``); none (the default): the
        edge does not keep it."""
        return []

    def _encode_and_keep(self, response) -> None:
        """Compress the body in the negotiated coding (when big enough) and keep both in the response cache."""
        if isinstance(response, Response):
            response.render()
        plain = response.content
        kept = {f"{self.cache_key}:{IDENTITY}": plain}
        if self.coding != IDENTITY and len(plain) >= MIN_SIZE and not response.has_header("Content-Encoding"):
            response.content = kept[f"{self.cache_key}:{self.coding}"] = body_encode(plain, self.coding)
            response["Content-Encoding"] = self.coding
        if self.cache_key:
            cache.set_many(kept, settings.API_RESPONSE_CACHE_SECONDS)
