import re

from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path

from newsroom import health
from newsroom import views as site_views
from newsroom.cache import public_page
from stories import reference_urls
from stories import views as story_views
from stories.sitemaps import SITEMAPS, NewsSitemap, sitemap_index

urlpatterns = [
    path("api/v1/", include("newsroom.api_urls")),  # first: the API's requests are the most numerous to resolve
    path("", story_views.home, name="home"),
    path("", include("stories.urls")),
    path("", include(reference_urls.topic_urls)),
    path("", include(reference_urls.question_urls)),
    path("", include(reference_urls.outlet_urls)),
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("robots.txt", site_views.robots_txt, name="robots"),
    path("favicon.ico", site_views.favicon, name="favicon"),
    path("manifest.webmanifest", site_views.web_manifest, name="web-manifest"),
    path(
        "sitemap.xml",
        public_page(sitemap_index),
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-news.xml",
        public_page(sitemap_views.sitemap),
        {"sitemaps": {"news": NewsSitemap}, "template_name": "sitemaps/news.xml"},
        name="sitemap-news",
    ),
    path("sitemap-<section>.xml", public_page(sitemap_views.sitemap), {"sitemaps": SITEMAPS}, name="sitemap-section"),
]

if settings.SERVE_MEDIA and settings.MEDIA_URL.startswith("/"):
    # `make run`: uploaded images from MEDIA_ROOT (in production the web server, object storage or a CDN serves them)
    urlpatterns += [re_path(rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.*)$", site_views.media_file)]

handler400 = site_views.bad_request
handler404 = site_views.page_not_found
handler500 = site_views.server_error
