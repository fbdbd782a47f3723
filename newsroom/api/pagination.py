"""Keyset cursor pagination for the API's lists."""

import base64
import binascii
import json
from datetime import datetime

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connections
from django.db.models import Q, QuerySet
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param


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
        position = self._decode(request.query_params.get(self.cursor_query_param), queryset)
        fields = getattr(view, "light_rows", None) if view is not None else None
        if position is None and fields and view.light_rows_apply(queryset):
            rows = _light_first_page(queryset, type(view), fields, size + 1)
        else:
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

    def _decode(self, raw: str | None, queryset: QuerySet) -> list | None:
        if raw is None or not raw.strip():  # an empty cursor (a client's "no cursor yet") is the first page
            return None
        invalid = ValidationError({self.cursor_query_param: ["Not a cursor this list gave, or one for another ordering."]})
        try:
            padded = raw + "=" * (-len(raw) % 4)
            ordering, values = json.loads(base64.urlsafe_b64decode(padded.encode()))
            if ordering != ",".join(self.ordering) or len(values) != len(self.ordering):
                raise invalid
            fields = [self._field(queryset, name.lstrip("-")) for name in self.ordering]
            position = [field.to_python(value) for field, value in zip(fields, values, strict=True)]
        except (ValueError, TypeError, binascii.Error, DjangoValidationError, UnicodeError):
            raise invalid from None
        if any(v is None for v in position):
            raise invalid
        return position

    @staticmethod
    def _field(queryset: QuerySet, name: str):
        """The model field, or the annotation's output field (a search rank), that a cursor value converts by."""
        annotation = queryset.query.annotations.get(name)
        return annotation.output_field if annotation is not None else queryset.model._meta.get_field(name)

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
                "name": self.cursor_query_param,
                "in": "query",
                "required": False,
                "description": "Opaque cursor from a previous page's `next_cursor`; empty or absent: the first page.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "in": "query",
                "required": False,
                "description": f"Rows per page (default {self.page_size}, at most {self.max_page_size}).",
                "schema": {"type": "integer", "minimum": 1},
            },
        ]


# --- The first page of a plain list, compiled once ---------------------------------------------------------------


class LightRow:
    """A list row as plain attributes (``PublicViewSet.light_rows`` names them): what a list's serializer and
    the cursor read, without a model instance per row."""

    __slots__ = ("__dict__",)


_first_pages: dict[tuple, tuple[str, tuple]] = {}


def _light_first_page(queryset: QuerySet, view_class: type, fields: tuple[str, ...], limit: int) -> list[LightRow]:
    """The first ``limit`` rows of ``queryset`` (a view's own queryset, unfiltered) as ``LightRow``s.

    The first page of a list no filter narrows is its most requested one (an app's refresh); compiling its
    query and making a model instance of each row cost more than running it. The SQL depends only on the
    view and the page size, so it is compiled once per process for each, and run with a raw cursor.
    PostgreSQL only (elsewhere the raw cursor's values want the ORM's converters).
    """
    key = (view_class, fields, limit)
    compiled = _first_pages.get(key)
    if compiled is None:
        compiled = _first_pages[key] = queryset.values_list(*fields)[:limit].query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(*compiled)
        found = cursor.fetchall()
    rows = []
    for values in found:
        row = LightRow()
        row.__dict__.update(zip(fields, values, strict=True))
        rows.append(row)
    return rows
