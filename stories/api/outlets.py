"""Outlets in the public API: every outlet, a detail with the latest live stories that cite it."""

from drf_spectacular.utils import extend_schema_view
from rest_framework import serializers
from rest_framework.response import Response

from newsroom.api import PublicViewSet, SparseFieldsMixin, absolute_url, detail_schema, list_schema, path_of, site_url
from newsroom.changes.models import ChangeEvent
from sources.models import Outlet
from stories.selectors import with_picture

from .references import EMBEDDED_STORIES, latest_live_stories
from .serializers import CardImageField, StoryListItemSerializer
from .version import CodeVersionMixin


class OutletListItemSerializer(SparseFieldsMixin, serializers.ModelSerializer):
    """A news outlet as lists show it: its name, website and logo."""

    url = serializers.SerializerMethodField(help_text="The outlet's page on this site.")
    stories_url = serializers.SerializerMethodField(help_text="All live stories citing it: the story list by outlet.")
    logo = CardImageField(help_text="The outlet's logo, or null.")

    class Meta:
        model = Outlet
        fields = ["id", "slug", "name", "homepage", "country", "language", "logo", "url", "stories_url"]

    def get_url(self, outlet) -> str:
        return site_url("sources:outlet", outlet.slug)

    def get_stories_url(self, outlet) -> str:
        return absolute_url(f"{path_of('api:story-list')}?outlet={outlet.slug}")


class OutletDetailSerializer(OutletListItemSerializer):
    """A news outlet, whole: its card and the latest published stories that cite it."""

    stories = StoryListItemSerializer(
        source="latest_stories", many=True, help_text=f"The {EMBEDDED_STORIES} latest live stories citing it."
    )

    class Meta(OutletListItemSerializer.Meta):
        fields = [*OutletListItemSerializer.Meta.fields, "stories"]


@extend_schema_view(
    list=list_schema(OutletListItemSerializer, description="The news outlets stories cite, by name."),
    retrieve=detail_schema(OutletDetailSerializer, description="One outlet with the latest stories that cite it."),
)
class OutletViewSet(CodeVersionMixin, PublicViewSet):
    change_kind = ChangeEvent.Kind.OUTLET
    serializer_class = OutletDetailSerializer
    list_serializer_class = OutletListItemSerializer
    queryset = Outlet.objects.all()

    def get_queryset(self):
        return with_picture(Outlet.objects.order_by("name", "id"), "logo")

    def retrieve(self, request, *args, **kwargs):
        outlet = self.get_object()
        outlet.latest_stories = latest_live_stories(self, live_outlets=outlet)
        return Response(self.get_serializer(outlet).data)
