"""Site-wide public views: robots.txt, the favicon and web app manifest, and the error pages."""

from django.conf import settings
from django.http import HttpResponse, HttpResponsePermanentRedirect, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
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


@cache_control(public=True, max_age=86400)
def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says: send them to the icon (hashed, cached a year)."""
    return HttpResponsePermanentRedirect(static("newsroom/favicon.ico"))


@cache_control(public=True, max_age=3600)
def web_manifest(request):
    """The web app manifest: name, colours and icons for a reader who adds the site to a home screen."""
    icons = [
        {"src": static("newsroom/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
        {"src": static("newsroom/icon-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": static("newsroom/icon-512.png"), "sizes": "512x512", "type": "image/png"},
    ]
    manifest = {
        "name": settings.SITE_NAME,
        "short_name": settings.SITE_NAME,
        "description": "Explainer news: what happened, why it matters, and what the papers say.",
        "start_url": "/",
        "scope": "/",
        "display": "browser",
        "background_color": "#ffffff",
        "theme_color": "#0b4f9c",
        "icons": icons,
    }
    return JsonResponse(manifest, content_type="application/manifest+json")


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No context processors, no database: whatever failed may fail again.
    return HttpResponseServerError(loader.get_template("500.html").render())
