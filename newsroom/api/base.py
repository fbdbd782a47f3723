"""The API's shared pieces: throttle, sparse fields, plain representations, schema helpers, the base viewset."""

import functools
from datetime import datetime

from django.conf import settings
from django.db import connections
from django.urls import reverse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle

from newsroom import edge

from .conditional import ConditionalGetMixin
from .pagination import KeysetPagination

# --- Throttling -------------------------------------------------------------


class AnonymousThrottle(AnonRateThrottle):
    """Per-address rate for anonymous clients; the rate comes from settings.API_THROTTLE_ANON.

    Read at each request (not at import, as DRF's class attribute is), so a
    deployment or a test can change it; an empty rate switches it off.
    """

    def get_rate(self):
        return settings.API_THROTTLE_ANON or None

    def get_ident(self, request):
        """The client's address: the connection's, or, behind ``API_TRUSTED_PROXIES`` proxies of ours, the one the
        outermost of them saw (each appends the address it received from to X-Forwarded-For). Whatever a
        client writes in that header itself is ignored, so rotating it gets no one past the limit."""
        remote = request.META.get("REMOTE_ADDR", "")
        proxies = settings.API_TRUSTED_PROXIES
        if proxies <= 0:
            return remote
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        chain = [*forwarded, remote]
        return chain[-(proxies + 1)] if len(chain) > proxies else chain[0]

    def __init__(self):
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)


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
    "fields",
    str,
    description="A sparse list: only these fields of each item (comma-separated), and always `slug`. Such items "
    "are partial: they do not hold every required field of the item type, so parse them as plain objects. "
    "Leave it out for complete, typed items. An unknown field name is a 400.",
)

ErrorSerializer = inline_serializer(
    "Error",
    fields={"detail": serializers.CharField(help_text="What went wrong.")},
)
BAD_REQUEST = OpenApiResponse(
    description="A query parameter is invalid; the body maps each bad parameter to its messages.",
    response={"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
)
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No published object has this slug.")
THROTTLED = OpenApiResponse(ErrorSerializer, description="Too many requests; see the Retry-After header.")


def list_schema(response, *, sparse: bool = True, parameters=(), **kwargs):
    """A list operation: its item serializer, ``?fields=``, and the errors it may answer."""
    return extend_schema(
        parameters=[*([FIELDS_PARAMETER] if sparse else []), *parameters] or None,
        responses={200: response, 400: BAD_REQUEST, 429: THROTTLED},
        **kwargs,
    )


MOVED = OpenApiResponse(description="The story's id, or a slug it had before: the Location header is its address.")
GONE = OpenApiResponse(
    inline_serializer("Gone", fields={"detail": serializers.CharField(), "slug": serializers.CharField()}),
    description="The story was published and then unpublished.",
)


def detail_schema(response, *, moves: bool = False, **kwargs):
    """A detail operation: its serializer and the errors it may answer (``moves``: also 301 and 410)."""
    extra = {301: MOVED, 410: GONE} if moves else {}
    return extend_schema(responses={200: response, **extra, 404: NOT_FOUND, 429: THROTTLED}, **kwargs)


# --- Base viewset -----------------------------------------------------------


class FilterBackend(DjangoFilterBackend):
    """django-filter, skipped when the request names none of the filterset's parameters
    (building and validating its form costs more than the rest of a cached list)."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None or not any(name in request.query_params for name in filterset_class.base_filters):
            return queryset
        return super().filter_queryset(request, queryset, view)


_PLAIN_ACCEPT = frozenset(("", "*/*", JSONRenderer.media_type))
_JSON = JSONRenderer()  # holds no state of a request


class PublicViewSet(ConditionalGetMixin, viewsets.ReadOnlyModelViewSet):
    """Read-only, published content, cached and throttled; subclasses set the querysets."""

    api_lane = True  # served past the middleware made for people (lane.py)
    replica_reads = True  # anonymous public reads: a read replica fresh enough may answer (newsroom/db/router.py)
    authentication_classes = ()  # public content: a session or credentials change nothing
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    pagination_class = KeysetPagination
    filter_backends = [FilterBackend]
    throttle_classes = [AnonymousThrottle]
    list_serializer_class = None
    # The fields a list's serializer and cursor read, when they read nothing else (no model method, no relation):
    # the first page of the unfiltered list then comes as plain rows from SQL compiled once (pagination.py).
    light_rows: tuple[str, ...] | None = None
    change_kind: str | None = None  # the change log's kind of the objects (ChangeEvent.Kind): a detail's validators are its own

    def validator_scope(self):
        """A detail (and its sub-resources, such as ninjs) shows its object: its validators come from that
        object's entries in the change log, which also record every change of what its detail shows."""
        if self.detail and self.change_kind and self.lookup_field in self.kwargs:
            return ((self.change_kind, self.kwargs[self.lookup_field]),)
        return ()

    def edge_keys(self) -> list[str]:
        """A detail: its object's key (by address; a story's id redirects to its address, and is not kept). A
        list: its kind's list (a list filtered by topics too: a story tagged or untagged changes the stories)."""
        if not self.change_kind:
            return []
        if self.action == "list":
            return [edge.list_key(self.change_kind)]
        slug = self.kwargs.get(self.lookup_field, "")
        return [edge.object_key(self.change_kind, slug)] if slug and not slug.isdigit() else []

    def perform_content_negotiation(self, request, force=False):
        """JSON, as DRF would choose it, without parsing the Accept header of the usual requests (an app's
        ``application/json``, a client's ``*/*`` or none); anything else (a format parameter or suffix, another
        media type, options) is DRF's to judge."""
        if (
            request.META.get("HTTP_ACCEPT", "") in _PLAIN_ACCEPT
            and not self.format_kwarg
            and api_settings.URL_FORMAT_OVERRIDE not in request.query_params
            and self.renderer_classes[0] is JSONRenderer
        ):
            return _JSON, JSONRenderer.media_type
        return super().perform_content_negotiation(request, force)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.action != "list" and "fields" in request.query_params:  # said, not silently ignored
            raise ValidationError({"fields": ["Only lists take fields=; a detail always has all of its fields."]})

    def light_rows_apply(self, queryset) -> bool:
        """Whether this list's page is the view's own queryset, unfiltered (then ``light_rows`` may serve it)."""
        if queryset.db and connections[queryset.db].vendor != "postgresql":
            return False
        filterset = getattr(self, "filterset_class", None)
        params = self.request.query_params
        return filterset is None or not any(name in params for name in filterset.base_filters)

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


def schema_contract_hook(result, generator, request, public):
    """What a client generator should read from the schema, beyond what the views declare.

    - Every field of every object is always there (null when it has no value):
      all are required, so a generated client types them fully. A sparse list
      (``fields=``) is the one exception, and its parameter says so.
    - No authentication: the API is public and read-only (a signed-in editor's
      session changes nothing but the caching), so no security scheme is listed.
    - Ordering values get names (``x-enum-varnames``): ``-published`` is
      ``PUBLISHED_DESC``, not ``VALUE_0``.
    - The ``slug`` path parameter says what it takes.
    """
    result.get("components", {}).pop("securitySchemes", None)
    for component in result.get("components", {}).get("schemas", {}).values():
        if component.get("properties"):
            component["required"] = sorted(component["properties"])
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            operation.pop("security", None)
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                schema = schema.get("items", schema)  # ordering is a list (comma-separated) of named values
                if parameter["name"] == "ordering" and "enum" in schema:
                    schema["x-enum-varnames"] = [
                        f"{value.lstrip('-')}_desc" if value.startswith("-") else value for value in schema["enum"]
                    ]
                if parameter["name"] == "slug" and not parameter.get("description"):
                    parameter["description"] = (
                        "The object's slug (a story's id or an earlier slug answers 301 to its address)."
                        if path.startswith("/api/v1/stories/")
                        else "The object's slug."
                    )
    return result
