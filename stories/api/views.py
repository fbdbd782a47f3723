"""The stories endpoints: list (filtered, paginated), detail by live slug, and ninjs."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from newsroom.api import PublicViewSet, detail_schema, list_schema
from stories.selectors import story_list_live, story_live_queryset, story_page_from
from topics.models import Topic

from .filters import StoryFilter
from .ninjs import story_ninjs
from .serializers import StoryDetailSerializer, StoryListItemSerializer


def story_list_queryset():
    # The list shows each story's topics: one prefetch query for the whole page
    # instead of one query per story.
    return story_list_live().prefetch_related(
        Prefetch("live_topics", queryset=Topic.objects.only("id", "slug", "name", "kind"))
    )


@extend_schema_view(
    list=list_schema(StoryListItemSerializer),
    retrieve=detail_schema(StoryDetailSerializer),
)
class StoryViewSet(PublicViewSet):
    """Published stories. Lists come from the live columns; a detail from the live revision."""

    serializer_class = StoryDetailSerializer
    list_serializer_class = StoryListItemSerializer
    filterset_class = StoryFilter
    queryset = story_list_live()

    def get_queryset(self):
        return story_list_queryset()

    def get_object(self):
        # story_live_queryset prefetches topics, questions and outlets: four
        # queries whatever the number of blocks, citations or links.
        story = get_object_or_404(story_live_queryset(), live_slug=self.kwargs["slug"])
        return story_page_from(story)

    @detail_schema(OpenApiResponse(OpenApiTypes.OBJECT, description="An IPTC ninjs 2.2 news item."))
    @action(detail=True, url_path="ninjs", pagination_class=None, filter_backends=[])
    def ninjs(self, request, slug=None):
        """The story as an IPTC ninjs 2.2 news item (validates against the ninjs 2.2 JSON schema)."""
        return Response(story_ninjs(page=self.get_object()))
