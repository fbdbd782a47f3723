"""The admin site: its home page is the editorial desk.

The core names no app: the desk's panels come from the callables listed in
``settings.ADMIN_DESK_PANELS`` (each takes the request and returns a list of
panels, see ``stories/admin/desk.py``), shown above the list of models.
"""

from django.conf import settings
from django.contrib import admin
from django.utils.module_loading import import_string


class NewsroomAdminSite(admin.AdminSite):
    site_header = "Newsroom"
    site_title = "Newsroom admin"
    index_title = "Editorial desk"
    index_template = "admin/desk.html"

    def index(self, request, extra_context=None):
        panels = [panel for path in settings.ADMIN_DESK_PANELS for panel in import_string(path)(request)]
        return super().index(request, {"desk_panels": panels, **(extra_context or {})})
