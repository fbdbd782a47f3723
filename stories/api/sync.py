"""Offline sync: the public change log, replayed in order (``GET /api/v1/sync/?since=<cursor>``).

Each change carries the object's *current* detail, exactly as its detail
endpoint shows it (an upsert), or is a tombstone when the object is no longer
public, whatever the logged action was; within one page only an object's last
change is sent. The log holds, for every change, every object whose detail
shows the changed one (``newsroom/changes/shows.py``), and it is read in an
order no late commit can break (``newsroom/changes/feed.py``). So a client
that applies the changes in order, keyed by ``(kind, id)``, and keeps
``next_cursor`` ends with exactly the published set, from ``since=0`` or from
any cursor the feed gave it.
"""

import json
from copy import copy
from dataclasses import dataclass

from django.db.models import Prefetch, prefetch_related_objects
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from faq.models import CommonQuestion
from newsroom.api import BAD_REQUEST, THROTTLED, AnonymousThrottle, ConditionalGetMixin, api_fingerprint
from newsroom.changes.feed import UnknownCursor, changes_after
from newsroom.changes.models import ChangeEvent
from stories.revisions import snapshot_image_ids
from stories.selectors import library_images, story_live_queryset, story_page_with, with_picture

from .kept import stories_api_json_keep, stories_kept_api_json
from .outlets import OutletDetailSerializer
from .questions import QuestionDetailSerializer, question_public_queryset
from .references import PAGE_FIELDS, References, latest_live_stories_by, references_for, view_references
from .serializers import StoryDetailSerializer
from .topics import TopicDetailSerializer
from .version import CodeVersionMixin

MAX_LIMIT = 500
BIGINT = 2**63 - 1
K = ChangeEvent.Kind
DETAILS = {
    K.STORY: StoryDetailSerializer,
    K.TOPIC: TopicDetailSerializer,
    K.QUESTION: QuestionDetailSerializer,
    K.OUTLET: OutletDetailSerializer,
}


class SyncQuerySerializer(serializers.Serializer):
    since = serializers.IntegerField(
        min_value=0,
        max_value=BIGINT,
        default=0,
        help_text="The cursor: 0 for everything, else a next_cursor (or a change's cursor) the feed gave.",
    )
    limit = serializers.IntegerField(
        min_value=1, max_value=BIGINT, default=100, help_text=f"Changes per page (at most {MAX_LIMIT})."
    )


def _change_serializer(kind: str, detail: type[serializers.Serializer]) -> type[serializers.Serializer]:
    """The schema of one kind's changes: its ``kind`` a single value, its ``data`` that kind's detail."""

    @extend_schema_field({"type": "string", "enum": [kind]})
    class KindField(serializers.CharField):
        pass

    class KindChange(serializers.Serializer):
        cursor = serializers.IntegerField(help_text="This change's position in the log.")
        kind = KindField(help_text="What kind of object changed: the key to parse `data` by.")
        action = serializers.ChoiceField(choices=ChangeEvent.Action.choices, help_text="upsert, or delete (a tombstone).")
        id = serializers.IntegerField(help_text="The object's id: the key to upsert or delete by.")
        slug = serializers.CharField()
        data = detail(
            allow_null=True, help_text="For an upsert, the object as its detail endpoint shows it; null for a tombstone."
        )

    name = f"{kind.capitalize()}Change"
    return type(name, (KindChange,), {"__module__": __name__, "__qualname__": name})


CHANGE_SERIALIZERS = {kind.value: _change_serializer(kind.value, detail) for kind, detail in DETAILS.items()}


class SyncPageSerializer(serializers.Serializer):
    """A page of the change feed: changes in the order they were committed. Apply them, keep `next_cursor`,
    and ask again with it (`has_more` says whether to ask at once)."""

    changes = PolymorphicProxySerializer(
        component_name="Change",
        serializers=CHANGE_SERIALIZERS,
        resource_type_field_name="kind",
        many=True,
    )
    next_cursor = serializers.IntegerField(help_text="Pass it as `since` next time.")
    has_more = serializers.BooleanField(help_text="More changes are waiting: ask again at once with next_cursor.")


@dataclass
class SyncChange:
    """One change as the feed sends it (the pipeline's ``Change`` is what was recorded)."""

    cursor: int
    kind: str
    action: str
    id: int
    slug: str
    data: dict | None


def sync_page(*, since: int, limit: int, context: dict, refs: References, horizon: int | None = None) -> dict:
    """One page of the change log after ``since``: a fixed number of queries whatever its length.

    ``horizon``: the one the request's fingerprint read, which also keys ``refs``
    (so no entry is sent with reference data older than it).
    """
    page = changes_after(since=since, limit=limit, horizon=horizon)
    last = {(e.kind, e.object_id): e.id for e in page.entries}
    current = _public_details(last.keys(), context=context, refs=refs)
    changes = []
    for event in page.entries:
        key = (event.kind, event.object_id)
        if last[key] != event.id:
            continue  # a later change of the same object in this page supersedes it
        data = current.get(key)
        changes.append(
            SyncChange(
                cursor=event.id,
                kind=event.kind,
                id=event.object_id,
                action=ChangeEvent.Action.UPSERT if data else ChangeEvent.Action.DELETE,
                slug=data["slug"] if data else event.slug,
                data=data,
            )
        )
    return {"changes": changes, "next_cursor": page.next_cursor, "has_more": page.has_more}


def public_details(keys) -> dict:
    """The current detail of each public (kind, id) in ``keys``, exactly as the sync feed sends it as ``data``,
    outside a request (webhook delivery); absent keys are not public (any more)."""
    return _public_details(list(keys), context={}, refs=references_for(fingerprint=api_fingerprint()))


def _public_details(keys, *, context: dict, refs: References) -> dict:
    """The current detail of each (kind, id) that is public; absent ones are gone."""
    ids = {kind: [oid for k, oid in keys if k == kind] for kind in K.values}
    found = {}
    if ids[K.STORY]:
        # The details kept at publish (``kept.py``): parsed, not serialised again; the rest from their revisions.
        kept = stories_kept_api_json(ids=ids[K.STORY], signature=refs.signature)
        found.update({(K.STORY, pk): json.loads(body) for pk, body in kept.items()})
        missing = [pk for pk in ids[K.STORY] if pk not in kept]
        stories = list(story_live_queryset().prefetch_related(None).only(*PAGE_FIELDS).filter(id__in=missing)) if missing else []
        images = library_images(i for s in stories for i in snapshot_image_ids(s.live_revision.data))  # at once, not per story
        # Serialised once and kept (a deploy with another API version, a story never read since it was published):
        # the next page that holds them reads them as kept.
        pages = [
            story_page_with(story=story, topics=refs.topics, questions=refs.questions, outlets=refs.outlets, images=images)
            for story in stories
        ]
        found.update({(K.STORY, pk): json.loads(body) for pk, body in stories_api_json_keep(pages=pages).items()})
    if ids[K.TOPIC]:
        # Rows from the reference maps; questions in one prefetch query, stories in one more.
        latest = latest_live_stories_by("live_topics", ids[K.TOPIC], refs)
        topics = [copy(refs.topics[pk]) for pk in ids[K.TOPIC] if pk in refs.topics]  # shared rows: annotate copies
        prefetch_related_objects(
            topics,
            Prefetch("questions", queryset=with_picture(CommonQuestion.objects.published()), to_attr="published_questions"),
        )
        for topic in topics:
            topic.latest_stories = latest[topic.id]
            found[(K.TOPIC, topic.id)] = TopicDetailSerializer(topic, context=context).data
    if ids[K.QUESTION]:
        for question in question_public_queryset(with_items=True).filter(id__in=ids[K.QUESTION]):
            found[(K.QUESTION, question.id)] = QuestionDetailSerializer(question, context=context).data
    if ids[K.OUTLET]:
        latest = latest_live_stories_by("live_outlets", ids[K.OUTLET], refs)
        for outlet in (copy(refs.outlets[pk]) for pk in ids[K.OUTLET] if pk in refs.outlets):
            outlet.latest_stories = latest[outlet.id]
            found[(K.OUTLET, outlet.id)] = OutletDetailSerializer(outlet, context=context).data
    return found


class SyncView(CodeVersionMixin, ConditionalGetMixin, GenericAPIView):
    """The change feed for offline clients."""

    api_lane = True  # served past the middleware made for people (newsroom/api/lane.py)
    authentication_classes = ()  # public content: a session or credentials change nothing
    throttle_classes = [AnonymousThrottle]
    serializer_class = SyncPageSerializer
    pagination_class = None
    filter_backends = []

    def validator_key(self, fingerprint) -> str:
        # A page also depends on the horizon: entries held back by a transaction that then ends
        # (even one that rolls back, adding nothing) become due without any new entry.
        return f"{fingerprint.key}|{fingerprint.horizon}"

    @extend_schema(
        description="Every public change since a cursor, in the order it was committed: each holds the object's "
        "public data (the same body as its detail endpoint) or says it was removed. Start with `since=0`, apply "
        "the changes, keep `next_cursor` and ask again with it; no change is ever skipped or repeated.",
        parameters=[SyncQuerySerializer],
        responses={200: SyncPageSerializer, 400: BAD_REQUEST, 429: THROTTLED},
    )
    def get(self, request):
        query = SyncQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        try:
            page = sync_page(
                since=query.validated_data["since"],
                limit=min(query.validated_data["limit"], MAX_LIMIT),
                context=self.get_serializer_context(),
                refs=view_references(self),
                horizon=self.fingerprint.horizon,
            )
        except UnknownCursor as exc:
            raise serializers.ValidationError(
                {"since": [f"No change has cursor {exc}: pass 0, or a next_cursor the feed gave."]}
            ) from exc
        return Response({**page, "changes": [vars(c) for c in page["changes"]]})
