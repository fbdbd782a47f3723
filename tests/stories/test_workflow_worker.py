"""Scheduled publishing on the real stack: the beat task runs in a real Celery worker on Redis and PostgreSQL."""

import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from newsroom.celery import app
from stories.models import Story
from stories.tasks import publish_scheduled_stories
from tests.factories import build_story

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _wait(condition, *, what: str, log: Path, timeout: float = 45) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}\n{log.read_text()[-4000:]}")


@pytest.fixture
def story_worker(postgres, redis_url, tmp_path):
    """A real worker on a queue of its own, on the test database."""
    queue = f"newsroom-stories-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "SECRET_KEY": "integration-test-secret-key-0123456789-abcdefghijklmnop",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": redis_url,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "CELERY_QUEUE": queue,
    }
    command = [
        str(Path(sys.executable).parent / "celery"), "-A", "newsroom", "worker", "-Q", queue, "-c", "1",
        "-l", "info", "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]
    previous = {key: app.conf[key] for key in ("task_always_eager", "task_default_queue")}
    app.conf.update(task_always_eager=False, task_default_queue=queue)
    with open(log, "wb") as out:
        worker = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait(lambda: b" ready." in log.read_bytes() or worker.poll() is not None, what="worker start", log=log)
        if worker.poll() is not None:
            pytest.fail(f"the worker exited with {worker.returncode}:\n{log.read_text()[-4000:]}")
        worker.log = log
        yield worker
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        app.conf.update(previous)
        import redis

        redis.Redis.from_url(redis_url).delete(queue)


def test_worker_publishes_due_scheduled_stories_and_leaves_future_ones(story_worker, client):
    due, later = build_story(publish=False, slug="due-now"), build_story(publish=False, slug="due-later")
    now = timezone.now()
    Story.objects.filter(pk=due.pk).update(status=Story.Status.SCHEDULED, publish_at=now - timedelta(minutes=2))
    Story.objects.filter(pk=later.pk).update(status=Story.Status.SCHEDULED, publish_at=now + timedelta(hours=1))
    publish_scheduled_stories.delay()
    publish_scheduled_stories.delay()  # beat and a manual run at once: still one publication
    _wait(lambda: Story.objects.live().filter(pk=due.pk).exists(), what="the worker to publish", log=story_worker.log)
    _wait(lambda: story_worker.log.read_bytes().count(b"succeeded") >= 2, what="both runs", log=story_worker.log)
    assert client.get("/story/due-now/").status_code == 200
    assert client.get("/story/due-later/").status_code == 404
    assert due.revisions.filter(kind="publish").count() == 1
    assert Story.objects.get(pk=later.pk).status == Story.Status.SCHEDULED
