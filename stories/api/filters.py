"""The story list's filters (django-filter): an invalid value is a 400 that names its parameter."""

from datetime import UTC

import django_filters
from django import forms
from django.core.validators import validate_slug
from django_filters.fields import IsoDateTimeField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from stories.models import Story
from stories.search import story_search_ranked


class SlugListField(forms.CharField):
    """One or several slugs, comma-separated: ``?topic=peru,mexico``."""

    def to_python(self, value):
        slugs = [s.strip() for s in (super().to_python(value) or "").split(",") if s.strip()]
        for slug in slugs:
            validate_slug(slug)
        return slugs


@extend_schema_field(OpenApiTypes.STR)
class SlugListFilter(django_filters.Filter):
    field_class = SlugListField


class UtcDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time, converted to UTC (PostgreSQL refuses offsets beyond ±15:59)."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return value
        try:
            return value.astimezone(UTC)
        except (OverflowError, ValueError):
            raise forms.ValidationError("This date-time is out of range.", code="invalid") from None


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


class StoryFilter(django_filters.FilterSet):
    topic = SlugListFilter(method="filter_topic", help_text="Stories tagged with any of these topic slugs (comma-separated).")
    outlet = SlugListFilter(method="filter_outlet", help_text="Stories citing any of these outlet slugs (comma-separated).")
    published_after = UtcDateTimeFilter(
        field_name="first_published_at", lookup_expr="gte", help_text="First published at or after (ISO 8601)."
    )
    published_before = UtcDateTimeFilter(
        field_name="first_published_at", lookup_expr="lt", help_text="First published before (ISO 8601)."
    )
    q = django_filters.CharFilter(
        method="filter_text",
        max_length=200,
        help_text='Full-text search (words, "a phrase", -excluded, or). Results come best first, each with a '
        "`snippet`, unless `ordering` is given.",
    )
    ordering = django_filters.OrderingFilter(
        fields=(("first_published_at", "published"), ("last_published_at", "updated"), ("live_headline", "headline")),
        help_text="published, updated or headline; prefix with - for descending. Default: -published.",
    )

    class Meta:
        model = Story
        fields = []

    # The relation filters are subqueries on the live link tables rather than
    # joins, so a story tagged with two of the topics appears once, no DISTINCT.
    def filter_topic(self, queryset, name, slugs):
        if not slugs:
            return queryset
        links = Story.live_topics.through.objects.filter(topic__slug__in=slugs).values("story_id")
        return queryset.filter(id__in=links)

    def filter_outlet(self, queryset, name, slugs):
        if not slugs:
            return queryset
        links = Story.live_outlets.through.objects.filter(outlet__slug__in=slugs).values("story_id")
        return queryset.filter(id__in=links)

    def filter_text(self, queryset, name, value):
        # The site's search (stories/search.py), best first unless ordering= says otherwise: on PostgreSQL the
        # stored, weighted document of each live story (a GIN-indexed join, one row per story); on SQLite every
        # word in the headline, text or a topic name.
        return story_search_ranked(queryset, query=value)
