"""The public API's routes, mounted at /api/v1/ (namespace "api")."""

import hashlib
import time
from functools import wraps

from django.http import JsonResponse
from django.urls import include, path, re_path
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from newsroom.api import AnonymousThrottle
from stories.api.outlets import OutletViewSet
from stories.api.questions import QuestionViewSet
from stories.api.sync import SyncView
from stories.api.topics import TopicViewSet
from stories.api.views import StoryViewSet

app_name = "api"

router = SimpleRouter()
router.register("stories", StoryViewSet, basename="story")
router.register("topics", TopicViewSet, basename="topic")
router.register("questions", QuestionViewSet, basename="question")
router.register("outlets", OutletViewSet, basename="outlet")

# The schema and the docs change only with a deploy, which restarts the process.
STARTED_AT = time.time()


def static_validators(view):
    """ETag (a hash of the body), Last-Modified (process start) and 304s for the schema and the docs."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code != 200:
            return response
        if hasattr(response, "render"):
            response.render()
        response["ETag"] = '"' + hashlib.blake2b(response.content, digest_size=12).hexdigest() + '"'
        response["Last-Modified"] = http_date(STARTED_AT)
        patch_cache_control(response, public=True, max_age=3600)
        return (
            get_conditional_response(request, etag=response["ETag"], last_modified=int(STARTED_AT), response=response) or response
        )

    return wrapped


def not_found(request, *args, **kwargs):
    """Unknown addresses under /api/v1/ answer in JSON too."""
    return JsonResponse({"detail": "Not found."}, status=404)


urlpatterns = [
    path("", include(router.urls)),
    path("sync/", SyncView.as_view(), name="sync"),
    path(
        "schema/",
        static_validators(SpectacularAPIView.as_view(throttle_classes=[AnonymousThrottle])),
        name="schema",
    ),
    path(
        "docs/",
        static_validators(SpectacularSwaggerSplitView.as_view(url_name="api:schema", throttle_classes=[AnonymousThrottle])),
        name="docs",
    ),
    re_path(r"^", not_found),  # any other path, newlines included
]
