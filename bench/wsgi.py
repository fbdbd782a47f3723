"""The bench's WSGI application: the site as deployed, plus the floor, a bare Django view with no middleware.

``/bench/floor/<name>/`` goes to a Django handler whose middleware list is empty and returns, from memory,
the bytes the endpoint ``<name>`` returned (``BENCH_FLOOR_DIR/<name>.bin``, written by the bench before it
measures, read once); every other path goes to ``newsroom.wsgi.application``, exactly as gunicorn serves it.
Never part of the public site.
"""

from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler

from newsroom.wsgi import application as site

FLOOR = "/bench/floor/"


class BareHandler(WSGIHandler):
    """Django's WSGI handler with no middleware at all: URL resolution, the view, the response."""

    def load_middleware(self, is_async=False):
        self._view_middleware, self._template_response_middleware, self._exception_middleware = [], [], []
        self._middleware_chain = convert_exception_to_response(self._get_response)


bare = BareHandler()


def application(environ, start_response):
    if environ.get("PATH_INFO", "").startswith(FLOOR):
        return bare(environ, start_response)
    return site(environ, start_response)
