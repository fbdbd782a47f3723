"""``make bench``: the public story page under gunicorn on PostgreSQL, cached and uncached, against the floor.

Seeds 10,000 published stories shaped like the demo story (once; later runs
reuse them), renders their pages as publishing does, then starts gunicorn
(2 sync workers, loopback only) twice and drives it with wrk for a bounded time:

- nginx:    nginx serving the same page as a file (the limit; when nginx is installed);
- floor:    a bare Django view with no middleware returning the story page's bytes
            from memory (``bench/wsgi.py``, ``bench.site_urls``; "stacked": the same view
            behind the site's whole middleware);
- cached:   one story page, served from the anonymous page cache (Redis);
- uncached: the same view without the page cache, each request a different
            story of the 10,000 (one query for the page rendered at publish time);
- edge:     the cached story page through Varnish (deploy/edge.py) in front of
            the same gunicorn, when varnishd is installed (BENCH_EDGE=0: not).

Rounds of the three are interleaved (BENCH_ROUNDS, 3) and the best of each is
kept, since other work on a shared machine comes in bursts.

It prints requests/s, p50/p99 latency and the ratios to the floor (targets:
cached >= 0.8x, uncached >= 0.35x in at most 4 queries) and of the edge to nginx's
file (target >= 0.5x), and the queries an uncached story page costs. It asserts
nothing about time.

Environment: BENCH_DATABASE_URL (default postgres://newsroom@127.0.0.1:5432/newsroom_bench_site),
BENCH_REDIS_URL (redis://127.0.0.1:6379/14), BENCH_STORIES (10000), BENCH_SECONDS (8),
BENCH_CONNECTIONS (16), BENCH_ROUNDS (3), BENCH_PORT (8766).
"""

import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import ensure_database, wait_until_up, wrk  # noqa: E402

PYTHON = sys.executable
SECONDS = int(os.environ.get("BENCH_SECONDS", "8"))
DEFAULT_DB = "postgres://newsroom@127.0.0.1:5432/newsroom_bench_site"
DEFAULT_REDIS = "redis://127.0.0.1:6379/14"
TARGETS = {"cached": 0.8, "uncached": 0.35}
EDGE_TARGET = 0.5  # of nginx serving the page as a file
os.environ.setdefault("BENCH_CONNECTIONS", "16")
SLUG = "bench-page-{}"


def main() -> int:
    if shutil.which("wrk") is None:
        print("wrk is needed: apt-get install wrk", file=sys.stderr)
        return 2
    stories = int(os.environ.get("BENCH_STORIES", "10000"))
    db_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    redis_url = _reachable_redis(os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS))
    workdir = Path(tempfile.mkdtemp(prefix="bench-site-"))
    floor_file = workdir / "story.html"
    prefix = f"bench-site-{uuid.uuid4().hex[:8]}"  # a fresh cache namespace for this run
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "DJANGO_SETTINGS_MODULE": "bench.site_settings",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789"),
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "SITE_URL": "http://127.0.0.1",
        "DEBUG": "",
        "HTTPS": "0",  # plain HTTP on loopback
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
        "BENCH_FLOOR_FILE": str(floor_file),
        "CACHE_KEY_PREFIX": prefix,
        "STATIC_ROOT": str(workdir / "static"),
    }
    if redis_url:
        env["REDIS_URL"] = redis_url
    else:
        env.pop("REDIS_URL", None)
    ensure_database(db_url)
    subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    prepared = subprocess.run(
        [PYTHON, "-c", f"import bench.bench_site as b; b.prepare({stories})"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    queries = int(prepared.stdout.strip().splitlines()[-1])
    port = int(os.environ.get("BENCH_PORT", "8766"))
    base = f"http://127.0.0.1:{port}"
    rotate = _rotation_script(workdir, stories)
    rounds = int(os.environ.get("BENCH_ROUNDS", "3"))
    load_before = os.getloadavg()
    runs = {"floor": [], "stacked": [], "cached": [], "uncached": []}
    edge = _edge(env, port)
    nginx = _Nginx(workdir, floor_file) if shutil.which("nginx") or Path("/usr/sbin/nginx").exists() else None
    with _gunicorn(env, port):
        if nginx is not None:
            nginx.start()
            runs["nginx"] = []
            _check_same_bytes(nginx.url, f"{base}/story/{SLUG.format(0)}/")
        if edge is not None:
            edge.start()
            runs["edge"] = []
            _check_edge_hit(f"{edge.url}/story/{SLUG.format(0)}/")
        _check_same_bytes(f"{base}/bench/floor/", f"{base}/story/{SLUG.format(0)}/")
        _check_same_bytes(f"{base}/bench/floor/", f"{base}/bench/uncached/story/{SLUG.format(0)}/")
        _check_cache_header(f"{base}/story/{SLUG.format(0)}/", "hit")
        _check_cache_header(f"{base}/bench/uncached/story/{SLUG.format(0)}/", None)
        # Interleaved rounds, best of each: other work on a shared machine comes in bursts.
        for _ in range(rounds):
            if nginx is not None:
                runs["nginx"].append(wrk(nginx.url, seconds=SECONDS))
            runs["floor"].append(wrk(f"{base}/bench/floor/", seconds=SECONDS))
            runs["stacked"].append(wrk(f"{base}/bench/stacked/", seconds=SECONDS))
            runs["cached"].append(wrk(f"{base}/story/{SLUG.format(0)}/", seconds=SECONDS))
            runs["uncached"].append(wrk(base, script=rotate, seconds=SECONDS))
            if edge is not None:
                runs["edge"].append(wrk(f"{edge.url}/story/{SLUG.format(0)}/", seconds=SECONDS))
    if edge is not None:
        edge.stop()
    if nginx is not None:
        nginx.stop()
    results = {name: max(r, key=lambda x: x["rps"]) for name, r in runs.items()}
    load_after = os.getloadavg()
    _forget_cache(redis_url, prefix)
    shutil.rmtree(workdir, ignore_errors=True)
    _report(results, stories=stories, queries=queries, redis=bool(redis_url), load=(load_before, load_after))
    return 0


# --- processes --------------------------------------------------------------------------------


def _edge(env: dict, port: int):
    """Varnish in front of the gunicorn on ``port``, the application naming keys for it; None without varnishd."""
    from deploy.edge import Varnish, free_port, varnishd_path

    if os.environ.get("BENCH_EDGE", "1") in ("0", "no", "false") or varnishd_path() is None:
        return None
    edge = Varnish(backend=f"127.0.0.1:{port}", port=free_port())
    env["EDGE_PURGE_URLS"] = edge.url + "/"  # keys and s-maxage on: what the edge keeps
    return edge


def _check_edge_hit(url: str) -> None:
    from deploy.edge import get

    for _ in range(2):
        _, headers, _ = get(url)
    if headers.get("x-cache") != "hit":
        raise RuntimeError(f"{url} answered X-Cache: {headers.get('x-cache')}, not hit")


class _gunicorn:
    def __init__(self, env: dict, port: int):
        self.env, self.port = env, port

    def __enter__(self):
        self.process = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "-c", "newsroom/gunicorn.conf.py", "bench.wsgi:application"],
            cwd=ROOT,
            env={**self.env, "GUNICORN_BIND": f"127.0.0.1:{self.port}", "GUNICORN_WORKERS": "2"},
        )
        wait_until_up(f"http://127.0.0.1:{self.port}/bench/floor/")
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=30)


class _Nginx:
    """nginx serving the saved story page as a file on a free port (2 workers, like gunicorn's), no logs."""

    def __init__(self, workdir: Path, page: Path):
        from deploy.edge import free_port

        self.port, self.dir = free_port(), workdir / "nginx"
        self.dir.mkdir(exist_ok=True)
        workdir.chmod(0o755)  # nginx's workers drop to an unprivileged user: they must read the page
        page.chmod(0o644)
        self.url = f"http://127.0.0.1:{self.port}/{page.name}"
        (self.dir / "nginx.conf").write_text(
            f"worker_processes 2; daemon off; pid {self.dir}/nginx.pid; error_log {self.dir}/error.log;\n"
            "events { worker_connections 1024; }\n"
            f"http {{ access_log off; types {{ text/html html; }} sendfile on; tcp_nopush on; keepalive_requests 100000;"
            f" client_body_temp_path {self.dir}; proxy_temp_path {self.dir}; fastcgi_temp_path {self.dir};"
            f" uwsgi_temp_path {self.dir}; scgi_temp_path {self.dir};"
            f" server {{ listen 127.0.0.1:{self.port}; root {page.parent}; }} }}\n"
        )

    def start(self):
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        self.process = subprocess.Popen([binary, "-c", str(self.dir / "nginx.conf"), "-p", str(self.dir)])
        wait_until_up(self.url)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


def _reachable_redis(url: str) -> str:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
        return url
    except redis.RedisError:
        print(f"Redis at {url} is not reachable: the cached figures use each worker's local memory", file=sys.stderr)
        return ""


def _forget_cache(redis_url: str, prefix: str) -> None:
    if not redis_url:
        return
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    for i in range(0, len(keys), 1000):
        client.delete(*keys[i : i + 1000])


def _check_same_bytes(floor_url: str, page_url: str) -> None:
    floor = urllib.request.urlopen(floor_url).read()
    page = urllib.request.urlopen(page_url).read()
    if floor != page:
        raise RuntimeError("the floor view does not return the story page's bytes")


def _check_cache_header(url: str, expected: str | None) -> None:
    for _ in range(3):  # each worker's first request may be its miss
        with urllib.request.urlopen(url) as response:
            seen = response.headers["X-Page-Cache"]
    if seen != expected:
        raise RuntimeError(f"{url} answered X-Page-Cache: {seen}, not {expected}")


def _rotation_script(workdir: Path, count: int) -> Path:
    script = workdir / "rotate.lua"
    script.write_text(
        f"""
local i = math.random(0, {count - 1})
request = function()
  i = (i + 7919) % {count}
  return wrk.format("GET", "/bench/uncached/story/{SLUG.format('" .. i .. "')}/")
end
"""
    )
    return script


def _report(results: dict, *, stories: int, queries: int, redis: bool, load) -> None:
    floor = results["floor"]["rps"]
    print(
        f"\nStory page benchmark: {stories} published stories, PostgreSQL, gunicorn 2 sync workers, "
        f"page cache on {'Redis' if redis else 'local memory'}, wrk {os.environ.get('BENCH_CONNECTIONS', '4')} "
        f"connections, best of {os.environ.get('BENCH_ROUNDS', '3')} interleaved rounds of "
        f"{os.environ.get('BENCH_SECONDS', '8')} s"
    )
    print(f"{'page':<10} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'x floor':>8} {'target':>10} {'errors':>7}")
    for name, r in results.items():
        target = TARGETS.get(name)
        ratio = r["rps"] / floor if floor else 0
        verdict = "" if target is None else (f">={target}" + (" ok" if ratio >= target else " MISS"))
        print(f"{name:<10} {r['rps']:>8.0f} {r['p50']:>8.2f} {r['p99']:>8.2f} {ratio:>8.2f} {verdict:>10} {r['errors']:>7}")
    if "nginx" in results and "edge" in results:
        share = results["edge"]["rps"] / results["nginx"]["rps"]
        print(f"edge / nginx's file: {share:.2f} (target >= {EDGE_TARGET}: {'ok' if share >= EDGE_TARGET else 'MISS'})")
    print(f"SQL queries of an uncached story page: {queries} (target: at most 4)")
    print(
        f"load average before/after: {load[0][0]:.2f} / {load[1][0]:.2f} "
        f"({os.cpu_count()} cores; other work on the machine skews the figures)"
    )


# --- seeding (runs inside Django) ---------------------------------------------------------


def prepare(count: int) -> None:
    """Seed ``count`` live stories, render their pages, write the floor's bytes; print an uncached page's queries."""
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from stories.models import Story

    if Story.objects.live().filter(live_slug__startswith=SLUG.format("")).count() < count:
        _seed(count)
    _render_outdated()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would have by now: bulk seeding leaves the planner blind
    settings.PUBLIC_PAGE_CACHE = False
    client = Client()
    url = f"/story/{SLUG.format(0)}/"
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    Path(os.environ["BENCH_FLOOR_FILE"]).write_bytes(response.content)
    print(len(ctx.captured_queries))


def _render_outdated() -> None:
    """Render again the pages a release changed (as the first request to each would): a reused bench database
    must not measure rendering instead of reading."""
    from stories.models import LivePage
    from stories.rendering import render_version, story_prerender

    stale = list(LivePage.objects.exclude(key__endswith=f":{render_version()}").values_list("story_id", flat=True))
    for first in range(0, len(stale), 500):
        story_prerender(story_ids=stale[first : first + 500])
    if stale:
        print(f"rendered {len(stale)} pages again", file=sys.stderr)


def _seed(count: int) -> None:
    """Publish ``count`` copies of the demo story in bulk (the live columns publishing writes), then render them."""
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from stories.demo import demo_load
    from stories.models import LivePage, Revision, Story
    from stories.rendering import story_prerender
    from stories.revisions import snapshot_search_text
    from stories.search import story_search_index

    demo_load()
    demo = Story.objects.live().exclude(live_slug__startswith=SLUG.format("")).select_related("live_revision").first()
    template = demo.live_revision.data
    topic_ids = list(demo.live_topics.values_list("id", flat=True))
    question_ids = list(demo.live_questions.values_list("id", flat=True))
    outlet_ids = list(demo.live_outlets.values_list("id", flat=True))
    start = Story.objects.filter(slug__startswith=SLUG.format("")).count()
    base_time = timezone.now() - timedelta(days=400)
    for first in range(start, count, 500):
        numbers = range(first, min(first + 500, count))
        with transaction.atomic():
            stories = Story.objects.bulk_create(
                [
                    Story(
                        headline=f"{template['headline']} ({i})",
                        slug=SLUG.format(i),
                        summary=template["summary"],
                        status=Story.Status.PUBLISHED,
                    )
                    for i in numbers
                ]
            )
            revisions = Revision.objects.bulk_create(
                [
                    Revision(story=s, kind=Revision.Kind.PUBLISH, data={**template, "headline": s.headline, "slug": s.slug})
                    for s in stories
                ]
            )
            for i, story, revision in zip(numbers, stories, revisions, strict=True):
                story.live_revision, story.live_slug = revision, story.slug
                story.live_headline, story.live_summary = story.headline, story.summary
                story.live_search_text = snapshot_search_text(revision.data)
                story.first_published_at = story.last_published_at = base_time + timedelta(minutes=i)
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
            through = Story.live_topics.through, Story.live_questions.through, Story.live_outlets.through
            through[0].objects.bulk_create([through[0](story_id=s.pk, topic_id=t) for s in stories for t in topic_ids])
            through[1].objects.bulk_create(
                [through[1](story_id=s.pk, commonquestion_id=q) for s in stories for q in question_ids]
            )
            through[2].objects.bulk_create([through[2](story_id=s.pk, outlet_id=o) for s in stories for o in outlet_ids])
        # What the pipeline does after a publish: render the page once, index it for search.
        ids = [s.pk for s in stories]
        story_prerender(story_ids=ids)
        story_search_index(story_ids=ids)
        print(f"seeded {min(first + 500, count)} / {count}", file=sys.stderr)
    assert LivePage.objects.count() >= count


if __name__ == "__main__":
    sys.exit(main())
