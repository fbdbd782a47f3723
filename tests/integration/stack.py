"""Processes of the real stack for integration tests: gunicorn, Celery workers, service restarts.

Each runs as a subprocess on pytest-django's test database (so rows must be
committed: use ``django_db(transaction=True)``) and on the Redis of REDIS_URL.
"""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections

from newsroom.celery import app

BIN = Path(sys.executable).parent
BASE_DIR = Path(settings.BASE_DIR)


def database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def stack_env(**extra: str) -> dict[str, str]:
    """The environment of a production-like process on the test database."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        SECRET_KEY="integration-test-secret-key-0123456789-abcdefghijklmnop",
        DEBUG="0",
        HTTPS="0",  # plain HTTP on loopback
        ALLOWED_HOSTS="127.0.0.1,localhost",
        NEWSROOM_PLAIN_STATIC="1",
        DATABASE_URL=database_url(),
        REDIS_URL=settings.REDIS_URL,
        CACHE_KEY_PREFIX=settings.CACHES["default"].get("KEY_PREFIX", "newsroom"),
        FEED_ALLOW_PRIVATE_HOSTS="1",  # the test feed server is on loopback
    )
    env.update(extra)
    return env


def wait_for(condition, *, timeout: float = 60, what: str = "condition", log: Path | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    text = log.read_text(errors="replace") if log and log.exists() else ""
    excerpt = text if len(text) < 8000 else f"{text[:4000]}\n[…]\n{text[-4000:]}"
    pytest.fail(f"timed out waiting for {what}\n--- log ---\n{excerpt}")


def broker_url() -> str:
    """A Redis database of its own for the broker: the tests' cache.clear() flushes the cache's."""
    base, _, db = settings.REDIS_URL.rstrip("/").rpartition("/")
    if not db.isdigit():
        base, db = settings.REDIS_URL.rstrip("/"), "0"
    return f"{base}/{(int(db) + 8) % 16}"


def new_queue(kind: str = "test") -> str:
    return f"newsroom-{kind}-{uuid.uuid4().hex[:8]}"


def _reset_producers() -> None:
    """Forget the app's producer pool so the next publish uses the current broker URL.

    Not closed: kombu keeps pools in a registry by URL, and other tests reuse it.
    """
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def tasks_sent_to(queue: str):
    """Tasks sent from this process go to ``queue`` on the test broker, not run eagerly."""
    previous = {key: app.conf[key] for key in ("task_always_eager", "task_default_queue", "broker_url")}
    app.conf.update(task_always_eager=False, task_default_queue=queue, broker_url=broker_url())
    _reset_producers()
    try:
        yield
    finally:
        app.conf.update(previous)
        _reset_producers()
        import redis

        redis.Redis.from_url(broker_url()).delete(*lane_queues(queue))


def lane_queues(queue: str) -> list[str]:
    """Every lane's queue named after ``queue`` (newsroom/celery.py)."""
    from newsroom.celery import LANES, lane_queue

    return [lane_queue(lane, queue) for lane in LANES]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_status(url: str, timeout: float = 5) -> int:
    """The status of a GET, or 0 when nothing answered."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (urllib.error.URLError, OSError):
        return 0


class Load:
    """Threads that fetch the given URLs in a loop, recording (started, url, result) of each.

    ``fetch(url)`` gives the result: the status by default.
    """

    def __init__(self, urls: list[str], threads: int = 4, fetch=http_status):
        self.urls, self.fetch, self.results, self._stop = urls, fetch, [], threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(threads)]

    def _run(self, offset: int):
        i = offset
        while not self._stop.is_set():
            url = self.urls[i % len(self.urls)]
            started = time.monotonic()
            self.results.append((started, url, self.fetch(url)))
            i += 1

    def __enter__(self):
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=15)

    def seen(self, since: float = 0.0, until: float = float("inf")) -> list:
        """The results of the fetches started between ``since`` and ``until``."""
        return [result for at, _, result in self.results if since <= at <= until]


class Process:
    """A subprocess in its own process group, logged to a file."""

    def __init__(self, command: list[str], env: dict[str, str], log: Path):
        self.log = log
        with open(log, "ab") as out:
            self.popen = subprocess.Popen(
                command, cwd=BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )

    @property
    def pid(self) -> int:
        return self.popen.pid

    def children(self) -> set[int]:
        path = Path(f"/proc/{self.pid}/task/{self.pid}/children")
        return {int(p) for p in path.read_text().split()} if path.exists() else set()

    def alive(self) -> bool:
        return self.popen.poll() is None

    def kill(self, sig=signal.SIGKILL) -> None:
        """Signal the whole group (a Celery worker's pool children too)."""
        try:
            os.killpg(self.pid, sig)
        except ProcessLookupError:
            pass
        self.popen.wait(timeout=30)

    def stop(self) -> None:
        if self.alive():
            self.kill(signal.SIGTERM)


def start_gunicorn(tmp_path: Path, **env: str) -> tuple[Process, str]:
    port = free_port()
    proc = Process(
        [str(BIN / "gunicorn"), "-c", "newsroom/gunicorn.conf.py", "newsroom.wsgi"],
        # Load-generating tests come from one address: the anonymous API throttle would answer 429.
        stack_env(GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS="2", API_THROTTLE_ANON="1000000/min", **env),
        tmp_path / "gunicorn.log",
    )
    base = f"http://127.0.0.1:{port}"
    wait_for(lambda: http_status(base + "/healthz") == 200 or not proc.alive(), what="gunicorn", log=proc.log)
    assert proc.alive(), proc.log.read_text()[-4000:]
    wait_for(lambda: len(proc.children()) == 2, what="gunicorn workers", log=proc.log)
    return proc, base


def start_worker(
    tmp_path: Path,
    queue: str,
    name: str = "worker",
    *,
    beat: bool = False,
    concurrency: int = 1,
    lanes: tuple[str, ...] | None = None,
    **env: str,
) -> Process:
    """A Celery worker (with embedded beat if asked) consuming ``queue``'s lanes (all, or ``lanes``) on the test broker."""
    from newsroom.celery import LANES, lane_queue

    log = tmp_path / f"{name}.log"
    command = [
        str(BIN / "celery"),
        "-A",
        "newsroom",
        "worker",
        "-Q",
        ",".join(lane_queue(lane, queue) for lane in (lanes or LANES)),
        "-c",
        str(concurrency),
        "-n",
        f"{name}@%h",
        "-l",
        "info",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    if beat:
        command += ["-B", "-s", str(tmp_path / f"{name}-beat")]
    proc = Process(
        command, stack_env(CELERY_TASK_ALWAYS_EAGER="0", CELERY_QUEUE=queue, CELERY_BROKER_URL=broker_url(), **env), log
    )
    wait_for(lambda: b" ready." in log.read_bytes() or not proc.alive(), what=f"{name} start", log=log)
    assert proc.alive(), log.read_text()[-4000:]
    return proc


def restart_postgresql() -> None:
    version = os.listdir("/etc/postgresql")[0]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], check=True, timeout=120)
    connections.close_all()  # this process's connection died with the server


def restart_redis() -> None:
    for folder in ("/var/lib/redis", "/var/log/redis"):
        os.makedirs(folder, exist_ok=True)
    subprocess.run(["redis-cli", "-h", "127.0.0.1", "-p", "6379", "shutdown", "nosave"], timeout=30)
    subprocess.run(
        [
            "redis-server",
            "--daemonize",
            "yes",
            "--bind",
            "127.0.0.1",
            "-::1",
            "--port",
            "6379",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            "/var/lib/redis",
            "--logfile",
            "/var/log/redis/ci.log",
        ],
        check=True,
        timeout=30,
    )
    wait_for(
        lambda: subprocess.run(["redis-cli", "-p", "6379", "ping"], capture_output=True).stdout.strip() == b"PONG",
        what="redis restart",
    )
