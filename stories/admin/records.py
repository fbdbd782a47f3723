"""Read-only records of a story's history: revisions, transitions and old addresses."""

from django.contrib import admin

from newsroom.admin_search import BoundedSearchMixin

from ..models import Revision, SlugRedirect, Transition


@admin.register(Revision)
class RevisionAdmin(BoundedSearchMixin, admin.ModelAdmin):
    list_display = ["story", "kind", "author", "message", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["story", "author"]
    search_fields = ["story__headline", "message"]
    readonly_fields = ["story", "kind", "data", "author", "message", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Transition)
class TransitionAdmin(BoundedSearchMixin, admin.ModelAdmin):
    list_display = ["story", "action", "from_status", "to_status", "actor", "created_at"]
    list_filter = ["action", "to_status"]
    list_select_related = ["story", "actor"]
    search_fields = ["story__headline", "comment"]
    readonly_fields = ["story", "action", "from_status", "to_status", "actor", "comment", "revision", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SlugRedirect)
class SlugRedirectAdmin(BoundedSearchMixin, admin.ModelAdmin):
    list_display = ["old_slug", "story", "created_at"]
    search_fields = ["old_slug", "story__headline"]
    list_select_related = ["story"]
    readonly_fields = ["story"]

    def has_add_permission(self, request):
        return False
