"""``make bench-api``: requests/s and latency of the API under gunicorn on PostgreSQL.

Seeds 10,000 published stories (once; later runs reuse them), starts gunicorn
with 2 sync workers on loopback, and drives it with wrk for a bounded time:

- the floor: a bare Django view with no middleware returning, from memory, the
  bytes of the endpoint it is compared with (``bench/wsgi.py``, ``bench/api_urls.py``,
  never on the public site), measured right before each endpoint;
- the story list, 20 per page;
- a story detail (4 sections, 3 citations, 3 topics, 2 questions);
- the list again, revalidated with If-None-Match (a 304).

It prints figures and the ratios to the floor (targets: list >= 0.15x, detail
>= 0.3x); it asserts nothing about time. Then the bytes each body takes in
each content coding (identity, gzip, br) for a page of 100 stories, a detail
and a full sync from 0, and the time to compress each once (the API keeps
the result). ``BENCH_SIZES_ONLY=1`` measures only the sizes: no wrk, no load. The throttle is off (every request
comes from one address); set BENCH_THROTTLE=1000000/s to include its cost.

Environment: BENCH_DATABASE_URL (default postgres://newsroom@127.0.0.1:5432/newsroom_bench_api),
BENCH_STORIES (10000), BENCH_SECONDS (10 per endpoint and round), BENCH_ROUNDS (3: floor and endpoint in turn,
the median round reported), BENCH_CONNECTIONS (16), BENCH_PORT (8765),
BENCH_SIZES_ONLY (off).
"""

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import ensure_database, wait_until_up, wrk  # noqa: E402

PYTHON = sys.executable
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
DEFAULT_DB = "postgres://newsroom@127.0.0.1:5432/newsroom_bench_api"
TARGETS = {"list": 0.15, "detail": 0.3}
os.environ.setdefault("BENCH_CONNECTIONS", "16")


def main() -> int:
    sizes_only = os.environ.get("BENCH_SIZES_ONLY") == "1"
    if shutil.which("wrk") is None and not sizes_only:
        print("wrk is needed: apt-get install wrk", file=sys.stderr)
        return 2
    db_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "DJANGO_SETTINGS_MODULE": "bench.api_settings",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789"),
        "ALLOWED_HOSTS": "127.0.0.1",
        "NEWSROOM_PLAIN_STATIC": "1",
        "API_THROTTLE_ANON": os.environ.get("BENCH_THROTTLE", ""),
        "DEBUG": "",
        "HTTPS": "0",  # plain HTTP on loopback
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("REDIS_URL", None)  # local-memory cache: the bench touches no shared Redis
    ensure_database(db_url)
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    stories = int(os.environ.get("BENCH_STORIES", "10000"))
    seeded = subprocess.run(
        [PYTHON, "-c", f"import bench.bench_api as b; b.seed({stories})"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    detail_slug, last_cursor = seeded.stdout.strip().splitlines()[-1].split()
    port = int(os.environ.get("BENCH_PORT", "8765"))
    if sizes_only:
        _report_sizes(_sizes(env, port, detail_slug))
        return 0
    load_before = os.getloadavg()
    # The real path first (response cache off), then with the ETag-keyed response cache.
    results = _measure({**env, "API_RESPONSE_CACHE_SECONDS": "0"}, port, detail_slug, int(last_cursor))
    cached = _measure(env, port, detail_slug, int(last_cursor))
    results.update({f"{name} (cached)": r for name, r in cached.items() if name != "list 304"})
    load_after = os.getloadavg()
    _report(results, stories=stories, load=(load_before, load_after))
    _report_sizes(_sizes(env, port, detail_slug))
    return 0


CODINGS = ("identity", "gzip", "br")


def _serve(env: dict, port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-c", "newsroom/gunicorn.conf.py", "--log-level", "warning", "bench.wsgi:application"],
        cwd=ROOT,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "2", "GUNICORN_MAX_REQUESTS": "0"},
    )
    wait_until_up(f"http://127.0.0.1:{port}/bench/floor/")
    return server


def _fetch(url: str, coding: str) -> tuple[bytes, str]:
    """The body as sent (not decoded) and its Content-Encoding."""
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept-Encoding": coding})) as response:
        return response.read(), response.headers.get("Content-Encoding", "identity")


def _sizes(env: dict, port: int, detail_slug: str) -> dict:
    """Bytes sent in each coding for a 100-story page, a detail and a full sync (every page from 0)."""
    base = f"http://127.0.0.1:{port}/api/v1"
    encoding = _encoding_module()
    server = _serve(env, port)
    try:
        urls = {"100-story page": [f"{base}/stories/?page_size=100"], "story detail": [f"{base}/stories/{detail_slug}/"]}
        sync, cursor = [], 0
        while True:  # the pages a new client reads
            sync.append(f"{base}/sync/?since={cursor}&limit=500")
            page = json.loads(_fetch(sync[-1], "identity")[0])
            cursor = page["next_cursor"]
            if not page["has_more"]:
                break
        urls[f"full sync ({len(sync)} pages)"] = sync
        sizes = {}
        for name, pages in urls.items():
            row = {}
            for coding in CODINGS:
                bodies = [_fetch(url, coding) for url in pages]
                assert all(sent == coding for _, sent in bodies), f"{name}: asked for {coding}"
                row[coding] = sum(len(body) for body, _ in bodies)
            plain = [_fetch(url, "identity")[0] for url in pages]
            for coding in ("gzip", "br"):
                started = time.perf_counter()
                for body in plain:
                    encoding.body_encode(body, coding)
                row[f"{coding} ms"] = (time.perf_counter() - started) * 1000
            sizes[name] = row
        return sizes
    finally:
        server.terminate()
        server.wait(timeout=30)


def _encoding_module():
    """``newsroom/encoding.py`` on its own (it needs no Django), so the times are the API's own settings."""
    spec = importlib.util.spec_from_file_location("api_encoding", ROOT / "newsroom/encoding.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _report_sizes(sizes: dict) -> None:
    print("\nBytes sent by content coding (Accept-Encoding), and the time to compress once in this process")
    print(f"{'body':<24} {'identity':>10} {'gzip':>10} {'br':>10} {'gzip %':>7} {'br %':>7} {'gzip ms':>8} {'br ms':>8}")
    for name, r in sizes.items():
        print(
            f"{name:<24} {r['identity']:>10,} {r['gzip']:>10,} {r['br']:>10,} {100 * r['gzip'] / r['identity']:>6.1f}% "
            f"{100 * r['br'] / r['identity']:>6.1f}% {r['gzip ms']:>8.2f} {r['br ms']:>8.2f}"
        )


def _measure(env: dict, port: int, detail_slug: str, last_cursor: int) -> dict:
    """Each endpoint right after its floor, on the same server: the ratio compares neighbours in time.

    An endpoint's floor is a bare Django view with no middleware (``bench/wsgi.py``) returning, from
    memory, the very bytes the endpoint returned (checked); ``stacked`` is that view behind the site's
    whole middleware, to show what the middleware costs.
    """
    base = f"http://127.0.0.1:{port}"
    floors = Path(tempfile.mkdtemp(prefix="bench-api-floor-"))
    server = _serve({**env, "BENCH_FLOOR_DIR": str(floors)}, port)
    try:
        etag = urllib.request.urlopen(f"{base}/api/v1/stories/").headers["ETag"]
        urls = {
            "list": (f"{base}/api/v1/stories/", None),
            "detail": (f"{base}/api/v1/stories/{detail_slug}/", None),
            "list 304": (f"{base}/api/v1/stories/", f"If-None-Match: {etag}"),
            # The last 100 changes, and the poll of a client that is caught up.
            "sync 100": (f"{base}/api/v1/sync/?since={last_cursor - 100}&limit=100", None),
            "sync caught up": (f"{base}/api/v1/sync/?since={last_cursor}", None),
        }
        for name, (url, header) in urls.items():
            request = urllib.request.Request(url, headers=dict([header.split(": ", 1)]) if header else {})
            try:
                with urllib.request.urlopen(request) as response:
                    status, body = response.status, response.read()
            except urllib.error.HTTPError as exc:
                status, body = exc.code, exc.read()
            assert status in (200, 304), f"{name}: {status}"
            (floors / f"{_key(name)}.bin").write_bytes(body)
            assert urllib.request.urlopen(f"{base}/bench/floor/{_key(name)}/").read() == body, f"{name}: floor bytes"
        results = {}
        for name, (url, header) in urls.items():
            # Floor and endpoint in turn, ROUNDS times: the ratio is the median of each round's (neighbours in
            # time, so a burst of other work on the machine skews one round, not the figure).
            rounds = []
            for _ in range(ROUNDS):
                floor = wrk(f"{base}/bench/floor/{_key(name)}/", header=None, seconds=SECONDS)["rps"]
                rounds.append({**wrk(url, header=header, seconds=SECONDS), "floor": floor})
            rounds.sort(key=lambda r: r["rps"] / r["floor"] if r["floor"] else 0)
            results[name] = {**rounds[len(rounds) // 2], "errors": sum(r["errors"] for r in rounds)}
        stacked = wrk(f"{base}/bench/stacked/{_key('detail')}/", seconds=SECONDS)
        results["detail's bytes through the whole middleware"] = {**stacked, "floor": results["detail"]["floor"]}
        return results
    finally:
        server.terminate()
        server.wait(timeout=30)


def _key(name: str) -> str:
    return name.replace(" ", "-")


def _report(results: dict, *, stories: int, load) -> None:
    print(
        f"\nAPI benchmark: {stories} published stories, PostgreSQL, gunicorn 2 sync workers, wrk "
        f"{os.environ.get('BENCH_CONNECTIONS', '4')} connections, {SECONDS} s each, the median round of {ROUNDS} "
        "(floor, then endpoint)"
    )
    print(f"{'endpoint':<16} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'floor':>8} {'x floor':>8} {'target':>10} {'errors':>7}")
    for name, r in results.items():
        target = TARGETS.get(name)  # the targets are for the response cache off; the cached rows are for comparison
        ratio = r["rps"] / r["floor"] if r["floor"] else 0
        verdict = "" if target is None else (f">={target}" + (" ok" if ratio >= target else " MISS"))
        print(
            f"{name:<16} {r['rps']:>8.0f} {r['p50']:>8.2f} {r['p99']:>8.2f} {r['floor']:>8.0f} {ratio:>8.2f} "
            f"{verdict:>10} {r['errors']:>7}"
        )
    print(
        f"load average before/after: {load[0][0]:.2f} / {load[1][0]:.2f} "
        f"({os.cpu_count()} cores; other work on the machine skews the figures)"
    )


# --- seeding (runs inside Django) ---------------------------------------------------------


def seed(count: int) -> None:
    """Publish ``count`` stories in bulk (same snapshot shape as the workflow's); print a detail slug."""
    import django

    django.setup()
    from newsroom.changes.models import ChangeEvent
    from stories.models import Story

    if Story.objects.live().count() < count:
        _seed(count)
        from django.db import connection

        with connection.cursor() as cursor:  # fresh statistics, or the planner guesses from an empty table
            for table in (
                "stories_story",
                "stories_revision",
                "stories_story_live_topics",
                "stories_story_live_outlets",
                "stories_story_live_questions",
                ChangeEvent._meta.db_table,
                "topics_topic",
                "sources_outlet",
            ):
                cursor.execute(f"VACUUM ANALYZE {table}")
    _keep_api_details()
    slug = Story.objects.live().filter(live_slug__startswith="bench-story-").order_by("id").values_list("live_slug", flat=True)[0]
    print(slug, ChangeEvent.objects.order_by("-id").values_list("id", flat=True)[0])  # a detail, and the sync's last cursor


def _keep_api_details() -> None:
    """Keep each live story's API detail beside its page, as publishing does (``stories/after_change.py``): those
    never kept, and those kept by another version of the API (a reused bench database after a code change)."""
    from django.db.models import Q

    from stories.api.kept import api_version, story_api_json_keep
    from stories.selectors import story_live_queryset, story_page_from

    current = Q(live_page__api_key__contains=f":{api_version()}:")
    missing = story_live_queryset().filter(Q(live_page__isnull=True) | ~current)
    for n, story in enumerate(missing.iterator(chunk_size=500), 1):
        story_api_json_keep(page=story_page_from(story))
        if n % 2000 == 0:
            print(f"kept {n} API details", file=sys.stderr)


def _seed(count: int) -> None:
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from faq.models import CommonQuestion, QuestionItem
    from newsroom.changes.models import ChangeEvent
    from sources.models import Outlet
    from stories.models import Citation, Revision, SectionBlock, Story, StoryQuestion, StoryTopic
    from stories.revisions import snapshot_search_text
    from topics.models import Topic

    kinds = list(Topic.Kind)
    topics = [
        Topic(
            name=f"Bench topic {i}", slug=f"bench-topic-{i}", kind=kinds[i % len(kinds)], description="A topic for the benchmark."
        )
        for i in range(60)
    ]
    Topic.objects.bulk_create(topics, ignore_conflicts=True)
    topics = list(Topic.objects.filter(slug__startswith="bench-topic-"))
    Outlet.objects.bulk_create(
        [
            Outlet(name=f"Bench outlet {i}", slug=f"bench-outlet-{i}", homepage=f"https://outlet{i}.example.com/")
            for i in range(25)
        ],
        ignore_conflicts=True,
    )
    outlets = list(Outlet.objects.filter(slug__startswith="bench-outlet-"))
    CommonQuestion.objects.bulk_create(
        [
            CommonQuestion(
                question=f"Bench question {i}?", slug=f"bench-question-{i}", status="published", teaser="Why it matters."
            )
            for i in range(12)
        ],
        ignore_conflicts=True,
    )
    questions = list(CommonQuestion.objects.filter(slug__startswith="bench-question-"))
    if not QuestionItem.objects.filter(common_question__in=questions).exists():
        QuestionItem.objects.bulk_create(
            [
                QuestionItem(common_question=q, position=j, question=f"Part {j}?", answer="<p>An answer.</p>")
                for q in questions
                for j in range(3)
            ]
        )
    paragraph = (
        "Officials met on Tuesday to discuss the dispute, which has simmered for months. "
        "Both governments said talks would continue, while analysts expect little progress before the vote. "
    )
    body = "".join(f"<p>{paragraph * 2}</p>" for _ in range(3))
    block_kinds = ["whats_happened", "behind_headline", "papers_say", "how_we_got_here"]
    start = Story.objects.filter(slug__startswith="bench-story-").count()
    base_time = timezone.now() - timedelta(days=400)
    for first in range(start, count, 500):
        numbers = range(first, min(first + 500, count))
        with transaction.atomic():
            stories = Story.objects.bulk_create(
                [
                    Story(
                        headline=f"Bench story {i}: talks resume over the border dispute",
                        slug=f"bench-story-{i}",
                        summary="Both sides return to the table after months of silence.",
                        status="published",
                    )
                    for i in numbers
                ]
            )
            blocks, citations, links, qlinks, revisions = [], [], [], [], []
            for i, story in zip(numbers, stories, strict=True):
                story_topics = [topics[(i + k) % len(topics)] for k in range(3)]
                story_outlets = [outlets[(i + k) % len(outlets)] for k in range(3)]
                story_questions = [questions[(i + k) % len(questions)] for k in range(2)]
                blocks += [SectionBlock(story=story, position=p, kind=k, body=body) for p, k in enumerate(block_kinds)]
                citations += [
                    Citation(
                        story=story,
                        position=p,
                        outlet=o,
                        url=f"https://{o.slug}.example.com/{i}",
                        claim="The outlet reports the talks will resume.",
                        quote="",
                    )
                    for p, o in enumerate(story_outlets)
                ]
                links += [StoryTopic(story=story, topic=t, position=p) for p, t in enumerate(story_topics)]
                qlinks += [StoryQuestion(story=story, question=q, position=p) for p, q in enumerate(story_questions)]
                data = {
                    "schema": 1,
                    "headline": story.headline,
                    "slug": story.slug,
                    "summary": story.summary,
                    "event_date": None,
                    "author_name": "",
                    "blocks": [{"kind": k, "heading": dict(SectionBlock.Kind.choices)[k], "body": body} for k in block_kinds],
                    "citations": [
                        {
                            "outlet_id": o.pk,
                            "url": f"https://{o.slug}.example.com/{i}",
                            "source_article_id": None,
                            "claim": "The outlet reports the talks will resume.",
                            "quote": "",
                        }
                        for o in story_outlets
                    ],
                    "topic_ids": [t.pk for t in story_topics],
                    "question_ids": [q.pk for q in story_questions],
                    "notes": [],
                }
                revisions.append(Revision(story=story, kind="publish", data=data))
            for model, rows in ((SectionBlock, blocks), (Citation, citations), (StoryTopic, links), (StoryQuestion, qlinks)):
                model.objects.bulk_create(rows)
            revisions = Revision.objects.bulk_create(revisions)
            for i, story, revision in zip(numbers, stories, revisions, strict=True):
                when = base_time + timedelta(minutes=i)
                story.live_revision, story.live_slug = revision, story.slug
                story.live_headline, story.live_summary = story.headline, story.summary
                story.live_search_text = snapshot_search_text(revision.data)
                story.first_published_at = story.last_published_at = when
            Story.objects.bulk_update(
                stories,
                [
                    "live_revision",
                    "live_slug",
                    "live_headline",
                    "live_summary",
                    "live_search_text",
                    "first_published_at",
                    "last_published_at",
                ],
            )
            Story.live_topics.through.objects.bulk_create(
                [Story.live_topics.through(story_id=link.story_id, topic_id=link.topic_id) for link in links]
            )
            Story.live_questions.through.objects.bulk_create(
                [Story.live_questions.through(story_id=link.story_id, commonquestion_id=link.question_id) for link in qlinks]
            )
            Story.live_outlets.through.objects.bulk_create(
                [Story.live_outlets.through(story_id=c.story_id, outlet_id=c.outlet_id) for c in citations]
            )
            ChangeEvent.objects.bulk_create(
                [ChangeEvent(kind="story", object_id=s.pk, slug=s.slug, action="upsert") for s in stories]
            )
        print(f"seeded {min(first + 500, count)} / {count}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
