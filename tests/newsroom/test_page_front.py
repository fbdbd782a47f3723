"""Repeat page-cache hits answered before Django (newsroom/page_front.py): the same bytes and headers as
Django's own hit, never a page a public change has made stale, and everything else left to Django."""

import gzip
import io
import sys

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from newsroom.page_front import PageFront
from newsroom.wsgi import django_application
from stories.workflow import story_publish
from tests.factories import build_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def front(settings):
    settings.PUBLIC_PAGE_CACHE = True
    return PageFront(django_application)


class Answer:
    def __init__(self, status: str, headers: list[tuple[str, str]], body: bytes, by_django: bool):
        self.status, self.headers, self.body, self.by_django = status, dict(headers), body, by_django


def _get(app, path: str, **extra) -> Answer:
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        **extra,
    }
    started = []

    def note(**kwargs):
        started.append(True)

    request_started.connect(note)
    # As Django's test client does: the request must not close the test's connection (its transaction).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"], answer["headers"] = status, headers

    try:
        result = app(environ, start_response)
        body = b"".join(result)
        if hasattr(result, "close"):
            result.close()
    finally:
        request_started.disconnect(note)
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return Answer(answer["status"], answer["headers"], body, by_django=bool(started))


def _without_request_id(answer: Answer) -> dict:
    return {k: v for k, v in answer.headers.items() if k != "X-Request-ID"}


def test_a_repeat_hit_is_answered_before_django_with_djangos_bytes_and_headers(front, commit):
    with commit():
        story = build_story(headline="Answered in front")
    url = story.get_absolute_url()
    miss, hit, repeat = _get(front, url), _get(front, url), _get(front, url)
    assert miss.headers["X-Page-Cache"] == "miss" and miss.by_django
    assert hit.headers["X-Page-Cache"] == "hit" and hit.by_django  # the full stack's hit, which the front learns
    assert not repeat.by_django and repeat.status == "200 OK"
    assert repeat.body == hit.body and b"Answered in front" in repeat.body
    assert _without_request_id(repeat) == _without_request_id(hit)  # security headers, CSP, ETag, Vary …
    assert repeat.headers["X-Request-ID"] != hit.headers["X-Request-ID"]  # made afresh for each request
    assert _get(front, url, HTTP_X_REQUEST_ID="from-the-proxy-1").headers["X-Request-ID"] == "from-the-proxy-1"


def test_a_publish_makes_the_very_next_request_fresh(front, commit):
    with commit():
        story = build_story(headline="First version")
    url = story.get_absolute_url()
    for _ in range(3):
        _get(front, url)
    story.headline = "Second version"
    story.save()
    with commit():
        story_publish(story=story, actor=None)
    after = _get(front, url)
    assert after.by_django and after.headers["X-Page-Cache"] == "miss"
    assert b"Second version" in after.body and b"First version" not in after.body


def test_each_coding_is_learnt_and_sent_as_django_sends_it(front, commit):
    with commit():
        story = build_story(headline="Compressed in front", blocks=6)
    url = story.get_absolute_url()
    for _ in range(2):
        plain = _get(front, url)
        zipped = _get(front, url, HTTP_ACCEPT_ENCODING="gzip")
    again_plain, again_zipped = _get(front, url), _get(front, url, HTTP_ACCEPT_ENCODING="gzip")
    assert not again_plain.by_django and not again_zipped.by_django
    assert again_zipped.headers["Content-Encoding"] == "gzip" and "Content-Encoding" not in again_plain.headers
    assert gzip.decompress(again_zipped.body) == again_plain.body == plain.body
    assert again_zipped.headers["ETag"] == zipped.headers["ETag"] != again_plain.headers["ETag"]
    assert int(again_zipped.headers["Content-Length"]) == len(again_zipped.body)


@pytest.mark.parametrize(
    "extra",
    [
        {"HTTP_COOKIE": "sessionid=abc"},  # maybe an editor: never the shared cache
        {"HTTP_IF_NONE_MATCH": '"whatever"'},  # Django answers conditionals
        {"HTTP_ORIGIN": "https://app.example"},
        {"REQUEST_METHOD": "HEAD"},
    ],
    ids=["session", "conditional", "origin", "head"],
)
def test_requests_whose_answer_depends_on_more_than_the_address_go_to_django(front, commit, extra):
    with commit():
        story = build_story()
    url = story.get_absolute_url()
    for _ in range(2):
        _get(front, url)
    assert _get(front, url, **extra).by_django


def test_a_conditional_request_still_gets_its_304(front, commit):
    with commit():
        story = build_story()
    url = story.get_absolute_url()
    etag = [_get(front, url) for _ in range(3)][-1].headers["ETag"]
    assert _get(front, url, HTTP_IF_NONE_MATCH=etag).status.startswith("304")


def test_another_host_or_scheme_is_never_answered_from_what_was_learnt(front, commit):
    with commit():
        story = build_story()
    url = story.get_absolute_url()
    for _ in range(3):
        _get(front, url)
    assert _get(front, url, HTTP_HOST="evil.example").status.startswith("400")  # ALLOWED_HOSTS, as without the front
    front = PageFront(django_application)  # a deployment over https
    https = {"wsgi.url_scheme": "https", "SERVER_PORT": "443"}
    for _ in range(3):
        secure = _get(front, url, **https)
    assert not secure.by_django and secure.status == "200 OK"
    # Learnt over https: a plain http request is Django's (which redirects it when SECURE_SSL_REDIRECT is on).
    assert _get(front, url).by_django


def test_a_withdrawn_story_is_gone_at_the_next_request(front, commit):
    from stories.workflow import story_unpublish

    with commit():
        story = build_story(headline="Soon withdrawn")
    url = story.get_absolute_url()
    for _ in range(3):
        _get(front, url)
    with commit():
        story_unpublish(story=story, actor=None)
    gone = _get(front, url)
    assert gone.by_django and gone.status.startswith("410")
