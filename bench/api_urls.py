"""The site's URLs plus the floor: a bare view returning an endpoint's bytes from memory.

Used only by the benches (through ``bench.api_settings``), never by the public site. ``bench/wsgi.py`` sends
``/bench/floor/…`` to a Django handler with no middleware; the same view also answers through the site's
whole stack at ``/bench/stacked/…``, to show what the middleware costs.
"""

import functools
import os
from pathlib import Path

from django.http import Http404, HttpResponse
from django.urls import path

from newsroom.urls import urlpatterns as site_urlpatterns

FIXED = b'{"ok":true}'


@functools.cache
def _bytes(name: str) -> bytes:
    if name == "fixed":
        return FIXED
    folder = os.environ.get("BENCH_FLOOR_DIR", "")
    try:
        return (Path(folder) / f"{Path(name).name}.bin").read_bytes() if folder else FIXED
    except FileNotFoundError:
        raise Http404 from None


def floor(request, name: str = "fixed"):
    return HttpResponse(_bytes(name), content_type="application/json")


urlpatterns = [
    path("bench/floor/", floor),
    path("bench/floor/<str:name>/", floor),
    path("bench/stacked/<str:name>/", floor),
    *site_urlpatterns,
]
