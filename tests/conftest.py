"""Shared fixtures.

Tests that need a real service (PostgreSQL, Redis, a Celery worker, Chromium)
skip when it is absent on a developer's machine, and fail instead when
NEWSROOM_REQUIRE_SERVICES=1 (as .ci/run sets), so CI can never pass by skipping.
"""

import os
import time

import pytest
from django.conf import settings
from django.core.cache import caches

REQUIRE_SERVICES = os.environ.get("NEWSROOM_REQUIRE_SERVICES") == "1"


def service_missing(reason: str):
    """Skip, or fail when services are required."""
    if REQUIRE_SERVICES:
        pytest.fail(f"required service missing: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _clear_cache():
    for each in caches.all():
        each.clear()
    yield
    for each in caches.all():
        each.clear()


@pytest.fixture(autouse=True)
def _forget_api_references():
    """The API keeps reference data per process, keyed by the content fingerprint;
    a rolled-back test can leave the same fingerprint with other rows behind."""
    from stories.api import references

    references.reset()
    yield
    references.reset()


@pytest.fixture(autouse=True)
def _live_server_requests_finish(request):
    """A browser closed at the end of a test can leave a request (an autosave, a lock
    released on page hide) running in the live server, or still on its way to it. The
    database flush that ends the test would deadlock against it, so wait until the test
    database's other sessions have been idle for a moment (ending any still busy after a
    few seconds); ``_flush_again_after_a_deadlock`` covers a request that comes later."""
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("transactional_db")
    yield
    from django.db import connection

    if connection.vendor == "postgresql":
        _other_sessions_quiet(connection)


def _other_sessions_quiet(connection, *, quiet: float = 0.3, deadline: float = 5) -> None:
    busy_sql = """
        SELECT pid FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'
    """
    give_up, quiet_since = time.monotonic() + deadline, None
    with connection.cursor() as cursor:
        while True:
            cursor.execute(busy_sql)
            busy = [pid for (pid,) in cursor.fetchall()]
            now = time.monotonic()
            quiet_since = (quiet_since or now) if not busy else None
            if (quiet_since is not None and now - quiet_since >= quiet) or now > give_up:
                break
            time.sleep(0.05)
        for pid in busy:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.fixture(scope="session", autouse=True)
def _flush_again_after_a_deadlock():
    """A transactional test ends with a flush (TRUNCATE of every table). A request that reaches the live server
    during it can deadlock with it, and PostgreSQL may pick the flush to fail: then the other sessions are
    ended and the flush runs again (at most twice more), instead of failing a test that passed."""
    from django.core.management.base import CommandError
    from django.db import connection
    from django.test import TransactionTestCase

    original = TransactionTestCase._fixture_teardown

    def teardown(self):
        for attempt in range(3):
            try:
                return original(self)
            except CommandError as exc:
                if attempt == 2 or "deadlock detected" not in str(exc.__cause__):
                    raise
                _other_sessions_quiet(connection, quiet=0.3, deadline=2)

    TransactionTestCase._fixture_teardown = teardown
    yield
    TransactionTestCase._fixture_teardown = original


@pytest.fixture
def postgres():
    """The test database is PostgreSQL (DATABASE_URL)."""
    if not settings.USING_POSTGRES:
        service_missing("DATABASE_URL does not point at PostgreSQL")


@pytest.fixture
def redis_url():
    """A reachable Redis (REDIS_URL)."""
    url = settings.REDIS_URL
    if not url:
        service_missing("REDIS_URL is not set")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        service_missing(f"Redis at {url} is not reachable: {exc}")
    return url


@pytest.fixture
def demo(db):
    """The seed story and its reference data, loaded as `make run` loads them."""
    from stories.demo import demo_load

    demo_load()
    from stories.models import Story

    return Story.objects.get(slug="peru-severs-diplomatic-ties-with-mexico-over-chavez-asylum")


def _staff_with_role(username: str, role: str):
    from django.contrib.auth.models import Group

    from stories.roles import roles_sync
    from tests.factories import UserFactory

    roles_sync()  # transactional tests flush the groups the roles migration created
    user = UserFactory(username=username, is_staff=True, first_name=role)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def writer(db):
    """A staff account in the Writer group (created by the roles migration)."""
    return _staff_with_role("wendy-writer", "Writer")


@pytest.fixture
def editor(db):
    """A staff account in the Editor group."""
    return _staff_with_role("eddie-editor", "Editor")


@pytest.fixture(scope="session")
def feed_server():
    """A real local HTTP server serving tests/data/feeds and the bad cases (tests/feed_server.py)."""
    from tests.feed_server import FeedServer

    server = FeedServer().start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """``with commit():`` runs the block's on-commit callbacks (the public-change pipeline) as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture(scope="session", autouse=True)
def _media_root_removed():
    """Uploaded images of the run live in a temporary MEDIA_ROOT (newsroom/test_settings.py); gone afterwards."""
    import shutil

    yield
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


@pytest.fixture(scope="session")
def replica_server(django_db_setup, django_db_blocker):
    """A real streaming replica of the test database's primary (tests/integration/replica.py, deploy/replica.sh)."""
    from tests.integration.replica import replica_server_run

    yield from replica_server_run(django_db_blocker)


@pytest.fixture
def replica(replica_server, transactional_db, settings):
    """The read router on, its alias ``replica_0`` on that replica; its tests commit (transactional)."""
    from tests.integration.replica import replica_configured

    yield from replica_configured(settings)
