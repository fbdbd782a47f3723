"""What every endpoint of the public API shares.

The API is read-only and shows published content only. Each viewset builds on
``PublicViewSet``, which adds conditional requests (ETag, Last-Modified, 304),
Cache-Control, the anonymous throttle, keyset cursor pagination and sparse
``?fields=`` on lists. The apps' ``api`` modules hold the serializers,
filtersets and viewsets; ``newsroom/api_urls.py`` mounts them at ``/api/v1/``.
"""

import base64
import binascii
import functools
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.utils.urls import replace_query_param

API_VERSION = "1"
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


# --- Conditional requests ---------------------------------------------------


@dataclass(frozen=True)
class Fingerprint:
    """What API validators are computed from: a key that changes with any public change, and times."""

    key: str
    last_modified: datetime
    last_event_at: datetime | None


def api_fingerprint() -> Fingerprint:
    """A fingerprint of all public content and the time it last changed, in one cheap query.

    Every public change appends a ``ChangeEvent`` (stories, topics, questions),
    so the last event's id moves whenever any API response may change; outlets
    are reference data edited in place, so their count and latest edit time
    stand in for them. Each part is an index lookup or a scan of a small table.
    """
    from sources.models import Outlet
    from stories.models import ChangeEvent

    events, outlets = ChangeEvent._meta.db_table, Outlet._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT id FROM {events} ORDER BY id DESC LIMIT 1),"  # table names from _meta
            f" (SELECT created_at FROM {events} ORDER BY id DESC LIMIT 1),"
            f" (SELECT COUNT(*) FROM {outlets}), (SELECT MAX(updated_at) FROM {outlets})"
        )
        last_id, last_at, outlet_count, outlet_at = cursor.fetchone()
    last_at, outlet_at = _aware(last_at), _aware(outlet_at)
    times = [t for t in (last_at, outlet_at) if t is not None]
    return Fingerprint(
        key=f"{last_id}.{outlet_count}.{outlet_at}", last_modified=max(times, default=EPOCH), last_event_at=last_at
    )


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
        self.validators = self.cache_key = None
        if request.method not in ("GET", "HEAD"):
            return
        fingerprint = api_fingerprint()
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
        if getattr(self, "cache_key", None) and response.status_code == 200 and isinstance(response, Response):
            response.render()
            cache.set(self.cache_key, response.content, settings.API_RESPONSE_CACHE_SECONDS)
        return response


# --- Throttling -------------------------------------------------------------


class AnonymousThrottle(AnonRateThrottle):
    """Per-address rate for anonymous clients; the rate comes from settings.API_THROTTLE_ANON.

    Read at each request (not at import, as DRF's class attribute is), so a
    deployment or a test can change it; an empty rate switches it off.
    """

    def get_rate(self):
        return settings.API_THROTTLE_ANON or None

    def __init__(self):
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)


# --- Keyset cursor pagination ----------------------------------------------


class KeysetPagination(BasePagination):
    """Cursor pagination on the queryset's ordering plus ``id`` as the tie-breaker.

    The cursor holds the last row's sort values, so a page never repeats or
    skips rows when stories are published in between (new ones sort before
    the cursor). No COUNT query: one query per page, one row more than asked
    to know whether there is a next page.
    """

    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    page_size = 20
    max_page_size = 100

    def paginate_queryset(self, queryset: QuerySet, request, view=None):
        self.request = request
        self.ordering = self._ordering(queryset)
        size = self._page_size(request)
        queryset = queryset.order_by(*self.ordering)
        position = self._decode(request.query_params.get(self.cursor_query_param), queryset.model)
        if position is not None:
            queryset = queryset.filter(self._after(position))
        rows = list(queryset[: size + 1])
        self.next_cursor = self._encode(rows[size - 1]) if len(rows) > size else None
        return rows[:size]

    def get_paginated_response(self, data):
        return Response({"next": self.get_next_link(), "next_cursor": self.next_cursor, "results": data})

    def get_next_link(self):
        if self.next_cursor is None:
            return None
        return replace_query_param(self.request.build_absolute_uri(), self.cursor_query_param, self.next_cursor)

    def _ordering(self, queryset) -> list[str]:
        ordering = [o for o in queryset.query.order_by if isinstance(o, str)] or list(queryset.model._meta.ordering)
        if not any(o.lstrip("-") in ("id", "pk") for o in ordering):
            ordering.append("-id" if ordering and ordering[0].startswith("-") else "id")
        return ordering

    def _page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw in (None, ""):
            return self.page_size
        if not raw.isdigit() or int(raw) < 1:
            raise ValidationError({self.page_size_query_param: ["A whole number of 1 or more."]})
        return min(int(raw), self.max_page_size)

    def _encode(self, row) -> str:
        values = [getattr(row, name.lstrip("-")) for name in self.ordering]
        payload = [",".join(self.ordering), [v.isoformat() if isinstance(v, datetime) else v for v in values]]
        return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")

    def _decode(self, raw: str | None, model) -> list | None:
        if raw is None:
            return None
        invalid = ValidationError({self.cursor_query_param: ["Not a cursor this list gave, or one for another ordering."]})
        try:
            padded = raw + "=" * (-len(raw) % 4)
            ordering, values = json.loads(base64.urlsafe_b64decode(padded.encode()))
            if ordering != ",".join(self.ordering) or len(values) != len(self.ordering):
                raise invalid
            fields = [model._meta.get_field(name.lstrip("-")) for name in self.ordering]
            position = [field.to_python(value) for field, value in zip(fields, values, strict=True)]
        except (ValueError, TypeError, binascii.Error, DjangoValidationError, UnicodeError):
            raise invalid from None
        if any(v is None for v in position):
            raise invalid
        return position

    def _after(self, position: list) -> Q:
        """Rows after ``position`` in lexicographic order of the ordering fields."""
        condition = Q()
        for i, name in enumerate(self.ordering):
            field = name.lstrip("-")
            lookup = "lt" if name.startswith("-") else "gt"
            ties = {other.lstrip("-"): position[j] for j, other in enumerate(self.ordering[:i])}
            condition |= Q(**ties, **{f"{field}__{lookup}": position[i]})
        # The same condition bounded on the first field too, so an index on it starts at the cursor.
        first = self.ordering[0]
        return Q(**{f"{first.lstrip('-')}__{'lte' if first.startswith('-') else 'gte'}": position[0]}) & condition

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "next_cursor", "results"],
            "properties": {
                "next": {"type": "string", "format": "uri", "nullable": True, "description": "The next page, if any."},
                "next_cursor": {"type": "string", "nullable": True, "description": "The `cursor` of the next page."},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param, "in": "query", "required": False,
                "description": "Opaque cursor from a previous page's `next_cursor`.", "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param, "in": "query", "required": False,
                "description": f"Rows per page (default {self.page_size}, at most {self.max_page_size}).",
                "schema": {"type": "integer", "minimum": 1},
            },
        ]


# --- Sparse fields ----------------------------------------------------------


class SparseFieldsMixin:
    """A serializer that keeps only the fields named in ``fields`` (and always ``slug``)."""

    always_fields = ("slug",)

    def __init__(self, *args, fields: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.sparse = None
        if fields:
            unknown = sorted(set(fields) - set(self.fields))
            if unknown:
                raise ValidationError(
                    {"fields": [f"Unknown field(s): {', '.join(unknown)}. Choose from: {', '.join(self.fields)}."]}
                )
            for name in list(self.fields):
                if name not in fields and name not in self.always_fields:
                    self.fields.pop(name)
            self.sparse = list(self.fields)


class PlainRepresentation:
    """A serializer whose declared fields document the schema, and whose output ``represent()`` builds.

    DRF renders field by field, tens of microseconds for each nested object;
    the hot endpoints build plain dicts instead. Every response is validated
    in the tests against the schema generated from the declared fields (no
    undocumented key allowed), so the two cannot drift apart unnoticed.
    """

    def represent(self, instance) -> dict:
        raise NotImplementedError

    def to_representation(self, instance):
        data = self.represent(instance)
        sparse = getattr(self, "sparse", None)
        return {name: data[name] for name in sparse} if sparse else data


def iso(value: datetime | None) -> str | None:
    """A datetime as DRF writes it (ISO 8601, UTC as Z)."""
    if value is None:
        return None
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


@functools.cache
def _path_around_slug(url_name: str) -> tuple[str, str]:
    marker = "slug-marker"
    before, after = reverse(url_name, kwargs={"slug": marker}).split(marker)
    return before, after


@functools.cache
def path_of(url_name: str) -> str:
    """A fixed path by URL name, resolved once per process."""
    return reverse(url_name)


def site_url(url_name: str, slug: str) -> str:
    """The canonical public address of a page addressed by slug, without a URL resolution per row."""
    before, after = _path_around_slug(url_name)
    return f"{settings.SITE_URL}{before}{slug}{after}"


FIELDS_PARAMETER = OpenApiParameter(
    "fields", str, description="Comma-separated fields to return for each item (slug is always returned).",
)

ErrorSerializer = inline_serializer(
    "Error", fields={"detail": serializers.CharField(help_text="What went wrong.")},
)
BAD_REQUEST = OpenApiResponse(
    description="A query parameter is invalid; the body maps each bad parameter to its messages.",
    response={"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
)
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No published object has this slug.")
THROTTLED = OpenApiResponse(ErrorSerializer, description="Too many requests; see the Retry-After header.")


def list_schema(response, *, sparse: bool = True, **kwargs):
    """A list operation: its item serializer, ``?fields=``, and the errors it may answer."""
    return extend_schema(
        parameters=[FIELDS_PARAMETER] if sparse else None,
        responses={200: response, 400: BAD_REQUEST, 429: THROTTLED},
        **kwargs,
    )


def detail_schema(response, **kwargs):
    """A detail operation: its serializer and the errors it may answer."""
    return extend_schema(responses={200: response, 404: NOT_FOUND, 429: THROTTLED}, **kwargs)


# --- Base viewset -----------------------------------------------------------


class PublicViewSet(ConditionalGetMixin, viewsets.ReadOnlyModelViewSet):
    """Read-only, published content, cached and throttled; subclasses set the querysets."""

    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    pagination_class = KeysetPagination
    throttle_classes = [AnonymousThrottle]
    list_serializer_class = None

    def get_serializer_class(self):
        if self.action == "list" and self.list_serializer_class is not None:
            return self.list_serializer_class
        return self.serializer_class

    def get_serializer(self, *args, **kwargs):
        if self.action == "list":
            kwargs["fields"] = self.sparse_fields()
        return super().get_serializer(*args, **kwargs)

    def sparse_fields(self) -> list[str] | None:
        raw = self.request.query_params.get("fields", "")
        return [name.strip() for name in raw.split(",") if name.strip()] or None


def absolute_url(path: str) -> str:
    """The public address of a site path (canonical: SITE_URL, not the request's host)."""
    return f"{settings.SITE_URL}{path}"


def schema_sparse_fields_hook(result, generator, request, public):
    """List items may be sparse (``?fields=``): only ``slug`` is sure to be there."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("ListItem"):
            component["required"] = [f for f in component.get("required", []) if f == "slug"]
    return result
