"""The API's own lane through the middleware.

The public API is anonymous, read-only JSON: it has no use for what the
middleware below this one does for people (sessions, CSRF, the signed-in
user, messages, the CSP and frame options of HTML pages, login lock-outs).
Its views (those whose class says ``api_lane = True``) are called from here,
right after the security headers and CORS, and their response goes back up
through those alone; everything else, the schema and docs pages included,
takes the full stack. An address that does not resolve takes the full stack
too, so CommonMiddleware still adds a missing slash.

Measured with ``make bench-api``: see bench/RESULTS.md.
"""

from django.core.handlers.exception import response_for_exception
from django.urls import Resolver404, resolve

from newsroom.db.router import public_read_call

PREFIX = "/api/"


class ApiLaneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(PREFIX):
            return self.get_response(request)
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)
        view_class = getattr(match.func, "cls", None) or getattr(match.func, "view_class", None)
        if not getattr(view_class, "api_lane", False):
            return self.get_response(request)
        request.resolver_match = match

        def answer():
            response = match.func(request, *match.args, **match.kwargs)
            return response.render() if hasattr(response, "render") and callable(response.render) else response

        try:
            # Public lists and details may read a replica (newsroom/db/router.py); the sync feed, whose cursor
            # and horizon must be exact, reads the primary.
            response = public_read_call(answer) if getattr(view_class, "replica_reads", False) else answer()
        except Exception as exc:  # as Django's handler would: logged, and the error page
            response = response_for_exception(request, exc)
        if not response.streaming and not response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))  # as CommonMiddleware would
        return response
