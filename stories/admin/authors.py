from django.contrib import admin

from images.widgets import ImageChooserAdminMixin
from newsroom.admin_mixins import BoundedSearchMixin, ServiceBackedAdminMixin

from ..authors import author_profile_delete, author_profile_save
from ..models import AuthorProfile


@admin.register(AuthorProfile)
class AuthorProfileAdmin(ImageChooserAdminMixin, ServiceBackedAdminMixin, BoundedSearchMixin, admin.ModelAdmin):
    """Editors keep the public profiles of the people on bylines, a writer their own; a save re-renders the
    person's bylines."""

    list_display = ["__str__", "role", "slug", "updated_at"]
    search_fields = ["name", "slug", "role", "user__first_name", "user__last_name", "user__username"]
    fields = ["user", "slug", "name", "role", "bio", "photo"]

    save_service = staticmethod(author_profile_save)
    delete_service = staticmethod(author_profile_delete)
    service_argument = "profile"

    @staticmethod
    def _editor(request) -> bool:
        return request.user.has_perm("stories.add_authorprofile")

    def get_queryset(self, request):
        profiles = super().get_queryset(request).select_related("user")
        return profiles if self._editor(request) else profiles.filter(user=request.user)

    def get_readonly_fields(self, request, obj=None):
        return [] if self._editor(request) else ["user", "slug"]
