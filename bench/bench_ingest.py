"""Ingestion benchmark: ``make bench-ingest``. Prints figures; asserts nothing about time.

Runs in one process against a throwaway test database (``test_<name>`` of
DATABASE_URL; PostgreSQL is the point, SQLite works for a smoke run) and the
local feed server (tests/feed_server.py) in a subprocess:

1. new items: FEEDS feeds of ITEMS entries each, end to end (HTTP fetch,
   parse, normalise, upsert, topic matching against TOPICS topics);
2. known items: the same feeds re-read in full (validators cleared), nothing changed;
3. parsing alone (and parsing + normalising) of the same bodies, in memory;
4. 1,000 unchanged feeds answered 304, counting SourceArticle writes;
with the process's peak RSS after each step. The topic matcher is built first
and timed on its own line (a worker builds it once, then after each topic
change). Garbage is collected before each
timed step, so a full collection the previous step made due (its cost grows
with every long-lived object, e.g. the topic matcher) is not billed to the next.

Sizes: BENCH_FEEDS (20), BENCH_ITEMS (1000), BENCH_TOPICS (500), BENCH_304_FEEDS (1000).
"""

import gc
import os
import resource
import socket
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.test_settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("FEED_ALLOW_PRIVATE_HOSTS", "1")  # the local feed server is on loopback

import django  # noqa: E402

django.setup()

import httpx  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_databases, teardown_databases  # noqa: E402

FEEDS = int(os.environ.get("BENCH_FEEDS", "20"))
ITEMS = int(os.environ.get("BENCH_ITEMS", "1000"))
TOPICS = int(os.environ.get("BENCH_TOPICS", "500"))
FEEDS_304 = int(os.environ.get("BENCH_304_FEEDS", "1000"))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server() -> tuple[subprocess.Popen, str]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, str(BASE_DIR / "tests" / "feed_server.py"), "--port", str(port)], stdout=subprocess.PIPE
    )
    server.stdout.readline()  # "serving on …"
    return server, f"http://127.0.0.1:{port}"


_cpu = [time.process_time()]


def line(label: str, items: int, seconds: float, unit: str = "items") -> None:
    """One figure: wall-clock rate, and this process's CPU time (PostgreSQL's and the server's not included)."""
    cpu, _cpu[0] = time.process_time() - _cpu[0], time.process_time()
    print(
        f"  {label:<44} {items:>7,} {unit} in {seconds:6.2f} s = {items / seconds:>9,.0f} {unit}/s"
        f"   (CPU {cpu:5.2f} s, peak RSS {peak_rss_mb():.0f} MB)"
    )


def run(base: str) -> None:
    from sources.ingest import entry_normalise, feed_ingest, feed_parse
    from sources.models import Feed, SourceArticle
    from tests.factories import FeedFactory, OutletFactory, TopicFactory
    from topics.models import Topic

    Topic.objects.bulk_create(
        [Topic(name=f"Person Number{i}", slug=f"bench-topic-{i}", aliases=f"Number{i}") for i in range(TOPICS - 2)]
    )
    TopicFactory(name="Peru")
    TopicFactory(name="Mexico")
    outlet = OutletFactory(name="Bench Wire")
    feeds = [FeedFactory(outlet=outlet, url=f"{base}/bench/f{i}/{ITEMS}") for i in range(FEEDS)]
    total = FEEDS * ITEMS
    print(f"{connection.vendor} · {FEEDS} feeds × {ITEMS} items · {Topic.objects.count()} topics · batch 1000")

    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    from topics.matching import topic_matcher_get

    start = time.perf_counter()
    topic_matcher_get()  # once per worker process (and again after a topic changes), not per item
    print(f"  topic matcher built in {time.perf_counter() - start:.3f} s (once per process, not in the figures below)")
    gc.collect()  # a collection the previous step left due is not billed to this one
    _cpu[0] = time.process_time()
    start = time.perf_counter()
    for feed in feeds:
        result = feed_ingest(feed_id=feed.pk)
        assert result.new == ITEMS, result
    line("end to end, new items (fetch → match)", total, time.perf_counter() - start)
    assert SourceArticle.objects.count() == total

    Feed.objects.update(etag="", last_modified="")
    gc.collect()  # a collection the previous step left due is not billed to this one
    _cpu[0] = time.process_time()
    start = time.perf_counter()
    for feed in feeds:
        result = feed_ingest(feed_id=feed.pk)
        assert result.unchanged == ITEMS, result
    line("end to end, known items (full re-read)", total, time.perf_counter() - start)

    bodies = [httpx.get(feed.url).content for feed in feeds[:20]]  # in memory: only what parsing alone needs
    total = len(bodies) * ITEMS
    gc.collect()  # a collection the previous step left due is not billed to this one
    _cpu[0] = time.process_time()
    start = time.perf_counter()
    for body in bodies:
        feed_parse(body=body)
    line("parsing alone (fastfeedparser path)", total, time.perf_counter() - start)
    start = time.perf_counter()
    for body in bodies:
        for raw in feed_parse(body=body).entries:
            entry = entry_normalise(raw, base_url=base)
            _ = (entry.title, entry.summary)  # plain text, as for a new item
    line("parsing + normalising (plain text too)", total, time.perf_counter() - start)
    import feedparser

    start = time.perf_counter()
    for body in bodies[:2]:
        feedparser.parse(body)
    line("feedparser alone, for comparison (2 feeds)", 2 * ITEMS, time.perf_counter() - start)
    del bodies

    small = [FeedFactory(outlet=outlet, url=f"{base}/bench/s{i}/5") for i in range(FEEDS_304)]
    gc.collect()  # a collection the previous step left due is not billed to this one
    _cpu[0] = time.process_time()
    start = time.perf_counter()
    for feed in small:
        feed_ingest(feed_id=feed.pk)
    line(f"{FEEDS_304:,} small feeds, first read (5 items each)", FEEDS_304, time.perf_counter() - start, "feeds")

    articles_before = SourceArticle.objects.count()
    gc.collect()  # a collection the previous step left due is not billed to this one
    _cpu[0] = time.process_time()
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        for feed in small:
            result = feed_ingest(feed_id=feed.pk)
            assert result.status == Feed.Status.NOT_MODIFIED, result
        elapsed = time.perf_counter() - start
    line(f"{FEEDS_304:,} unchanged feeds answered 304", FEEDS_304, elapsed, "feeds")
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith(("INSERT", "UPDATE", "DELETE")) and "sources_sourcearticle" in q["sql"]
    ]
    print(
        f"  SourceArticle writes during the 304 pass: {len(writes)}"
        f" (rows {articles_before:,} before, {SourceArticle.objects.count():,} after)"
    )
    print(f"peak RSS of the whole run: {peak_rss_mb():.0f} MB; load average after: {os.getloadavg()[0]:.1f}")


def main() -> None:
    server, base = start_server()
    old_config = setup_databases(verbosity=0, interactive=False, keepdb=False)
    try:
        run(base)
    finally:
        teardown_databases(old_config, verbosity=0)
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
