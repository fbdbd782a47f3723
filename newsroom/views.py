"""Site-wide public views: robots.txt and the error pages."""

from django.conf import settings
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.static import serve

from .seo import absolute


@cache_control(public=True, max_age=3600)
def media_file(request, path: str):
    """An uploaded image or rendition from MEDIA_ROOT (read at each request: tests give each one its own)."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)


def robots_txt(request):
    """Crawl everything public; not the admin, previews, the API or result pages; find the sitemaps."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /preview/",
        "Disallow: /api/",
        "Disallow: /search/",
        "",
        f"Sitemap: {absolute(reverse('sitemap'))}",
        f"Sitemap: {absolute(reverse('sitemap-news'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors, no database: whatever failed may fail again.
    return HttpResponseServerError(loader.get_template("500.html").render())
