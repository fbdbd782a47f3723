"""The freshness load test's watcher (bench/loadtest.py, ``make loadtest-freshness``) counts what it must: the first
read showing a publish, every read after it that does not (a stale read), and errors before it."""

import time

from bench.loadtest import Watch


def _until(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_a_read_without_the_publish_after_the_fresh_one_is_stale(feed_server):
    url = feed_server.set("/page", b"<h1>Old headline</h1>", content_type="text/html")
    watch = Watch(url, "FR0123456789", missing_ok=False)
    try:
        _until(lambda: watch.reads >= 3)
        assert watch.fresh_at is None and not watch.stale and not watch.errors  # old, not yet fresh: fine
        feed_server.set("/page", b"<h1>New headline [FR0123456789]</h1>", content_type="text/html")
        _until(lambda: watch.fresh_at is not None)
        assert not watch.stale
        feed_server.set("/page", b"<h1>Old headline</h1>", content_type="text/html")  # the old page again
        _until(lambda: watch.stale)
    finally:
        watch.stop()
    assert watch.stale[0][:2] == (url, 200)


def test_an_error_before_the_publish_is_counted_and_a_404_only_where_allowed(feed_server):
    missing = feed_server.url("/status/404")
    broken = feed_server.url("/status/500")
    watches = [
        Watch(missing, "FR1", missing_ok=True),
        Watch(missing, "FR1", missing_ok=False),
        Watch(broken, "FR1", missing_ok=True),
    ]
    try:
        _until(lambda: all(w.reads >= 2 for w in watches))
    finally:
        for watch in watches:
            watch.stop()
    assert [bool(w.errors) for w in watches] == [False, True, True]
    assert all(w.fresh_at is None for w in watches)
