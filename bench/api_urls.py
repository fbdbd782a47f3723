"""The site's URLs plus a bare view returning fixed bytes: the floor of any Django response.

Used only by ``bench/bench_api.py`` (through ``bench.api_settings``), never by the public site.
"""

from django.http import HttpResponse
from django.urls import path

from newsroom.urls import urlpatterns as site_urlpatterns

FIXED = b'{"ok":true}'


def floor(request):
    return HttpResponse(FIXED, content_type="application/json")


urlpatterns = [path("bench/floor/", floor), *site_urlpatterns]
