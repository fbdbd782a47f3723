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

**Freshness** (``LOADTEST_FRESHNESS=1``, ``make loadtest-freshness``): the time from a publish to the fresh page
at the edge while LOADTEST_FEEDS (1,000) feeds of LOADTEST_ITEMS (100) entries are ingested, all due at once and
each due again LOADTEST_FEED_INTERVAL (30) s after its fetch, queued by beat (a process of its own, as in
production); each feed answers after LOADTEST_FEED_DELAY (0.5) s, every tenth after ten times that, as remote
servers do (0: at once, a flood bound by the cores only). Through Varnish in front of the web hosts; no wrk:
the readers are the watchers below. Twice in one run, with three worker processes each time: first one worker
taking every lane (``-c 3``: the flood queued beside the publish lane), then a worker per lane (``publish -c 1``,
and ``-c 2`` for the ingest, cluster, images and webhooks queues). Each time an editor makes
2 × LOADTEST_PUBLISHES (20) publishes, one every LOADTEST_PUBLISH_EVERY (3) s, in turn:

- a correction (a live story on the home page edited, then published with an update note, through the workflow
  the admin calls): the after-commit steps purge the edge in the editor's request;
- a new story scheduled a second ahead, published by the task beat sends each minute, on the publish lane, whose
  worker purges the edge; the test sends that task at the story's time (as beat would at its tick), so that the
  time measured is the lane's (the queue's wait, the task, its purge), not beat's period.

From before each publish two watchers read the story page and the home page at the edge every 20 ms: the time
from the publish (the editor's call; the task sent) to the first read showing it, and any read after that
which does not (a stale read). It prints p50, p95 and max of those times per kind and set of workers, the feed
fetches queued and done, the ingest queue's length at each publish, and the load average; it exits 1 on a stale
read, an error response or a publish not fresh within LOADTEST_FRESH_TIMEOUT (180) s, never on a time.
"""

import json
import math
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
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import ensure_database, wait_until_up  # noqa: E402

BIN = Path(sys.executable).parent

SECONDS = int(os.environ.get("LOADTEST_SECONDS", "60"))
CONNECTIONS = int(os.environ.get("LOADTEST_CONNECTIONS", "32"))
STORIES = int(os.environ.get("LOADTEST_STORIES", "500"))
# Freshness: publish → fresh page at the edge while 1,000 feeds are ingested, with one worker, then a worker per lane.
FRESHNESS = os.environ.get("LOADTEST_FRESHNESS", "") in ("1", "true", "yes")
FEEDS = int(os.environ.get("LOADTEST_FEEDS", "1000" if FRESHNESS else "30"))
ITEMS = int(os.environ.get("LOADTEST_ITEMS", "100" if FRESHNESS else "300"))
FEED_INTERVAL = float(os.environ.get("LOADTEST_FEED_INTERVAL", "30"))  # seconds: each feed is due again this soon
# Seconds a feed takes to answer, as a remote server does (every tenth ten times as long); freshness only, 0: at once.
FEED_DELAY = float(os.environ.get("LOADTEST_FEED_DELAY", "0.5" if FRESHNESS else "0"))
PUBLISHES = int(os.environ.get("LOADTEST_PUBLISHES", "20"))  # freshness: of each kind, for each set of workers
FRESH_TIMEOUT = float(os.environ.get("LOADTEST_FRESH_TIMEOUT", "180"))  # freshness: a publish never fresh is an error
# Breaking news: through the edge, the load rising in steps (readers x20), an editor publishing every 10 s.
BREAKING = os.environ.get("LOADTEST_BREAKING", "") in ("1", "true", "yes")
PHASES = [int(c) for c in os.environ.get("LOADTEST_PHASES", "8,40,160").split(",")]  # connections per step
P99_BOUND_MS = float(os.environ.get("LOADTEST_P99_MS", "250"))  # at the edge, in every step
EDGE = BREAKING or FRESHNESS or os.environ.get("LOADTEST_EDGE", "") in ("1", "true", "yes")
PUBLISH_EVERY = float(os.environ.get("LOADTEST_PUBLISH_EVERY", "10" if BREAKING else "3" if FRESHNESS else "1.5"))
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


def _delay(i: int) -> str:
    """The feed server's prefix making feed ``i`` answer after FEED_DELAY seconds (every tenth, ten times that)."""
    return f"/delay/{FEED_DELAY * (10 if i % 10 == 9 else 1):g}" if FEED_DELAY else ""


def make_feeds(outlet_id: int, feed_base: str, run: str) -> int:
    """FEEDS new feeds of ITEMS entries each, all due now (the outlet's earlier ones switched off)."""
    from django.utils import timezone

    from sources.models import Feed

    Feed.objects.filter(outlet_id=outlet_id).update(is_active=False)
    Feed.objects.bulk_create(
        [
            Feed(
                outlet_id=outlet_id,
                url=f"{feed_base}{_delay(i)}/bench/{run}-{i}/{ITEMS}",
                title=f"Loadtest {i}",
                next_fetch_at=timezone.now(),
                fetch_interval=timedelta(seconds=FEED_INTERVAL) if FRESHNESS else timedelta(minutes=15),
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


def stop_all(procs: dict[str, subprocess.Popen], edge) -> None:
    """Stop the edge (if any), then every process: terminated, waited for 30 s, else killed."""
    if edge is not None:
        edge.stop()
    for proc in procs.values():
        proc.terminate()
    for proc in procs.values():
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


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


def loadtest_env(db_url: str, redis_url: str, run: str, queue: str) -> dict:
    """The environment of every process of the stack (web, workers, beat) and of this one (the editor)."""
    return {
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


# --- Freshness (LOADTEST_FRESHNESS=1): publish → fresh page at the edge while 1,000 feeds are ingested ----------

# The sets of workers compared in one run, three worker processes each: one worker taking every lane (the ingest
# flood queued beside the publish lane, as a small site runs), then a worker per lane as in production (the images
# and webhooks lanes, idle here, with ingest). The single worker goes first: the database the lanes then run on
# is the larger (the first set's articles stored), so any bias of the order is against the lanes.
WORKER_SETS = {
    "one worker, every lane": [("all", None, 3)],
    "a worker per lane": [("publish", ("publish",), 1), ("ingest", ("ingest", "cluster", "images", "webhooks"), 2)],
}
SCHEDULE_AHEAD = 1.0  # seconds between scheduling a story and its publish time
WATCH_EVERY = 0.02  # seconds between two reads of one address by a watcher
HOLD_FRESH = 1.0  # seconds an address is still read after it turned fresh (at least until the next publish)


class Watch:
    """A reader of one address at the edge from before a publish until told to stop: when it first sees
    ``token`` (fresh), and every read after that which does not (a stale read)."""

    def __init__(self, url: str, token: str, *, missing_ok: bool):
        self.url, self.token, self.missing_ok = url, token.encode(), missing_ok
        self.fresh_at: float | None = None
        self.reads, self.stale, self.errors = 0, [], []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                status, body = fetch(self.url)
            except OSError as exc:  # refused, reset, timed out
                status, body = 0, str(exc).encode()
            at = time.monotonic()
            self.reads += 1
            fresh = status == 200 and self.token in body
            if self.fresh_at is None:
                if fresh:
                    self.fresh_at = at
                elif status != 200 and not (status == 404 and self.missing_ok):  # not yet live: 404
                    self.errors.append((self.url, status))
            elif not fresh:
                self.stale.append((self.url, status, round(at - self.fresh_at, 3)))
            self._stop.wait(WATCH_EVERY)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=15)


def freshness_event(kind: str, editor, base: str, until: float, avoid: set[str]) -> dict:
    """One publish through the workflow the admin calls, and its pages read at the edge until they are fresh.

    ``correction``: a live story on the home page edited, then published with an update note; the time runs
    from the editor's publish (the commit and the after-commit steps, the edge purge among them, in the
    editor's request). ``scheduled``: a new story scheduled SCHEDULE_AHEAD seconds ahead, published by
    beat's task on the publish lane (which purges the edge), sent at the story's time; the time runs from then.
    """
    from django.db import transaction
    from django.utils import timezone

    from stories.models import SectionBlock, Story
    from stories.selectors import story_list_live
    from stories.tasks import publish_scheduled_stories
    from stories.workflow import story_lock_for_save, story_publish, story_saved, story_schedule

    token = f"FR{uuid.uuid4().hex[:10]}"
    if kind == "correction":
        story = next(s for s in story_list_live()[:5] if s.live_slug not in avoid)
        story = Story.objects.get(pk=story.pk)
        with transaction.atomic():
            story = story_lock_for_save(story=story, expected_version=None)
            story.headline = re.sub(r" \[(LT|FR)\w+\]$", "", story.headline) + f" [{token}]"
            story.save()
            story_saved(story=story, actor=editor, message="freshness edit")
        slug = story.live_slug
    else:
        slug = f"freshness-{token.lower()}"
        story = Story.objects.create(headline=f"Freshness {token}", slug=slug, summary="A story scheduled by the load test.")
        SectionBlock.objects.create(story=story, kind=SectionBlock.Kind.WHATS_HAPPENED, body=f"<p>Scheduled {token}.</p>")
    watches = {
        "page": Watch(f"{base}/story/{slug}/", token, missing_ok=kind == "scheduled"),
        "home": Watch(f"{base}/", token, missing_ok=False),
    }
    try:
        if kind == "correction":
            t0 = time.monotonic()
            story_publish(story=story, actor=editor, message="freshness correction", note=f"Corrected: {token}.")
            editor_wait = time.monotonic() - t0
        else:
            publish_at = timezone.now() + timedelta(seconds=SCHEDULE_AHEAD)
            story_schedule(story=story, actor=editor, publish_at=publish_at)
            time.sleep(max(0.0, (publish_at - timezone.now()).total_seconds()))
            # At its time, the task beat sends each minute is sent, as beat would at its tick: the time measured is
            # the publish lane's (its queue's wait, the task, its purge), not beat's period.
            t0 = time.monotonic()
            publish_scheduled_stories.delay()
            editor_wait = None
        while time.monotonic() < t0 + FRESH_TIMEOUT:
            fresh = [w.fresh_at for w in watches.values()]
            if None not in fresh and time.monotonic() >= max(until, max(fresh) + HOLD_FRESH):
                break
            time.sleep(0.05)
    finally:
        for watch in watches.values():
            watch.stop()
    return {
        "kind": kind,
        "slug": slug,
        "editor_wait": editor_wait,
        **{f"{name}_s": (w.fresh_at - t0 if w.fresh_at is not None else None) for name, w in watches.items()},
        "reads": sum(w.reads for w in watches.values()),
        "stale": [s for w in watches.values() for s in w.stale],
        "errors": [e for w in watches.values() for e in w.errors],
    }


def celery_process(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    """A Celery worker or beat of the stack, in a process group of its own (its pool children stop with it)."""
    with open(log, "ab") as out:
        return subprocess.Popen(
            [str(BIN / "celery"), "-A", "newsroom", *args],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def process_stop(proc: subprocess.Popen, timeout: float = 60) -> None:
    """SIGTERM (a Celery worker finishes its running tasks and gives back what it holds), then SIGKILL."""
    import signal

    if proc.poll() is None:
        proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)


def freshness_phase(name: str, tag: str, *, env: dict, run: str, base: str, feed_base: str, info: dict, workdir: Path) -> dict:
    """Feeds all due, beat, the set ``name`` of workers, and 2 × PUBLISHES publishes watched at the edge."""
    import redis
    from django.contrib.auth import get_user_model

    from newsroom.celery import LANES, app, lane_queue
    from sources.models import SourceArticle

    queue = f"loadtest-{run}-{tag}"  # a queue (and lanes) of the set's own: nothing left from the other
    phase_env = {**env, "CELERY_QUEUE": queue, "LOG_LEVEL": "INFO"}  # INFO: each task's outcome, counted below
    app.conf.task_default_queue = queue  # this process (the editor) queues its purges-again on the set's lanes
    broker = redis.Redis.from_url(env["REDIS_URL"])
    ingest = lane_queue("ingest", queue)
    editor, _ = get_user_model().objects.get_or_create(
        username="loadtest-editor", defaults={"is_superuser": True, "is_staff": True}
    )
    offered = make_feeds(info["outlet_id"], feed_base, f"{run}{tag}")
    load = [os.getloadavg()[0]]
    logs, procs = [], {}
    events, backlogs = [], []
    try:
        for worker, lanes, concurrency in WORKER_SETS[name]:
            log = workdir / f"{tag}-{worker}.log"
            logs.append(log)
            procs[worker] = celery_process(
                [
                    "worker",
                    "-Q",
                    ",".join(lane_queue(lane, queue) for lane in (lanes or LANES)),
                    "-c",
                    str(concurrency),
                    "-n",
                    f"{tag}-{worker}@%h",
                    "-l",
                    "info",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                ],
                phase_env,
                log,
            )
        for log, proc in zip(logs, procs.values(), strict=True):
            deadline = time.monotonic() + 60
            while b" ready." not in log.read_bytes():
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"a worker did not start: {log.read_text(errors='replace')[-3000:]}")
                time.sleep(0.2)
        # Beat as in production, on its own: feeds polled every 2 s (each due again FEED_INTERVAL after its fetch).
        procs["beat"] = celery_process(
            ["beat", "-s", str(workdir / f"{tag}-beat"), "-l", "info"], phase_env, workdir / f"{tag}-beat.log"
        )
        deadline = time.monotonic() + 60
        while broker.llen(ingest) < min(FEEDS, 100):  # the flood: beat's first poll queues every feed
            if time.monotonic() > deadline:
                raise RuntimeError(f"beat did not queue the feeds' fetches ({broker.llen(ingest)} queued)")
            time.sleep(0.1)
        started = time.monotonic()
        last: set[str] = set()
        for i in range(2 * PUBLISHES):
            at = time.monotonic()
            backlogs.append(broker.llen(ingest))
            event = freshness_event(("correction", "scheduled")[i % 2], editor, base, at + PUBLISH_EVERY, last)
            event["backlog"] = backlogs[-1]
            events.append(event)
            last = {event["slug"]}
            time.sleep(max(0.0, at + PUBLISH_EVERY - time.monotonic()))
        elapsed = time.monotonic() - started
        backlog_end = broker.llen(ingest)
        load.append(os.getloadavg()[0])
    finally:
        if "beat" in procs:
            process_stop(procs.pop("beat"))
        for proc in procs.values():
            process_stop(proc)
        broker.delete(*[lane_queue(lane, queue) for lane in LANES])
    text = "".join(log.read_text(errors="replace") for log in logs)
    queued = sum(int(n) for n in re.findall(r"Task sources\.tasks\.feeds_enqueue_due\[[^\]]+\] succeeded in \S+: (\d+)", text))
    done = len(re.findall(r"Task sources\.tasks\.feed_fetch\[[^\]]+\] (?:succeeded|raised|retry)", text))
    return {
        "name": name,
        "elapsed": elapsed,
        "load": load,
        "events": events,
        "backlogs": backlogs,
        "backlog_end": backlog_end,
        "queued": queued,
        "done": done,
        "stored": SourceArticle.objects.filter(outlet_id=info["outlet_id"], guid__startswith=f"{run}{tag}-").count(),
        "offered": offered,
    }


def percentile(values: list[float], pct: float) -> float:
    """The nearest-rank percentile of ``values``."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def _times(values: list[float | None]) -> str:
    seen = [v for v in values if v is not None]
    if not seen:
        return "never fresh"
    ms = [v * 1000 for v in seen]
    missing = len(values) - len(seen)
    return f"p50 {percentile(ms, 50):>6,.0f}  p95 {percentile(ms, 95):>6,.0f}  max {max(ms):>6,.0f} ms" + (
        f"  ({missing} never fresh)" if missing else ""
    )


def freshness_main() -> int:
    db_url = os.environ.get("LOADTEST_DATABASE_URL", "postgres://newsroom@127.0.0.1:5432/newsroom_loadtest")
    redis_url = os.environ.get("LOADTEST_REDIS_URL", "redis://127.0.0.1:6379/13")
    from deploy.edge import Varnish, varnishd_path

    if varnishd_path() is None:
        print("varnishd is needed: apt-get install varnish varnish-modules", file=sys.stderr)
        return 2
    ensure_database(db_url)
    run = uuid.uuid4().hex[:8]
    workdir = Path(tempfile.mkdtemp(prefix="loadtest-fresh-"))
    env = loadtest_env(db_url, redis_url, run, f"loadtest-{run}")
    feed_port, edge_port = free_port(), free_port()
    web_ports = [free_port() for _ in range(HOSTS)]
    info = prepare(env)  # no edge yet: nothing to purge while seeding
    from django.conf import settings

    # Every process purges the edge: this one (the editor) at commit, the publish lane's worker for scheduled
    # stories and the purges made again.
    env.update(EDGE_PURGE_URLS=f"http://127.0.0.1:{edge_port}/", API_TRUSTED_PROXIES="1")
    settings.EDGE_PURGE_URLS = [env["EDGE_PURGE_URLS"]]
    feed_base = f"http://127.0.0.1:{feed_port}"
    procs: dict[str, subprocess.Popen] = {}
    edge = None
    load = {"start": os.getloadavg()}
    phases = []
    try:
        with open(workdir / "feeds.log", "wb") as log:
            procs["feeds"] = subprocess.Popen(
                [sys.executable, "tests/feed_server.py", "--port", str(feed_port)], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
            )
        with open(workdir / "web.log", "wb") as log:
            for i, port in enumerate(web_ports):
                procs[f"web{i}"] = start_web(env, port, log)
        for port in web_ports:
            wait_until_up(f"http://127.0.0.1:{port}/healthz")
        # The edge at normal priority: no wrk here, and its answers are what is measured.
        edge = Varnish(backend=[f"127.0.0.1:{p}" for p in web_ports], port=edge_port, memory="256m").start()
        edge.wait_health(True)
        for status, path in ((fetch(edge.url + "/")[0], "/"), (fetch(f"{edge.url}/story/{info['slugs'][0]}/")[0], "a story")):
            if status != 200:
                raise RuntimeError(f"{path} answered {status} at the edge before the test")
        for tag, name in zip("ab", WORKER_SETS, strict=True):
            phases.append(
                freshness_phase(name, tag, env=env, run=run, base=edge.url, feed_base=feed_base, info=info, workdir=workdir)
            )
        load["end"] = os.getloadavg()
    finally:
        stop_all(procs, edge)

    print(
        f"Freshness at the edge: publish -> fresh page through Varnish (xkey) while {FEEDS:,} feeds of {ITEMS} items "
        f"are ingested (all due at once, each due again {FEED_INTERVAL:.0f} s after its fetch, answering after "
        f"{FEED_DELAY:g} s, every tenth {10 * FEED_DELAY:g} s), {HOSTS} web "
        f"host{'s' if HOSTS > 1 else ''}, PostgreSQL + Redis; a publish every {PUBLISH_EVERY:g} s, corrections and "
        f"scheduled stories in turn; load average {load['start'][0]:.2f} at the start, {load['end'][0]:.2f} at the end"
    )
    failed = False
    for phase in phases:
        events = phase["events"]
        print(
            f"  {phase['name']} ({', '.join(f'{w} -c{c}' for w, _, c in WORKER_SETS[phase['name']])}), {phase['elapsed']:.0f} s, "
            f"load average {phase['load'][0]:.2f} then {phase['load'][1]:.2f}:"
        )
        for kind, what in (
            ("correction", "corrections, purged at commit by the editor's request"),
            ("scheduled", "scheduled stories, published and purged by the publish lane's task"),
        ):
            of_kind = [e for e in events if e["kind"] == kind]
            print(f"    {len(of_kind)} {what}:")
            print(f"      story page  {_times([e['page_s'] for e in of_kind])}")
            print(f"      home page   {_times([e['home_s'] for e in of_kind])}")
        waits = [e["editor_wait"] * 1000 for e in events if e["editor_wait"] is not None]
        print(f"    the editor's publish call (commit and after-commit steps): p50 {percentile(waits, 50):,.0f} ms")
        backlogs = phase["backlogs"]
        print(
            f"    feed fetches: {phase['queued']:,} queued by beat, {phase['done']:,} done; ingest queue at each publish "
            f"p50 {percentile(backlogs, 50):,.0f}, min {min(backlogs):,}, max {max(backlogs):,}; {phase['backlog_end']:,} "
            f"left at the end; {phase['stored']:,} of {phase['offered']:,} articles stored"
        )
        stale = [s for e in events for s in e["stale"]]
        errors = [x for e in events for x in e["errors"]]
        never = [e["slug"] for e in events if e["page_s"] is None or e["home_s"] is None]
        print(
            f"    reads at the edge {sum(e['reads'] for e in events):,}; stale after fresh: {len(stale)}; "
            f"errors: {len(errors)}; never fresh: {len(never)}"
        )
        for label, items in (("stale", stale), ("errors", errors), ("never fresh", never)):
            if items:
                print(f"    {label}: {items[:5]}")
        failed = failed or bool(stale or errors or never)
    print(f"  logs in {workdir}")
    return 1 if failed else 0


def main() -> int:
    if FRESHNESS:
        return freshness_main()
    if shutil.which("wrk") is None:
        print("wrk is needed: apt-get install wrk", file=sys.stderr)
        return 2
    db_url = os.environ.get("LOADTEST_DATABASE_URL", "postgres://newsroom@127.0.0.1:5432/newsroom_loadtest")
    redis_url = os.environ.get("LOADTEST_REDIS_URL", "redis://127.0.0.1:6379/13")
    ensure_database(db_url)
    run = uuid.uuid4().hex[:8]
    workdir = Path(tempfile.mkdtemp(prefix="loadtest-"))
    queue = f"loadtest-{run}"
    env = loadtest_env(db_url, redis_url, run, queue)
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
        stop_all(procs, edge)

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
