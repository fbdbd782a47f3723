"""Offline sync: the public change log, replayed in order.

``GET /api/v1/sync/?since=<cursor>`` returns the changes after the cursor (a
``ChangeEvent`` id), oldest first. Each change carries the object's *current*
public representation (an upsert), or is a tombstone when the object is no
longer public, whatever the logged action was; within one page only an
object's last change is sent. A client that applies the changes in order
and keeps ``next_cursor`` therefore ends with exactly the published set,
from the start (``since=0``) or from any cursor it was given.

Ids are handed out at insert time but become visible at commit, so a
transaction still open could commit an id below one already read. The
cursor is therefore never moved past changes younger than
``API_SYNC_SETTLE_SECONDS``: they are sent, and sent again next time.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from faq.api import QuestionDetailSerializer, question_public_queryset
from newsroom.api import BAD_REQUEST, THROTTLED, AnonymousThrottle, ConditionalGetMixin
from sources.api import OutletListItemSerializer
from sources.models import Outlet
from stories.models import ChangeEvent
from stories.selectors import story_live_queryset, story_page_with
from topics.api import TopicListItemSerializer
from topics.models import Topic

from .references import PAGE_FIELDS, view_references
from .serializers import StoryDetailSerializer

MAX_LIMIT = 500
BIGINT = 2**63 - 1


class SyncQuerySerializer(serializers.Serializer):
    since = serializers.IntegerField(
        min_value=0, max_value=BIGINT, default=0, help_text="The cursor: 0 for everything, else a next_cursor."
    )
    limit = serializers.IntegerField(
        min_value=1, max_value=BIGINT, default=100, help_text=f"Changes per page (at most {MAX_LIMIT})."
    )


@extend_schema_field(OpenApiTypes.OBJECT)
class AnyDataField(serializers.JSONField):
    pass


class ChangeSerializer(serializers.Serializer):
    cursor = serializers.IntegerField(help_text="This change's position in the log.")
    kind = serializers.ChoiceField(choices=ChangeEvent.Kind.choices)
    action = serializers.ChoiceField(choices=ChangeEvent.Action.choices, help_text="upsert, or delete (a tombstone).")
    id = serializers.IntegerField(help_text="The object's id: the key to upsert or delete by.")
    slug = serializers.CharField()
    data = AnyDataField(
        allow_null=True, help_text="For an upsert, the object as its detail endpoint shows it; null for a tombstone."
    )


class SyncPageSerializer(serializers.Serializer):
    changes = ChangeSerializer(many=True)
    next_cursor = serializers.IntegerField(help_text="Pass it as `since` next time.")
    has_more = serializers.BooleanField(help_text="More changes are waiting: ask again at once with next_cursor.")


@dataclass
class Change:
    cursor: int
    kind: str
    action: str
    id: int
    slug: str
    data: dict | None


def sync_page(*, since: int, limit: int, context: dict, refs) -> dict:
    """One page of the change log after ``since``: a fixed number of queries whatever its length."""
    events = list(ChangeEvent.objects.filter(id__gt=since).order_by("id")[: limit + 1])
    has_more = len(events) > limit
    events = events[:limit]
    last = {(e.kind, e.object_id): e.id for e in events}
    current = _public_objects(last.keys(), context=context, refs=refs)
    changes = []
    for event in events:
        key = (event.kind, event.object_id)
        if last[key] != event.id:
            continue  # a later change of the same object in this page supersedes it
        data = current.get(key)
        changes.append(Change(
            cursor=event.id, kind=event.kind, id=event.object_id,
            action=ChangeEvent.Action.UPSERT if data else ChangeEvent.Action.DELETE,
            slug=data["slug"] if data else event.slug, data=data,
        ))
    return {"changes": changes, "next_cursor": _next_cursor(since, events, has_more), "has_more": has_more}


def _next_cursor(since: int, events: list, has_more: bool) -> int:
    if not events:
        return since
    horizon = timezone.now() - timedelta(seconds=settings.API_SYNC_SETTLE_SECONDS)
    settled = since
    for event in events:
        if event.created_at > horizon:
            break
        settled = event.id
    # A full page of fresh changes must still move the client on.
    return events[-1].id if has_more and settled == since else settled


def _public_objects(keys, *, context: dict, refs) -> dict:
    """The current public representation of each (kind, id) that is public; absent ones are gone."""
    ids = {kind: [oid for k, oid in keys if k == kind] for kind in ChangeEvent.Kind.values}
    found = {}
    if ids["story"]:
        for story in story_live_queryset().prefetch_related(None).only(*PAGE_FIELDS).filter(id__in=ids["story"]):
            page = story_page_with(story=story, topics=refs.topics, questions=refs.questions, outlets=refs.outlets)
            found[("story", story.id)] = StoryDetailSerializer(page, context=context).data
    if ids["topic"]:
        for topic in Topic.objects.filter(id__in=ids["topic"]):
            found[("topic", topic.id)] = TopicListItemSerializer(topic, context=context).data
    if ids["question"]:
        for question in question_public_queryset(with_items=True).filter(id__in=ids["question"]):
            found[("question", question.id)] = QuestionDetailSerializer(question, context=context).data
    if ids["outlet"]:
        for outlet in Outlet.objects.filter(id__in=ids["outlet"]):
            found[("outlet", outlet.id)] = OutletListItemSerializer(outlet, context=context).data
    return found


class SyncView(ConditionalGetMixin, GenericAPIView):
    """The change feed for offline clients."""

    throttle_classes = [AnonymousThrottle]
    serializer_class = SyncPageSerializer
    pagination_class = None
    filter_backends = []

    @extend_schema(
        parameters=[SyncQuerySerializer],
        responses={200: SyncPageSerializer, 400: BAD_REQUEST, 429: THROTTLED},
    )
    def get(self, request):
        query = SyncQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        page = sync_page(
            since=query.validated_data["since"], limit=min(query.validated_data["limit"], MAX_LIMIT),
            context=self.get_serializer_context(), refs=view_references(self),
        )
        return Response(SyncPageSerializer(page).data)

    def validator_key(self, fingerprint) -> str:
        # Changes younger than the settle time hold the cursor back, so while
        # there are any the same log can give a later cursor a moment later.
        if fingerprint.last_event_at and fingerprint.last_event_at > timezone.now() - timedelta(
            seconds=settings.API_SYNC_SETTLE_SECONDS
        ):
            return f"{fingerprint.key}|{timezone.now().timestamp() // max(settings.API_SYNC_SETTLE_SECONDS, 1)}"
        return fingerprint.key
