"""The edge: a real varnishd (deploy/varnish/newsroom.vcl, with xkey) in front of the tests' live server.

Varnish reaches the live server through a relay (``relay.py``) that a test can stop, as a backend going down.
Every public change purges the keys it touches through the pipeline (``stories.after_change.edge_purge``),
after commit, as in production. Varnish must be installed (``apt-get install varnish varnish-modules``):
these tests skip without it, and fail under NEWSROOM_REQUIRE_SERVICES=1.
"""

import gzip
import http.client
import threading
import time
from urllib.parse import urlsplit

import brotli
import pytest

from deploy.edge import Varnish, get, varnishd_path
from newsroom.changes.reconcile import changes_reconcile
from newsroom.edge import keys_purge
from stories.models import Story
from stories.workflow import story_publish, story_unpublish
from tests.conftest import service_missing
from tests.factories import build_story

from .relay import Relay
from .stack import new_queue, start_worker, tasks_sent_to, wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

BR = {"Accept-Encoding": "br, gzip"}


@pytest.fixture(scope="module")
def _varnish(live_server):
    if varnishd_path() is None:
        service_missing("varnishd is not installed (apt-get install varnish varnish-modules)")
    parts = urlsplit(live_server.url)
    relay = Relay((parts.hostname, parts.port)).up()
    edge = Varnish(backend=f"127.0.0.1:{relay.port}", memory="32m")
    try:
        edge.start()
    except (OSError, RuntimeError) as exc:
        edge.stop()
        service_missing(f"varnishd did not start: {exc}")
    edge.relay = relay
    yield edge
    edge.stop()
    relay.down()


@pytest.fixture
def edge(_varnish, settings):
    """The edge, emptied, with the application purging it (and its own page cache on, as in production)."""
    settings.EDGE_PURGE_URLS = [_varnish.url + "/"]
    settings.PUBLIC_PAGE_CACHE = True
    _varnish.adm("ban", "req.url", "~", ".")
    _varnish.wait_health(True)
    return _varnish


def _get(edge, path, **headers):
    status, head, body = get(edge.url + path, headers={**BR, **headers})
    return status, head, body


def _decoded(head: dict, body: bytes) -> bytes:
    coding = head.get("content-encoding")
    return brotli.decompress(body) if coding == "br" else gzip.decompress(body) if coding == "gzip" else body


def _cache(edge, path) -> str:
    return _get(edge, path)[1].get("x-cache", "")


def _warm(edge, *paths):
    for path in paths:
        status, head, _ = _get(edge, path)
        assert status in (200, 301, 410), (path, status)
        again = _get(edge, path)[1]
        assert again.get("x-cache") == "hit", (path, again)


def test_a_second_anonymous_get_is_a_hit(edge):
    story = build_story(headline="Kept at the edge")
    path = story.get_absolute_url()
    status, first, body = _get(edge, path)
    assert status == 200 and first["x-cache"] == "miss"
    time.sleep(1.1)
    status, second, again = _get(edge, path)
    assert second["x-cache"] == "hit" and int(second["age"]) >= 1
    assert again == body and second["content-encoding"] == "br"
    assert "s-maxage=" in second["cache-control"] and "xkey" not in second  # keys stay at the edge


def test_a_correction_purges_exactly_the_story_its_topics_the_lists_and_its_api_detail(edge, editor):
    story = build_story(headline="Before the correction", topics=2)
    other = build_story(headline="Unrelated story")
    topics = [t.get_absolute_url() for t in story.live_topics.all()]
    api = f"/api/v1/stories/{story.live_slug}/"
    touched = [story.get_absolute_url(), *topics, "/", "/feeds/rss/", api, "/api/v1/stories/"]
    untouched = [other.get_absolute_url(), f"/api/v1/stories/{other.live_slug}/"]
    _warm(edge, *touched, *untouched)

    Story.objects.filter(pk=story.pk).update(headline="After the correction")
    story_publish(story=story, actor=editor, note="We corrected the headline.")

    for path in touched:
        status, head, body = _get(edge, path)
        assert status == 200 and head["x-cache"] == "miss", (path, head.get("x-cache"))
        assert b"After the correction" in _decoded(head, body), path
    for path in untouched:
        assert _cache(edge, path) == "hit", path


def test_a_reader_with_a_session_or_csrf_cookie_bypasses_the_edge(edge):
    story = build_story()
    path = story.get_absolute_url()
    _warm(edge, path)
    for cookie in ("sessionid=abc", "csrftoken=abc", "_ga=1; sessionid=abc"):
        status, head, _ = _get(edge, path, Cookie=cookie)
        assert status == 200 and head["x-cache"] == "pass", cookie
        assert "private" in head["cache-control"] or "sessionid" not in cookie
    assert _cache(edge, path + "?x") == "miss"
    assert _get(edge, path + "?x", Cookie="_ga=1")[1]["x-cache"] == "hit"  # other cookies change nothing
    api = f"/api/v1/stories/{story.live_slug}/"
    _warm(edge, api)
    assert _get(edge, api, Cookie="sessionid=abc")[1]["x-cache"] == "hit"  # the API reads no credentials


def test_the_admin_and_the_sync_feed_are_never_kept(edge):
    for path in ("/admin/login/", "/api/v1/sync/", "/healthz"):
        _get(edge, path)
        assert _cache(edge, path) == "miss", path


def test_with_the_backend_down_a_purged_page_is_served_stale_instead_of_an_error(edge):
    story = build_story(headline="The last good page")
    path = story.get_absolute_url()
    _warm(edge, path)
    keys_purge([f"story-{story.live_slug}"])  # soft: kept as a stale copy
    edge.relay.down()
    try:
        status, head, body = _get(edge, path)  # at once: the probe has not noticed, the fetch fails
        assert status == 200 and head["x-cache"] == "stale"
        assert b"The last good page" in _decoded(head, body)
        # Each stale answer refreshes in the background; a refresh that fails never replaces the copy.
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            status, head, body = _get(edge, path)
            assert status == 200 and head["x-cache"] == "stale", (status, head.get("x-cache"))
            time.sleep(0.1)
        edge.wait_health(False)
        status, head, body = _get(edge, path)  # known down
        assert status == 200 and head["x-cache"] == "stale"
        assert b"The last good page" in _decoded(head, body)
        assert _get(edge, path, **{"Accept-Encoding": "identity"})[0] == 503  # a variant never kept
        assert _get(edge, "/api/v1/topics/")[0] == 503  # never kept: nothing to fall back on
    finally:
        edge.relay.up()
    edge.wait_health(True)
    assert _cache(edge, path) == "miss"  # up again: the page is fetched afresh
    assert _cache(edge, path) == "hit"


def test_revert_a_slug_and_republish_no_redirect_loop_no_stale_410(edge, editor):
    story = build_story(slug="first-address", headline="Moving story")
    _warm(edge, "/story/first-address/", "/api/v1/stories/first-address/")

    Story.objects.filter(pk=story.pk).update(slug="second-address")
    story_publish(story=story, actor=editor)
    status, head, _ = _get(edge, "/story/first-address/")
    assert status == 301 and head["location"] == "/story/second-address/"
    assert head["cache-control"].startswith("public, max-age=60")  # browsers keep a redirect briefly
    assert _get(edge, "/api/v1/stories/first-address/")[0] == 301
    _warm(edge, "/story/first-address/", "/story/second-address/", "/api/v1/stories/first-address/")

    Story.objects.filter(pk=story.pk).update(slug="first-address")
    story_publish(story=story, actor=editor)
    assert _get(edge, "/story/first-address/")[0] == 200  # not the kept redirect: no loop
    status, head, _ = _get(edge, "/story/second-address/")
    assert status == 301 and head["location"] == "/story/first-address/"
    assert _get(edge, "/api/v1/stories/first-address/")[0] == 200
    _warm(edge, "/story/first-address/", "/api/v1/stories/first-address/")

    story_unpublish(story=story, actor=editor)
    status, head, _ = _get(edge, "/story/first-address/")
    assert status == 410 and head["cache-control"].startswith("public, max-age=60")
    assert _get(edge, "/api/v1/stories/first-address/")[0] == 410
    _warm(edge, "/story/first-address/", "/api/v1/stories/first-address/")

    story_publish(story=story, actor=editor)
    status, head, body = _get(edge, "/story/first-address/")
    assert status == 200 and b"Moving story" in _decoded(head, body)  # not the kept 410
    assert _get(edge, "/api/v1/stories/first-address/")[0] == 200


def test_no_stale_read_after_any_publish_while_readers_load_the_edge(edge, editor):
    stories = [build_story(headline=f"Load {i}") for i in range(3)]
    paths = [p for s in stories for p in (s.get_absolute_url(), f"/api/v1/stories/{s.live_slug}/")] + ["/"]
    stop, errors = threading.Event(), []

    def reader():
        while not stop.is_set():
            for path in paths:
                status = _get(edge, path)[0]
                if status != 200:
                    errors.append((path, status))

    readers = [threading.Thread(target=reader, daemon=True) for _ in range(4)]
    for thread in readers:
        thread.start()
    stale = []
    try:
        for n in range(8):
            story = stories[n % len(stories)]
            token = f"Edition {n}"
            Story.objects.filter(pk=story.pk).update(headline=token)
            story_publish(story=story, actor=editor)
            page = _decoded(*_get(edge, story.get_absolute_url())[1:])
            detail = _decoded(*_get(edge, f"/api/v1/stories/{story.live_slug}/")[1:])
            stale += [(n, what) for what, body in (("page", page), ("api", detail)) if token.encode() not in body]
    finally:
        stop.set()
        for thread in readers:
            thread.join(timeout=10)
    assert stale == [] and errors == []


def test_a_purge_that_fails_at_commit_is_made_by_the_worker_with_backoff(edge, settings, postgres, redis_url, tmp_path, editor):
    story = build_story(headline="Before the outage")
    path = story.get_absolute_url()
    _warm(edge, path)
    purge_route = Relay(("127.0.0.1", edge.port))  # the way purges reach the edge: down for now
    settings.EDGE_PURGE_URLS = [f"http://127.0.0.1:{purge_route.port}/"]
    settings.EDGE_PURGE_BACKOFF_BASE, settings.EDGE_PURGE_AGAIN_SECONDS = 0.5, 0
    queue = new_queue("edge")
    with tasks_sent_to(queue):
        Story.objects.filter(pk=story.pk).update(headline="After the outage")
        story_publish(story=story, actor=editor)  # the purge fails at commit; a retry waits in Redis
        assert _cache(edge, path) == "hit"  # the old page: no purge reached the edge
        worker = start_worker(tmp_path, queue, EDGE_PURGE_BACKOFF_BASE="0.5", EDGE_PURGE_BACKOFF_MAX="1")
        try:
            time.sleep(1.5)  # a retry or two fails too
            purge_route.up()
            wait_for(
                lambda: b"After the outage" in _decoded(*_get(edge, path)[1:]),
                timeout=20,
                what="the retried purge",
                log=worker.log,
            )
        finally:
            worker.stop()
            purge_route.down()
    assert "edge purge of" in worker.log.read_text()  # the failed attempts are logged


def test_a_purge_lost_with_its_process_is_made_by_the_next_reconcile(edge, settings, editor):
    story = build_story(headline="Before the lost purge")
    path, api = story.get_absolute_url(), f"/api/v1/stories/{story.live_slug}/"
    _warm(edge, path, api)
    # The process stops between the commit and its edge step: the change is in the log, no purge was sent.
    settings.PUBLIC_CHANGE_STEPS = [step for step in settings.PUBLIC_CHANGE_STEPS if not step.endswith(".edge_purge")]
    Story.objects.filter(pk=story.pk).update(headline="After the lost purge")
    story_publish(story=story, actor=editor)
    assert _cache(edge, path) == "hit" and _cache(edge, api) == "hit"  # the edge still holds the old answers

    assert changes_reconcile() >= 1  # beat's run, a minute later

    for each in (path, api):
        status, head, body = _get(edge, each)
        assert status == 200 and head["x-cache"] == "miss", each
        assert b"After the lost purge" in _decoded(head, body), each


def _purge(edge, keys: str | None, *, source: str = "127.0.0.1") -> int:
    connection = http.client.HTTPConnection("127.0.0.1", edge.port, timeout=5, source_address=(source, 0))
    connection.request("PURGE", "/", headers={"xkey-purge": keys} if keys is not None else {})
    status = connection.getresponse().status
    connection.close()
    return status


def test_only_the_purgers_may_purge_and_only_by_key(edge):
    story = build_story()
    _warm(edge, story.get_absolute_url())
    key = f"story-{story.live_slug}"
    assert _purge(edge, key, source="127.0.0.2") == 403  # loopback, but not in the ACL
    assert _purge(edge, None) == 400
    assert _cache(edge, story.get_absolute_url()) == "hit"
    assert _purge(edge, key) == 200
    assert _cache(edge, story.get_absolute_url()) == "miss"
