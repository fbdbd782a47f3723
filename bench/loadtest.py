"""``make loadtest``: 60 s of mixed traffic while editors publish and a worker ingests.

Against the real stack on this machine: gunicorn (4 sync workers) on
PostgreSQL and Redis, a Celery worker with beat ingesting feeds from a local
feed server, and:

- wrk: 32 connections for LOADTEST_SECONDS (60) over a mix of public pages,
  API lists and details, and searches;
- an editor (this process) publishing a change to a story every
  LOADTEST_PUBLISH_EVERY seconds (1.5) and reading the page and the API
  detail right after: any reader still seeing the old version is a stale page;
- the memory (RSS) of every web and worker process, sampled every 5 s.

It prints requests served, error responses, stale pages, articles ingested
and duplicates, and memory at the start and the end; it exits 1 on any error
response, stale page or duplicate. Loopback only, bounded in time.

**Edge mode** (``LOADTEST_EDGE=1``, ``make loadtest-edge``): the same, through
Varnish in front of two web hosts (two gunicorn instances on their own ports,
2 workers each, sharing only PostgreSQL, Redis and media, taken in turn by the
edge; ``LOADTEST_HOSTS``), purged by surrogate key on every publish; every
other publish is a correction (an update note), read back through the edge,
so a stale page from either host counts. A third of the way through, the
first host's gunicorn is stopped and started again under load (the editor
waits meanwhile): the edge must answer every request. It prints the edge's hits and misses too, and exits 1 also when the
restart did not complete. Varnish and wrk run at low priority (``nice``), so
that on one machine they leave the cores to the backend, as an edge on hosts
of its own would.

Environment: LOADTEST_DATABASE_URL (postgres://newsroom@127.0.0.1:5432/newsroom_loadtest),
LOADTEST_REDIS_URL (redis://127.0.0.1:6379/13), LOADTEST_SECONDS, LOADTEST_CONNECTIONS (32),
LOADTEST_STORIES (500), LOADTEST_FEEDS (30), LOADTEST_ITEMS (300), LOADTEST_EDGE (0), LOADTEST_HOSTS (2 with
the edge, else 1).

**Breaking news** (``LOADTEST_BREAKING=1``, ``make loadtest-breaking``): through the edge and two web hosts,
the readers' load rising in steps (LOADTEST_PHASES, connections: 8, 40, 160, a 20x jump), each a third of
LOADTEST_SECONDS, an editor publishing every 10 s (LOADTEST_PUBLISH_EVERY) and the worker ingesting; it
prints each step's rate, p50 and p99, and exits 1 also when a step's p99 at the edge is over
LOADTEST_P99_MS (250).
"""

import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import ensure_database, wait_until_up  # noqa: E402

BIN = Path(sys.executable).parent

SECONDS = int(os.environ.get("LOADTEST_SECONDS", "60"))
CONNECTIONS = int(os.environ.get("LOADTEST_CONNECTIONS", "32"))
STORIES = int(os.environ.get("LOADTEST_STORIES", "500"))
FEEDS = int(os.environ.get("LOADTEST_FEEDS", "30"))
ITEMS = int(os.environ.get("LOADTEST_ITEMS", "300"))
# Breaking news: through the edge, the load rising in steps (readers x20), an editor publishing every 10 s.
BREAKING = os.environ.get("LOADTEST_BREAKING", "") in ("1", "true", "yes")
PHASES = [int(c) for c in os.environ.get("LOADTEST_PHASES", "8,40,160").split(",")]  # connections per step
P99_BOUND_MS = float(os.environ.get("LOADTEST_P99_MS", "250"))  # at the edge, in every step
EDGE = BREAKING or os.environ.get("LOADTEST_EDGE", "") in ("1", "true", "yes")
PUBLISH_EVERY = float(os.environ.get("LOADTEST_PUBLISH_EVERY", "10" if BREAKING else "1.5"))
# Web hosts: separate gunicorn instances sharing nothing but PostgreSQL, Redis and media, as two machines would
# (through the edge, which takes them in turn: two by default; one host straight otherwise). 4 workers in all.
HOSTS = int(os.environ.get("LOADTEST_HOSTS", "2" if EDGE else "1"))


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, b""


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def tree(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    kids = [int(p) for p in children.read_text().split()] if children.exists() else []
    return [pid, *[p for k in kids for p in tree(k)]]


class MemorySampler(threading.Thread):
    def __init__(self, processes: dict[str, subprocess.Popen]):
        super().__init__(daemon=True)
        self.processes, self.samples, self.stop = processes, [], threading.Event()

    def run(self):
        while not self.stop.is_set():
            self.samples.append({name: sum(rss_mb(p) for p in tree(proc.pid)) for name, proc in self.processes.items()})
            self.stop.wait(5)


def prepare(env: dict) -> dict:
    """Migrate, load the demo, seed stories and feeds; runs in this process with Django set up."""
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    os.environ.update(env)
    import django

    django.setup()
    from bench.bench_api import _seed
    from sources.models import Outlet
    from stories.demo import demo_load
    from stories.models import Story

    demo_load()
    if Story.objects.filter(slug__startswith="bench-story-").count() < STORIES:
        _seed(STORIES)
    outlet, _ = Outlet.objects.get_or_create(slug="loadtest-wire", defaults={"name": "Loadtest Wire"})
    return {
        "outlet_id": outlet.pk,
        "slugs": list(Story.objects.live().values_list("live_slug", flat=True)[:200]),
        "topics": list(Story.objects.live().values_list("live_topics__slug", flat=True).distinct()[:20]),
    }


def make_feeds(outlet_id: int, feed_base: str, run: str) -> int:
    from django.utils import timezone

    from sources.models import Feed

    Feed.objects.filter(outlet_id=outlet_id).update(is_active=False)
    Feed.objects.bulk_create(
        [
            Feed(
                outlet_id=outlet_id,
                url=f"{feed_base}/bench/{run}-{i}/{ITEMS}",
                title=f"Loadtest {i}",
                next_fetch_at=timezone.now(),
            )
            for i in range(FEEDS)
        ]
    )
    return FEEDS * ITEMS


def editor_loop(base: str, slugs: list[str], stop: threading.Event, report: dict) -> None:
    """Publish a change (every other one a correction, with a note) every PUBLISH_EVERY seconds and read it
    back at once as a reader would; paused while ``report["paused"]`` is set (the backend restarting)."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from stories.models import Story
    from stories.workflow import story_lock_for_save, story_publish, story_saved

    editor, _ = get_user_model().objects.get_or_create(
        username="loadtest-editor", defaults={"is_superuser": True, "is_staff": True}
    )
    n = 0
    while not stop.wait(PUBLISH_EVERY):
        if report["paused"].is_set():
            continue
        report["busy"].set()
        n += 1
        token = f"LT{uuid.uuid4().hex[:10]}"
        story = Story.objects.live().get(live_slug=random.choice(slugs))
        with transaction.atomic():
            story = story_lock_for_save(story=story, expected_version=None)
            story.headline = re.sub(r" \[LT\w+\]$", "", story.headline) + f" [{token}]"
            story.save()
            story_saved(story=story, actor=editor, message="loadtest edit")
        note = f"Corrected: {token}." if n % 2 == 0 else ""
        story_publish(story=story, actor=editor, message="loadtest publish", note=note)
        report["published"] += 1
        page = fetch(f"{base}/story/{story.live_slug}/")
        api = fetch(f"{base}/api/v1/stories/{story.live_slug}/")
        if page[0] != 200 or token.encode() not in page[1]:
            report["stale"].append(("page", story.live_slug, page[0]))
        if api[0] != 200 or token not in json.loads(api[1] or b"{}").get("headline", ""):
            report["stale"].append(("api", story.live_slug, api[0]))
        report["busy"].clear()


def start_web(env: dict, web_port: int, log) -> subprocess.Popen:
    return subprocess.Popen(
        [str(BIN / "gunicorn"), "-c", "newsroom/gunicorn.conf.py", "newsroom.wsgi"],
        cwd=ROOT,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{web_port}", "GUNICORN_WORKERS": str(max(1, 4 // HOSTS))},
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def backend_restart(procs: dict, sampler, env: dict, web_port: int, log, edge, report: dict) -> None:
    """Stop the first web host's gunicorn and start it again (the editor waiting), while wrk reads through the edge
    (the other hosts, if any, go on answering)."""
    report["paused"].set()
    while report["busy"].is_set():
        time.sleep(0.05)
    started = time.monotonic()
    procs["web"].terminate()
    procs["web"].wait(timeout=30)
    procs["web"] = sampler.processes["web"] = start_web(env, web_port, log)
    wait_until_up(f"http://127.0.0.1:{web_port}/healthz")
    report["restart_down"] = time.monotonic() - started
    edge.wait_health(True, timeout=30)
    report["paused"].clear()


def wrk_script(workdir: Path, paths: list[str]) -> Path:
    script = workdir / "mix.lua"
    listed = ",\n".join(json.dumps(p) for p in paths)
    script.write_text(
        "local paths = {\n" + listed + "\n}\nlocal i = 0\n"
        "request = function()\n  i = i % #paths + 1\n  return wrk.format('GET', paths[i])\nend\n"
    )
    return script


def _steps() -> list[tuple[int, int]]:
    """(connections, seconds) of each step of the load: one step, or the breaking-news climb."""
    if not BREAKING:
        return [(CONNECTIONS, SECONDS)]
    return [(connections, max(1, SECONDS // len(PHASES))) for connections in PHASES]


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def parse_wrk(output: str) -> dict:
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    percentiles = {p: _ms(v, u) for p, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", output, flags=re.M)}
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    return {
        "requests": requests,
        "non_2xx": int(bad.group(1)) if bad else 0,
        "socket_errors": sum(map(int, sockets.groups())) if sockets else 0,
        "rate": rate,
        "p50_ms": percentiles.get("50"),
        "p99_ms": percentiles.get("99"),
    }


def main() -> int:
    if shutil.which("wrk") is None:
        print("wrk is needed: apt-get install wrk", file=sys.stderr)
        return 2
    db_url = os.environ.get("LOADTEST_DATABASE_URL", "postgres://newsroom@127.0.0.1:5432/newsroom_loadtest")
    redis_url = os.environ.get("LOADTEST_REDIS_URL", "redis://127.0.0.1:6379/13")
    ensure_database(db_url)
    run = uuid.uuid4().hex[:8]
    workdir = Path(tempfile.mkdtemp(prefix="loadtest-"))
    queue = f"loadtest-{run}"
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DATABASE_URL": db_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": "loadtest-only-secret-key-0123456789-abcdefghijklmnopqrstuv",
        "DEBUG": "0",
        "HTTPS": "0",  # plain HTTP on loopback
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "NEWSROOM_PLAIN_STATIC": "1",
        "LOG_LEVEL": "WARNING",
        "CACHE_KEY_PREFIX": f"loadtest-{run}",
        "API_THROTTLE_ANON": "10000000/min",
        "CELERY_QUEUE": queue,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "FEED_POLL_SECONDS": "2",
        "PYTHONPATH": str(ROOT),
        "FEED_ALLOW_PRIVATE_HOSTS": "1",  # the local feed server is on loopback
    }
    feed_port, web_port, edge_port = free_port(), free_port(), free_port()
    more_ports = [free_port() for _ in range(HOSTS - 1)]  # the other web hosts
    if EDGE:
        from deploy.edge import Varnish, varnishd_path

        if varnishd_path() is None:
            print("varnishd is needed: apt-get install varnish varnish-modules", file=sys.stderr)
            return 2
    info = prepare(env)  # no edge yet: nothing to purge while seeding
    if EDGE:
        from django.conf import settings

        # The application purges the edge (this process: the editor); the API throttle counts the reader's
        # address Varnish saw.
        env.update(EDGE_PURGE_URLS=f"http://127.0.0.1:{edge_port}/", API_TRUSTED_PROXIES="1")
        settings.EDGE_PURGE_URLS = [env["EDGE_PURGE_URLS"]]
    feed_base, base = f"http://127.0.0.1:{feed_port}", f"http://127.0.0.1:{web_port}"
    edge = restart = None
    procs: dict[str, subprocess.Popen] = {}
    logs = {name: open(workdir / f"{name}.log", "wb") for name in ("feeds", "web", "worker")}
    try:
        procs["feeds"] = subprocess.Popen(
            [sys.executable, "tests/feed_server.py", "--port", str(feed_port)],
            cwd=ROOT,
            stdout=logs["feeds"],
            stderr=subprocess.STDOUT,
        )
        procs["web"] = start_web(env, web_port, logs["web"])
        for i, port in enumerate(more_ports, 2):
            procs[f"web{i}"] = start_web(env, port, logs["web"])
            wait_until_up(f"http://127.0.0.1:{port}/healthz")
        wait_until_up(base + "/healthz")
        if EDGE:
            # On one machine the edge and wrk could take every core (tens of thousands of hits a second) and
            # starve the editor, the web processes and the worker, as a real edge on its own hosts would not:
            # both run at low priority.
            hosts = [f"127.0.0.1:{p}" for p in (web_port, *more_ports)]
            edge = Varnish(backend=hosts, port=edge_port, memory="256m", nice=19).start()
            edge.wait_health(True)
            base = edge.url
        expected_articles = make_feeds(info["outlet_id"], feed_base, run)
        from newsroom.celery import LANES, lane_queue

        procs["worker"] = subprocess.Popen(
            [
                str(BIN / "celery"),
                "-A",
                "newsroom",
                "worker",
                "-B",
                "-s",
                str(workdir / "beat"),
                "-Q",
                ",".join(lane_queue(lane, queue) for lane in LANES),  # one worker for every lane
                "-c",
                "2",
                "-l",
                "warning",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=env,
            stdout=logs["worker"],
            stderr=subprocess.STDOUT,
        )
        paths = [
            "/",
            "/api/v1/stories/",
            "/api/v1/topics/",
            "/search/?q=talks",
            "/search/?q=Peru+Mexico",
            "/api/v1/stories/?q=border",
        ]
        paths += [f"/story/{s}/" for s in info["slugs"][:60]] + [f"/api/v1/stories/{s}/" for s in info["slugs"][:60]]
        paths += [f"/topics/{t}/" for t in info["topics"] if t] + [f"/api/v1/stories/?topic={t}" for t in info["topics"] if t]
        for path in paths[:8]:
            status, _ = fetch(base + path)
            if status != 200:
                raise RuntimeError(f"{path} answered {status} before the load started")

        sampler = MemorySampler({name: proc for name, proc in procs.items() if name.startswith("web") or name == "worker"})
        sampler.start()
        stop, report = threading.Event(), {"published": 0, "stale": [], "paused": threading.Event(), "busy": threading.Event()}
        editor = threading.Thread(target=editor_loop, args=(base, info["slugs"], stop, report), daemon=True)
        editor.start()
        if edge is not None and not BREAKING:
            restart = threading.Timer(
                SECONDS / 3, backend_restart, args=(procs, sampler, env, web_port, logs["web"], edge, report)
            )
            restart.daemon = True
            restart.start()
        started = time.monotonic()
        phases = []
        for connections, seconds in _steps():
            output = subprocess.run(
                # Through the edge, at low priority (see the edge's start above).
                [
                    *(["nice", "-n", "19"] if EDGE else []),
                    "wrk",
                    f"-t{min(4, connections)}",
                    f"-c{connections}",
                    f"-d{seconds}s",
                    "--timeout",
                    "10s",
                    "--latency",
                    "-s",
                    str(wrk_script(workdir, paths)),
                    base,
                ],
                capture_output=True,
                text=True,
                timeout=seconds + 60,
            ).stdout
            phases.append({"connections": connections, **parse_wrk(output)})
        elapsed = time.monotonic() - started
        stop.set()
        editor.join(timeout=30)
        sampler.stop.set()
        sampler.join(timeout=10)
        traffic = {key: sum(p[key] for p in phases) for key in ("requests", "non_2xx", "socket_errors")}
        traffic["rate"] = traffic["requests"] / elapsed
        if restart is not None:
            restart.join(timeout=60)
        edge_stats = edge.stats() if edge is not None else {}

        from django.db.models import Count

        from sources.models import SourceArticle

        articles = SourceArticle.objects.filter(outlet_id=info["outlet_id"], guid__startswith=f"{run}-")
        stored = articles.count()
        duplicates = articles.values("guid").annotate(n=Count("id")).filter(n__gt=1).count()
        first, last = sampler.samples[1] if len(sampler.samples) > 1 else sampler.samples[0], sampler.samples[-1]
        peak = {name: max(s[name] for s in sampler.samples) for name in first}
    finally:
        if restart is not None:  # a restart under way ends before the processes do (no gunicorn left behind)
            restart.cancel()
            restart.join(timeout=90)
        if edge is not None:
            edge.stop()
        for proc in procs.values():
            proc.terminate()
        for proc in procs.values():
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()

    errors = traffic["non_2xx"] + traffic["socket_errors"]
    print(
        f"Load test: {elapsed:.0f} s, "
        + (f"{' then '.join(map(str, PHASES))} connections" if BREAKING else f"{CONNECTIONS} connections")
        + f", {len(paths)} URLs "
        f"(pages, API, search), {STORIES}+ published stories, "
        + (f"{HOSTS} web hosts (gunicorn, {max(1, 4 // HOSTS)} sync workers each)" if HOSTS > 1 else "gunicorn 4 sync workers")
        + ", PostgreSQL + Redis"
        + (", through Varnish (xkey)" if EDGE else "")
    )
    print(f"  requests served       {traffic['requests']:>8}  ({traffic['rate']:.0f}/s)")
    print(f"  error responses       {errors:>8}  (non-2xx/3xx {traffic['non_2xx']}, socket {traffic['socket_errors']})")
    print(f"  stories published     {report['published']:>8}  stale reads right after publishing: {len(report['stale'])}")
    print(f"  articles ingested     {stored:>8}  of {expected_articles} offered by {FEEDS} feeds; duplicates: {duplicates}")
    for name in first:
        print(f"  memory {name:<7} (MB)  after 5 s {first[name]:.0f}, at the end {last[name]:.0f}, peak {peak[name]:.0f}")
    if EDGE:
        hits, misses = edge_stats.get("MAIN.cache_hit", 0), edge_stats.get("MAIN.cache_miss", 0)
        print(
            f"  edge                  {hits} hits, {edge_stats.get('MAIN.cache_hitmiss', 0)} hit-for-miss, {misses} misses "
            f"({100 * hits / max(hits + misses, 1):.1f}% hits), {edge_stats.get('MAIN.s_fetch', 0)} backend fetches; "
            + (
                "no restart (breaking news)"
                if BREAKING
                else f"backend restarted under load: down {report['restart_down']:.1f} s"
                if "restart_down" in report
                else "the backend restart did not complete"
            )
        )
    slow = []
    if BREAKING:
        for phase in phases:
            print(
                f"  {phase['connections']:>4} connections  {phase['rate']:>9,.0f} req/s  p50 {phase['p50_ms']:.2f} ms  "
                f"p99 {phase['p99_ms']:.2f} ms  (bound {P99_BOUND_MS:.0f} ms)  errors {phase['non_2xx'] + phase['socket_errors']}"
            )
        slow = [p for p in phases if p["p99_ms"] is None or p["p99_ms"] > P99_BOUND_MS]
    if report["stale"]:
        print("  stale:", report["stale"][:5])
    restart_failed = EDGE and not BREAKING and "restart_down" not in report
    return 1 if errors or report["stale"] or duplicates or restart_failed or slow else 0


if __name__ == "__main__":
    sys.exit(main())
