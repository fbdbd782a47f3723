"""The stories endpoints: list (filtered, paginated), detail by live slug, and ninjs."""

from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema_view
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from newsroom.api import PublicViewSet, detail_schema, list_schema
from newsroom.changes.models import ChangeEvent
from stories.models import Story
from stories.search import search_hits
from stories.selectors import (
    StoryGone,
    StoryMoved,
    live_story_field_sql,
    story_address_check,
    story_list_live,
    story_live_queryset,
    story_page_with,
)

from .filters import StoryFilter
from .kept import KEPT_ROW, story_live_api_json
from .ninjs import story_ninjs
from .references import PAGE_FIELDS, attach_topics, view_references, with_topic_ids
from .serializers import StoryDetailSerializer, StoryListItemSerializer
from .version import CodeVersionMixin

MAX_SCOPE = 20  # topics and outlets whose own state a filtered list's validator reads (three columns each)


@extend_schema_view(
    list=list_schema(
        StoryListItemSerializer,
        description="Published stories, newest first (or best first with `q`), a page at a time: follow `next` "
        "until it is null. Filter by topic, cited outlet, date or words.",
        parameters=[
            OpenApiParameter("topic", str, description="Stories tagged with any of these topic slugs (comma-separated)."),
            OpenApiParameter("outlet", str, description="Stories citing any of these outlet slugs (comma-separated)."),
        ],
    ),
    retrieve=detail_schema(
        StoryDetailSerializer,
        moves=True,
        description="One published story, whole. Its id works as well as its slug, and an earlier slug too (both "
        "answer 301 to the current address); an unpublished story answers 410.",
    ),
)
class StoryViewSet(CodeVersionMixin, PublicViewSet):
    """Published stories. Lists come from the live columns; a detail from the live revision."""

    serializer_class = StoryDetailSerializer
    list_serializer_class = StoryListItemSerializer
    filterset_class = StoryFilter
    # Each story's topic ids come in the page's own query; their names from the
    # per-process reference maps (references.py): one query per page. Built once;
    # DRF clones it for each request.
    queryset = with_topic_ids(story_list_live())
    change_kind = ChangeEvent.Kind.STORY
    # What StoryListItemSerializer.represent, attach_topics and the cursor read.
    light_rows = ("id", "live_slug", "live_headline", "live_summary", "first_published_at", "last_published_at", "api_topic_ids")

    def validator_scope(self):
        """A detail (and its ninjs): the story's own entries. A list filtered by topics or outlets: theirs.

        A topic (an outlet) is recorded with every change of any live story on
        it (``newsroom/changes/shows.py``: its detail shows its latest stories,
        and fan-out records it for any of them), including a story tagged or
        untagged, and the rename of another topic such a story carries; so its
        entries move whenever a list filtered by it may differ, whatever the
        other filters. Any other list: all public content.
        """
        if self.action != "list":
            return super().validator_scope()
        named = [name for name in ("topic", "outlet") if self.request.query_params.get(name)]
        if not named:
            return ()
        form = self.filterset_class(data=self.request.query_params, queryset=Story.objects.none()).form
        if not form.is_valid():
            return ()  # a 400 follows
        scope = tuple(dict.fromkeys((name, slug) for name in named for slug in form.cleaned_data[name]))
        return scope if len(scope) <= MAX_SCOPE else ()  # beyond that, all content's fingerprint (one cheap query)

    def paginate_queryset(self, queryset):
        page = attach_topics(super().paginate_queryset(queryset), view_references(self))
        query = self.request.query_params.get("q", "")
        if query.strip():  # a search: each story's matching passage, its words marked
            for hit in search_hits(stories=page, query=query):
                hit.story.api_snippet = str(hit.snippet)
        return page

    def retrieve(self, request, *args, **kwargs):
        try:
            return self._retrieve(request, *args, **kwargs)
        except Http404:
            return self._elsewhere(request, kwargs["slug"], suffix="")

    def _elsewhere(self, request, slug: str, *, suffix: str):
        """No live story at ``slug``: its id (200 elsewhere: a 301 to its address), an old slug (301 to the new
        one), an unpublished story (410 with a small body), or nothing (404)."""
        target = None
        if slug.isdigit():
            target = Story.objects.live().filter(pk=int(slug)).values_list("live_slug", flat=True).first()
        try:
            if target is None:
                story_address_check(slug=slug)
        except StoryMoved as moved:
            target = moved.slug
        except StoryGone:
            return Response({"detail": "This story was unpublished.", "slug": slug}, status=410)
        if target is None:
            raise Http404("No live story here.")
        location = reverse("api:story-detail", kwargs={"slug": target}) + suffix
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(f"{location}?{query}" if query else location)

    def _plain_retrieve(self) -> bool:
        """A plain request gets the body kept when the story was published (``LivePage.api_json``, serialised by
        the same serializer); parameters or a media type with options (indent) take DRF's own path."""
        request = self.request
        return self.action == "retrieve" and not request.query_params and request.accepted_media_type == JSONRenderer.media_type

    def validator_extra(self):
        # The kept body's row, read in the fingerprint's statement when nothing but the view can answer.
        if not self._plain_retrieve():
            return ()
        return tuple(live_story_field_sql(self.kwargs["slug"], field) for field in KEPT_ROW)

    def _retrieve(self, request, *args, **kwargs):
        if not self._plain_retrieve():
            return super().retrieve(request, *args, **kwargs)
        refs = view_references(self)
        body = story_live_api_json(
            slug=kwargs["slug"],
            signature=refs.signature,
            page=self.get_object,
            row=getattr(self.fingerprint, "extra", ()) or None,  # no query at all when read with the fingerprint
        )
        return HttpResponse(body, content_type=JSONRenderer.media_type)

    def get_object(self):
        # One query for the story and its live revision; its topics, outlets and
        # questions come from the reference maps, whatever their number.
        stories = story_live_queryset().prefetch_related(None).only(*PAGE_FIELDS)
        story = get_object_or_404(stories, live_slug=self.kwargs["slug"])
        refs = view_references(self)
        return story_page_with(story=story, topics=refs.topics, questions=refs.questions, outlets=refs.outlets)

    @detail_schema(OpenApiResponse(OpenApiTypes.OBJECT, description="An IPTC ninjs 2.2 news item."), moves=True)
    @action(detail=True, url_path="ninjs", pagination_class=None, filter_backends=[])
    def ninjs(self, request, slug=None):
        """The story as an IPTC ninjs 2.2 news item (validates against the ninjs 2.2 JSON schema)."""
        try:
            return Response(story_ninjs(page=self.get_object()))
        except Http404:
            return self._elsewhere(request, slug, suffix="ninjs/")
