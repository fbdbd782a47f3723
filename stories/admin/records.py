"""Read-only records of a story's history: revisions, transitions and old addresses."""

from django.contrib import admin

from newsroom.admin_mixins import BoundedSearchMixin, ReadOnlyAdminMixin

from ..models import Revision, SlugRedirect, Transition


@admin.register(Revision)
class RevisionAdmin(ReadOnlyAdminMixin, BoundedSearchMixin, admin.ModelAdmin):
    list_display = ["story", "kind", "author", "message", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["story", "author"]
    search_fields = ["story__headline", "message"]
    readonly_fields = ["story", "kind", "data", "author", "message", "created_at"]


@admin.register(Transition)
class TransitionAdmin(ReadOnlyAdminMixin, BoundedSearchMixin, admin.ModelAdmin):
    list_display = ["story", "action", "from_status", "to_status", "actor", "created_at"]
    list_filter = ["action", "to_status"]
    list_select_related = ["story", "actor"]
    search_fields = ["story__headline", "comment"]
    readonly_fields = ["story", "action", "from_status", "to_status", "actor", "comment", "revision", "created_at"]


@admin.register(SlugRedirect)
class SlugRedirectAdmin(BoundedSearchMixin, admin.ModelAdmin):
    list_display = ["old_slug", "story", "created_at"]
    search_fields = ["old_slug", "story__headline"]
    list_select_related = ["story"]
    readonly_fields = ["story"]

    def has_add_permission(self, request):
        return False
