"""Conditional requests for the API: one cheap fingerprint of all public content, ETags, 304s, a response cache."""

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date
from rest_framework.response import Response

from newsroom.changes.feed import changes_state

API_VERSION = "1"
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Fingerprint:
    """What API validators are computed from: a key that changes with any public change, and times."""

    key: str
    last_modified: datetime
    horizon: int | None = None  # up to where the change log was final (newsroom/changes/feed.py)


def api_fingerprint() -> Fingerprint:
    """A fingerprint of all public content and the time it last changed, in one cheap query.

    Every public change (stories, topics, questions, outlets, and whatever
    shows them) appends to the change log in its transaction, so its key
    (``newsroom/changes/feed.py``) moves whenever any API response may change.
    Outlets' count and latest edit join it, so an outlet saved in place
    without going through its service still shows at once.
    """
    outlets = apps.get_model("sources", "Outlet")._meta.db_table  # by label: this layer imports no app
    state = changes_state(also=(f"(SELECT COUNT(*) FROM {outlets})", f"(SELECT MAX(updated_at) FROM {outlets})"))
    return Fingerprint(key=state.key, last_modified=_aware(state.last_at) or EPOCH, horizon=state.horizon)


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
    and a response cache keyed by the ETag for anonymous clients.

    The ETag hashes the content fingerprint (which moves with every public
    change), the path and query, so a cached body is never stale: a change
    makes a new key and old entries simply age out. The check runs after
    authentication and throttling (``initial``) and before any content query:
    a 304 or a cached body costs one small query.
    """

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.validators = self.cache_key = self.fingerprint = None
        if request.method not in ("GET", "HEAD"):
            return
        fingerprint = self.fingerprint = api_fingerprint()
        last_modified = fingerprint.last_modified
        key = f"{API_VERSION}|{self.validator_key(fingerprint)}|{request.get_full_path()}|{request.user.is_authenticated}"
        etag = 'W/"' + hashlib.blake2b(key.encode(), digest_size=12).hexdigest() + '"'
        self.validators = (etag, last_modified)
        not_modified = get_conditional_response(request._request, etag=etag, last_modified=int(last_modified.timestamp()))
        if not_modified is not None:
            raise _Answered(not_modified)
        if settings.API_RESPONSE_CACHE_SECONDS and not request.user.is_authenticated:
            self.cache_key = f"api:response:{etag}"
            body = cache.get(self.cache_key)
            if body is not None:
                raise _Answered(HttpResponse(body, content_type="application/json"))

    def validator_key(self, fingerprint: Fingerprint) -> str:
        """What the response depends on besides the path; views whose output also moves with time extend it."""
        return fingerprint.key

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
            response["Last-Modified"] = http_date(last_modified.timestamp())
            if request.user.is_authenticated:
                patch_cache_control(response, private=True, no_cache=True)
            else:
                patch_cache_control(response, public=True, max_age=settings.API_CACHE_MAX_AGE)
        if getattr(self, "cache_key", None) and response.status_code == 200 and not response.streaming:
            if isinstance(response, Response):
                response.render()
            cache.set(self.cache_key, response.content, settings.API_RESPONSE_CACHE_SECONDS)
        return response
