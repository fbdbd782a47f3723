from django.contrib.admin.apps import AdminConfig


class NewsroomAdminConfig(AdminConfig):
    """Django's admin, with the editorial desk as its home (``newsroom/admin_site.py``)."""

    default_site = "newsroom.admin_site.NewsroomAdminSite"
