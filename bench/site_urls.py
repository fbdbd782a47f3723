"""The site's URLs plus a bare view returning a story page's bytes from memory (the floor: ``bench/wsgi.py``
serves it with no middleware) and the story view without its page cache.

Used only by ``bench/bench_site.py`` (through ``bench.site_settings``), never by the public site.
"""

import os
from pathlib import Path

from django.http import HttpResponse
from django.urls import path

from newsroom.urls import urlpatterns as site_urlpatterns
from stories.views import story_detail

PAGE = Path(os.environ["BENCH_FLOOR_FILE"]).read_bytes() if Path(os.environ.get("BENCH_FLOOR_FILE", "")).is_file() else b""


def floor(request):
    return HttpResponse(PAGE, content_type="text/html; charset=utf-8")


urlpatterns = [
    path("bench/floor/", floor),  # bench/wsgi.py answers it with no middleware at all
    path("bench/stacked/", floor),  # the same view behind the site's whole middleware
    # The story view without the page cache around it: what a cache miss costs.
    path("bench/uncached/story/<slug:slug>/", story_detail.__wrapped__),
    *site_urlpatterns,
]
