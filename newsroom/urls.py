from django.contrib import admin
from django.urls import include, path

from newsroom import health
from stories import views as story_views

admin.site.site_header = "Newsroom"
admin.site.site_title = "Newsroom admin"
admin.site.index_title = "Editorial desk"

urlpatterns = [
    path("", story_views.home, name="home"),
    path("", include("stories.urls")),
    path("", include("topics.urls")),
    path("", include("faq.urls")),
    path("", include("sources.urls")),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]
