"""Ingestion benchmark: ``make bench-ingest``. Prints figures; asserts nothing about time.

Runs in one process against a throwaway test database (``test_<name>`` of
DATABASE_URL; PostgreSQL is the point, SQLite works for a smoke run) and the
local feed server (tests/feed_server.py) in a subprocess:

0. STORED articles already stored, spread over the STORED_DAYS days before the
   new ones (news-like text, tests/feed_server.py ``news_items``): bulk-inserted,
   then clustered into events by the real code (``events.clustering``), timed, in
   a process of its own on PostgreSQL (the rest then starts on a fresh heap);
1. new items, news-like: FEEDS feeds of ITEMS entries each, end to end (HTTP
   fetch, parse, normalise, upsert, topic matching, event clustering), once
   without clustering (INGEST_AFTER_STORE empty) and once with it, each pass
   its own new items; a worker starting cold (the window read from the database);
   then as a pipeline: this process ingests while a Celery worker of the cluster
   lane (a process of its own, on the broker of REDIS_URL) clusters, timed from
   the first fetch to the end of the last clustering task (PostgreSQL and Redis only);
2. new items, the uniform bench feed (every entry alike: all near-duplicates),
   end to end with clustering, the figure comparable with earlier runs;
3. known items: the same feeds re-read in full (validators cleared), nothing changed;
4. parsing alone (and parsing + normalising) of the same bodies, in memory;
5. 1,000 unchanged feeds answered 304, counting SourceArticle writes;
with the process's peak RSS for each step (reset before it, Linux) and for the whole run. The topic matcher
is built first and timed on its own line (a worker builds it once, then after each topic change); garbage is
collected before each timed step, so a collection the previous step made due is not billed to the next.

Sizes: BENCH_FEEDS (20), BENCH_ITEMS (1000), BENCH_TOPICS (500), BENCH_304_FEEDS (1000),
BENCH_STORED (100000), BENCH_STORED_DAYS (30).
"""

import gc
import os
import resource
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
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

from tests.feed_server import NEWS_START  # noqa: E402

DAY0 = int((time.time() - NEWS_START) // 86400)  # news feeds' day 0: today, so the window is today's

FEEDS = int(os.environ.get("BENCH_FEEDS", "20"))
ITEMS = int(os.environ.get("BENCH_ITEMS", "1000"))
TOPICS = int(os.environ.get("BENCH_TOPICS", "500"))
FEEDS_304 = int(os.environ.get("BENCH_304_FEEDS", "1000"))
STORED = int(os.environ.get("BENCH_STORED", "100000"))
STORED_DAYS = int(os.environ.get("BENCH_STORED_DAYS", "30"))


def peak_rss_mb() -> float:
    """Peak RSS since the last ``rss_reset`` (VmHWM), else of the whole process."""
    try:
        with open("/proc/self/status") as status:
            for row in status:
                if row.startswith("VmHWM:"):
                    return int(row.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


_whole_run_peak = [0.0]


def rss_reset() -> None:
    """Start a new peak (Linux: writing 5 to clear_refs resets VmHWM); the whole run's peak is kept aside."""
    _whole_run_peak[0] = max(_whole_run_peak[0], peak_rss_mb())
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        pass


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


def prestore(outlet, feed) -> None:
    """STORED articles over the STORED_DAYS days before day 0, inserted in bulk, then clustered by the real code."""
    from django.utils import timezone

    from events.clustering import articles_cluster
    from events.models import Event, EventArticle
    from sources.ingest.store import _articles_insert
    from sources.models import SourceArticle
    from tests.feed_server import news_items

    if not STORED:
        return
    per_day = max(1, STORED // STORED_DAYS)
    per_feed = max(1, per_day // 20)
    start = time.perf_counter()
    _cpu[0] = time.process_time()
    stored = 0
    for day in range(DAY0 - STORED_DAYS, DAY0):
        rows = []
        for f in range(20):
            for item in news_items(f"p{f}", per_feed, day):
                rows.append(
                    SourceArticle(
                        outlet_id=outlet.pk, feed_id=feed.pk, url=f"https://news.example.com/p/{item['guid']}",
                        guid=item["guid"], title=item["title"], summary=item["summary"], language="en",
                        published_at=datetime.fromtimestamp(item["published"], UTC), content_hash=item["guid"][:32],
                    )
                )  # fmt: skip
        now = timezone.now()
        for chunk in range(0, len(rows), 10000):
            _articles_insert(rows[chunk : chunk + 10000], now=now)
        stored += len(rows)
    line("pre-store: bulk insert (no matching)", stored, time.perf_counter() - start, "rows")
    ids = list(SourceArticle.objects.order_by("published_at", "id").values_list("id", flat=True))
    start = time.perf_counter()
    for chunk in range(0, len(ids), 5000):
        articles_cluster(ids[chunk : chunk + 5000])
    line("pre-store: clustering, batches of 5,000", len(ids), time.perf_counter() - start, "articles")
    events = Event.objects.filter(merged_into__isnull=True)
    day0 = datetime.fromtimestamp(NEWS_START + DAY0 * 86400, UTC)
    window = events.filter(last_seen_at__gte=day0 - timedelta(hours=72)).count()
    print(
        f"  {stored:,} stored articles over {STORED_DAYS} days: {events.count():,} events "
        f"({EventArticle.objects.count():,} memberships), {window:,} of them in the 72 h window of day 0"
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE") if connection.vendor == "postgresql" else None


def _proc_cpu(pid: int) -> float:
    """A process's CPU seconds (user and system), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _proc_peak_mb(pid: int) -> float:
    for row in Path(f"/proc/{pid}/status").read_text().splitlines():
        if row.startswith("VmHWM:"):
            return int(row.split()[1]) / 1024
    return 0.0


def pipeline(base: str, outlet, label: str = "new news-like items, pipeline (2 processes)") -> None:
    """Ingestion here, clustering in a worker of the cluster lane (``make worker LANES=cluster``), as in production:
    from the first fetch to the last clustering task's end. Needs PostgreSQL and REDIS_URL (the broker)."""
    from events.models import EventArticle
    from newsroom.celery import app, lane_queue
    from sources.ingest import feed_ingest
    from tests.factories import FeedFactory

    redis_url = os.environ.get("REDIS_URL", "")
    if connection.vendor != "postgresql" or not redis_url:
        print(f"  {label}: skipped (needs PostgreSQL and REDIS_URL)")
        return
    import tempfile

    queue = f"bench-ingest-{os.getpid()}"
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    log = Path(tempfile.mkdtemp(prefix="bench-ingest-")) / "cluster-worker.log"
    env = {**os.environ, "DATABASE_URL": url, "CELERY_QUEUE": queue, "CELERY_BROKER_URL": redis_url, "LOG_LEVEL": "INFO"}
    command = [str(Path(sys.executable).parent / "celery"), "-A", "newsroom", "worker", "-Q", lane_queue("cluster", queue)]
    command += ["-P", "solo", "-n", f"cluster-{os.getpid()}@%h", "-l", "info", "--without-gossip", "--without-mingle"]
    with open(log, "ab") as out:
        worker = subprocess.Popen(command + ["--without-heartbeat"], cwd=BASE_DIR, env=env, stdout=out, stderr=out)
    done = b"task events.tasks.articles_cluster succeeded"
    try:
        deadline = time.time() + 60
        while b" ready." not in log.read_bytes():
            assert worker.poll() is None and time.time() < deadline, log.read_text()[-3000:]
            time.sleep(0.1)
        app.conf.task_always_eager = False  # the clustering task goes to the worker's queue
        app.conf.task_default_queue = queue
        feeds = [FeedFactory(outlet=outlet, url=f"{base}/news/q{i}/{ITEMS}/{DAY0}") for i in range(FEEDS)]
        for feed in feeds:  # the feed server makes each body once: not the ingester's time
            httpx.get(feed.url)
        gc.collect()
        rss_reset()
        Path(f"/proc/{worker.pid}/clear_refs").write_text("5")
        worker_cpu = _proc_cpu(worker.pid)
        _cpu[0] = time.process_time()
        start = time.perf_counter()
        for feed in feeds:
            result = feed_ingest(feed_id=feed.pk)
            assert result.new == ITEMS, result
        ingested = time.perf_counter() - start
        deadline = time.time() + 600
        while log.read_bytes().count(done) < FEEDS:
            assert worker.poll() is None and time.time() < deadline, log.read_text()[-3000:]
            time.sleep(0.02)
        elapsed = time.perf_counter() - start
        worker_cpu = _proc_cpu(worker.pid) - worker_cpu
        line(label, FEEDS * ITEMS, elapsed)
        clustered = EventArticle.objects.filter(article__feed__in=feeds).count()
        print(
            f"    ingestion done after {ingested:.2f} s ({FEEDS * ITEMS / ingested:,.0f} items/s); the cluster worker: "
            f"CPU {worker_cpu:.2f} s ({1e6 * worker_cpu / (FEEDS * ITEMS):.0f} µs an article, context matching "
            f"included), peak RSS {_proc_peak_mb(worker.pid):.0f} MB; {clustered:,} of {FEEDS * ITEMS:,} clustered"
        )
    finally:
        app.conf.task_always_eager = True
        worker.terminate()
        worker.wait(timeout=60)


def run(base: str) -> None:
    from django.conf import settings

    from events import clustering
    from events.models import EventArticle
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
    print(f"{connection.vendor} · {FEEDS} feeds × {ITEMS} items · {Topic.objects.count()} topics · batch 1000")
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    from topics.matching import topic_matcher_get

    start = time.perf_counter()
    topic_matcher_get()  # once per worker process (and again after a topic changes), not per item
    print(f"  topic matcher built in {time.perf_counter() - start:.3f} s (once per process, not in the figures below)")

    feed = FeedFactory(outlet=outlet, url=f"{base}/prestore")
    if connection.vendor == "postgresql" and STORED:
        # In a process of its own, so what follows is measured on a fresh heap (Python keeps what it once used).
        db = connection.settings_dict
        url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        subprocess.run(
            [sys.executable, __file__, "--prestore", str(outlet.pk), str(feed.pk)],
            env={**os.environ, "DATABASE_URL": url},
            check=True,
        )
    else:
        prestore(outlet, feed)
    total = FEEDS * ITEMS

    from events import tasks as event_tasks

    timings = {"cluster": 0.0, "context": 0.0}
    original, original_context = clustering.articles_cluster, event_tasks.event_topics_match

    def timed(ids):
        started = time.perf_counter()
        try:
            return original(ids)
        finally:
            timings["cluster"] += time.perf_counter() - started

    def timed_context(**kwargs):
        started = time.perf_counter()
        try:
            return original_context(**kwargs)
        finally:
            timings["context"] += time.perf_counter() - started

    clustering.articles_cluster = timed
    event_tasks.event_topics_match = timed_context
    try:
        for label, steps, prefix in (
            ("new news-like items, no clustering", [], "m"),
            ("new news-like items, with clustering", list(settings.INGEST_AFTER_STORE), "n"),
        ):
            settings.INGEST_AFTER_STORE = steps
            clustering.index_forget()  # a worker starting: its window is read from the database
            feeds = [FeedFactory(outlet=outlet, url=f"{base}/news/{prefix}{i}/{ITEMS}/{DAY0}") for i in range(FEEDS)]
            for feed in feeds:  # the feed server makes each body once: not the ingester's time
                httpx.get(feed.url)
            before = SourceArticle.objects.count()
            gc.collect()  # a collection the previous step left due is not billed to this one
            rss_reset()
            timings["cluster"] = timings["context"] = 0.0
            _cpu[0] = time.process_time()
            start = time.perf_counter()
            for feed in feeds:
                result = feed_ingest(feed_id=feed.pk)
                assert result.new == ITEMS, result
            line(label, total, time.perf_counter() - start)
            assert SourceArticle.objects.count() == before + total
            if steps:
                clustered = EventArticle.objects.filter(article__feed__in=feeds).count()
                print(
                    f"    of which clustering {timings['cluster']:.2f} s ({total / max(timings['cluster'], 1e-9):,.0f}"
                    f" articles/s alone), then matching in context {timings['context']:.2f} s; {clustered:,} of {total:,}"
                    " clustered; window "
                    f"{len(clustering.window_index_for_database().events):,} events in memory"
                )

        pipeline(base, outlet)

        feeds = [FeedFactory(outlet=outlet, url=f"{base}/bench/f{i}/{ITEMS}") for i in range(FEEDS)]
        rss_reset()
        timings["cluster"] = 0.0
        _cpu[0] = time.process_time()
        start = time.perf_counter()
        for feed in feeds:
            result = feed_ingest(feed_id=feed.pk)
            assert result.new == ITEMS, result
        line("end to end, new items (fetch → cluster)", total, time.perf_counter() - start)
        print(f"    of which clustering {timings['cluster']:.2f} s (uniform items: all near-duplicates of a few)")
    finally:
        clustering.articles_cluster, event_tasks.event_topics_match = original, original_context

    Feed.objects.update(etag="", last_modified="")
    rss_reset()
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
    rss_reset()
    print(f"peak RSS of the whole run: {_whole_run_peak[0]:.0f} MB; load average after: {os.getloadavg()[0]:.1f}")


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
    if sys.argv[1:2] == ["--prestore"]:  # the pre-store step, run by main() in a process of its own
        from sources.models import Feed, Outlet

        prestore(Outlet.objects.get(pk=int(sys.argv[2])), Feed.objects.get(pk=int(sys.argv[3])))
    else:
        main()
