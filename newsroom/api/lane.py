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
        try:
            response = match.func(request, *match.args, **match.kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
        except Exception as exc:  # as Django's handler would: logged, and the error page
            response = response_for_exception(request, exc)
        if not response.streaming and not response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))  # as CommonMiddleware would
        return response
