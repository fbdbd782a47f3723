"""The story's ordered children, edited inline and reordered by dragging."""

from django.contrib import admin

from .. import workflow
from ..models import Citation, SectionBlock, StoryQuestion, StoryTopic

REORDER_JS = "newsroom/admin/inline-reorder.js"


class StoryChildInline:
    """Inlines of a story: editable exactly when the story is; ordered by dragging."""

    extra = 0
    view_on_site = False  # a section of a draft has no public address; the story's Preview shows it
    related = ()  # joined for each row's title (its __str__)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.select_related(*self.related) if self.related else queryset

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and workflow.story_can_edit(story=obj, actor=request.user)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and workflow.story_can_edit(story=obj, actor=request.user)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and workflow.story_can_edit(story=obj, actor=request.user)


class SectionBlockInline(StoryChildInline, admin.StackedInline):
    model = SectionBlock
    fields = ["position", "kind", "heading", "body"]
    classes = ["sortable-inline"]


class CitationInline(StoryChildInline, admin.StackedInline):
    model = Citation
    fields = ["position", "outlet", "url", "claim", "quote", "source_article"]
    autocomplete_fields = ["outlet", "source_article"]
    related = ("outlet",)
    classes = ["sortable-inline"]


class StoryTopicInline(StoryChildInline, admin.TabularInline):
    model = StoryTopic
    fields = ["position", "topic"]
    autocomplete_fields = ["topic"]
    related = ("topic",)
    classes = ["sortable-inline"]


class StoryQuestionInline(StoryChildInline, admin.TabularInline):
    model = StoryQuestion
    fields = ["position", "question"]
    autocomplete_fields = ["question"]
    related = ("question",)
    classes = ["sortable-inline"]
