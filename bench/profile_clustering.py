"""Clustering's CPU per stage, in-process: ``python bench/profile_clustering.py [--cprofile]``.

The articles of bench/bench_ingest.py (tests/feed_server.py ``news_items``): STORED_DAYS days of history at
the density of BENCH_STORED over 30 days (what the 72 h window holds), clustered first, then FEEDS batches
of ITEMS new articles of day 0, each batch timed stage by stage (process CPU): reading the batch (query and
features), weights, the loop (candidates, scoring, updates), writing. On the test database of DATABASE_URL
(SQLite in memory by default: the database's own time is then not what PostgreSQL would spend, and the
stored events' updates are skipped there, the window in memory being the truth within one process).
"""

import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.test_settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402

from tests.feed_server import NEWS_START  # noqa: E402

DAY0 = int((time.time() - NEWS_START) // 86400)
STORED = int(os.environ.get("BENCH_STORED", "100000"))
STORED_DAYS = int(os.environ.get("PROFILE_DAYS", "4"))
FEEDS = int(os.environ.get("BENCH_FEEDS", "20"))
ITEMS = int(os.environ.get("BENCH_ITEMS", "1000"))


def articles_store(outlet, feed, prefix: str, per_feed: int, days: range, feeds: int) -> list[list[int]]:
    """Articles of ``feeds`` feeds over ``days``, inserted; their ids, one list per (day, feed)."""
    from sources.ingest.store import _articles_insert
    from sources.models import SourceArticle
    from tests.feed_server import news_items

    batches = []
    for day in days:
        for f in range(feeds):
            rows = [
                SourceArticle(
                    outlet_id=outlet.pk, feed_id=feed.pk, url=f"https://news.example.com/{prefix}/{item['guid']}",
                    guid=item["guid"], title=item["title"], summary=item["summary"], language="en",
                    published_at=datetime.fromtimestamp(item["published"], UTC), content_hash=item["guid"][:32],
                )
                for item in news_items(f"{prefix}{f}", per_feed, day)
            ]  # fmt: skip
            _articles_insert(rows, now=datetime.now(UTC))
            batches.append(sorted(SourceArticle.objects.filter(url__in=[r.url for r in rows]).values_list("id", flat=True)))
    return batches


def main() -> None:
    from events import clustering
    from events.context import event_topics_match
    from tests.factories import FeedFactory, OutletFactory
    from topics.models import Topic

    Topic.objects.bulk_create(  # as bench_ingest.py: 500 topics for the context matching after each batch
        [Topic(name=f"Person Number{i}", slug=f"bench-topic-{i}", aliases=f"Number{i}") for i in range(498)]
        + [Topic(name="Peru", slug="peru"), Topic(name="Mexico", slug="mexico")]
    )
    outlet = OutletFactory(name="Profile Wire")
    feed = FeedFactory(outlet=outlet, url="http://127.0.0.1/profile")
    per_feed = max(1, STORED // 30 // 20)
    history = articles_store(outlet, feed, "p", per_feed, range(DAY0 - STORED_DAYS, DAY0), 20)
    ids = sorted(pk for batch in history for pk in batch)
    started = time.perf_counter()
    for chunk in range(0, len(ids), 5000):
        clustering.articles_cluster(ids[chunk : chunk + 5000])
    print(f"history: {len(ids):,} articles clustered in {time.perf_counter() - started:.1f} s")
    new = articles_store(outlet, feed, "n", ITEMS, range(DAY0, DAY0 + 1), FEEDS)
    clustering.index_forget()

    stages: dict[str, float] = {}

    def timed(name, function):
        def wrapper(*args, **kwargs):
            started = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                stages[name] = stages.get(name, 0.0) + time.process_time() - started

        return wrapper

    if connection.vendor == "sqlite":  # SQLite's bulk_update is no measure of PostgreSQL's one UPDATE … FROM unnest
        clustering._events_state_update = lambda events, version: None
    clustering._articles_read = timed("read (query + features)", clustering._articles_read)
    clustering.text.features_batch = timed("  of which features", clustering.text.features_batch)
    clustering._index_sync = timed("window sync", clustering._index_sync)
    clustering._vectors = timed("weights", clustering._vectors)
    clustering._write = timed("write", clustering._write)
    clustering._run = timed("run (sync + weights + loop + write)", clustering._run)
    total = len([pk for batch in new for pk in batch])
    profile = None
    if "--cprofile" in sys.argv:
        import cProfile

        profile = cProfile.Profile()
        profile.enable()
    import gc

    gc_time, gc_started = [0.0, 0, 0, 0], [0.0]

    def gc_watch(phase, info):
        if phase == "start":
            gc_started[0] = time.perf_counter()
        else:
            gc_time[0] += time.perf_counter() - gc_started[0]
            gc_time[1 + info["generation"]] += 1

    gc.collect()
    gc.callbacks.append(gc_watch)
    cpu, wall = time.process_time(), time.perf_counter()
    context = timed("context matching (events/context.py)", event_topics_match)
    for batch in new:
        clustering.articles_cluster(batch)
        context(article_ids=batch)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    gc.callbacks.remove(gc_watch)
    print(f"garbage collection: {gc_time[0]:.2f} s in {gc_time[1:]} collections (generations 0, 1, 2)")
    if profile is not None:
        profile.disable()
    window = len(clustering.window_index_for_database().events)
    print(f"{total:,} new articles in {FEEDS} batches: {wall:.2f} s wall = {total / wall:,.0f}/s; CPU {cpu:.2f} s")
    print(f"  {1e6 * cpu / total:.0f} µs CPU per article; window {window:,} events")
    loop = stages["run (sync + weights + loop + write)"] - sum(stages.get(k, 0.0) for k in ("window sync", "weights", "write"))
    stages["loop (candidates, scoring, updates)"] = loop
    for name, seconds in stages.items():
        print(f"  {name:<40} {1e6 * seconds / total:7.1f} µs/article")
    if profile is not None:
        import pstats

        stats = pstats.Stats(profile).sort_stats("tottime")
        stats.print_stats(30)
        stats.print_callees("_candidates|extend|_write")


if __name__ == "__main__":
    old = setup_databases(verbosity=0, interactive=False, keepdb=False)
    try:
        main()
    finally:
        teardown_databases(old, verbosity=0)
