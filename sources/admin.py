from django.contrib import admin

from .models import Feed, Outlet, SourceArticle


class FeedInline(admin.TabularInline):
    model = Feed
    extra = 0
    fields = ["url", "title", "is_active"]


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "country", "language", "homepage"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [FeedInline]


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    list_display = ["__str__", "outlet", "url", "is_active"]
    list_filter = ["is_active", "outlet"]
    search_fields = ["url", "title", "outlet__name"]
    autocomplete_fields = ["outlet"]


@admin.register(SourceArticle)
class SourceArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "outlet", "published_at"]
    list_filter = ["outlet", "published_at"]
    search_fields = ["title", "summary", "url"]
    date_hierarchy = "published_at"
    list_select_related = ["outlet"]
    autocomplete_fields = ["outlet", "feed"]
