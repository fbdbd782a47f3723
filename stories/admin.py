from django.contrib import admin

from .models import Citation, Revision, SectionBlock, Story, StoryQuestion, StoryTopic


class SectionBlockInline(admin.StackedInline):
    model = SectionBlock
    extra = 0
    fields = ["position", "kind", "heading", "body"]


class CitationInline(admin.StackedInline):
    model = Citation
    extra = 0
    fields = ["position", "outlet", "url", "claim", "quote", "source_article"]
    autocomplete_fields = ["outlet", "source_article"]


class StoryTopicInline(admin.TabularInline):
    model = StoryTopic
    extra = 0
    autocomplete_fields = ["topic"]


class StoryQuestionInline(admin.TabularInline):
    model = StoryQuestion
    extra = 0
    autocomplete_fields = ["question"]


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = ["headline", "status", "author", "first_published_at", "updated_at"]
    list_filter = ["status", "author"]
    search_fields = ["headline", "summary", "slug"]
    prepopulated_fields = {"slug": ["headline"]}
    readonly_fields = ["status", "first_published_at", "last_published_at"]
    inlines = [SectionBlockInline, CitationInline, StoryTopicInline, StoryQuestionInline]
    list_select_related = ["author"]


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    list_display = ["story", "kind", "author", "created_at"]
    list_filter = ["kind"]
    readonly_fields = ["story", "kind", "data", "author", "message", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
