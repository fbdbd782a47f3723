"""A real streaming replica of the test database's primary, for the read router's tests (docs/scale-out.md).

``deploy/replica.sh`` makes it (a second PostgreSQL 15 cluster from
``pg_basebackup -R``, on ``NEWSROOM_TEST_REPLICA_PORT``, 5433); ``.ci/run``
starts it before the suite. When it is not streaming, the session fixture
starts it itself where it can (as root, with Debian's PostgreSQL binaries) and
stops it at the end; otherwise the tests skip, or fail when services are
required (CI).

The test database is created on the primary, so the standby replays it like
any other: its tests commit (``transactional_db``) and wait for the replay.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connections
from django.db.utils import load_backend

from newsroom.db.router import replicas_forget
from tests.conftest import service_missing

PORT = int(os.environ.get("NEWSROOM_TEST_REPLICA_PORT", "5433"))
SCRIPT = Path(__file__).resolve().parents[2] / "deploy" / "replica.sh"
PG_BIN = Path("/usr/lib/postgresql/15/bin")
ALIAS = "replica_test"  # not replica_0: a run with DATABASE_REPLICA_URLS has that one, mirrored


def _sql(port: int, sql: str, dbname: str = "postgres"):
    with psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname=dbname, autocommit=True, connect_timeout=3) as conn:
        return conn.execute(sql).fetchone()


def primary_sql(sql: str):
    settings = connections["default"].settings_dict
    return _sql(int(settings["PORT"] or 5432), sql)


def replica_sql(sql: str):
    """One statement on the standby, as its superuser, on the test database."""
    return _sql(PORT, sql, dbname=connections["default"].settings_dict["NAME"])


def _up() -> bool:
    try:
        return bool(_sql(PORT, "SELECT pg_is_in_recovery()")[0])
    except psycopg.Error:
        return False


def _streaming() -> bool:
    try:
        found = _sql(PORT, "SELECT pg_is_in_recovery() AND EXISTS (SELECT FROM pg_stat_wal_receiver WHERE status = 'streaming')")
    except psycopg.Error:
        return False
    return bool(found and found[0])


def _script(command: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "REPLICA_PORT": str(PORT)}
    return subprocess.run([str(SCRIPT), command], capture_output=True, text=True, timeout=300, env=env, check=False)


def replica_halt() -> None:
    """Stop the standby's server, keeping its data (``replica_start`` brings it back in about a second)."""
    _script("halt")


def replica_start() -> None:
    if _streaming():
        return
    done = _script("start")
    if done.returncode != 0 or not _streaming():
        service_missing(f"the read replica on port {PORT} could not be started: {done.stderr.strip()[-500:]}")


def replay_pause() -> None:
    replica_sql("SELECT pg_wal_replay_pause()")


def replay_resume() -> None:
    replica_sql("SELECT pg_wal_replay_resume()")


def replica_catch_up(timeout: float = 30.0) -> None:
    """Wait until the standby has replayed everything the primary has written so far."""
    (target,) = primary_sql("SELECT pg_current_wal_lsn()::text")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        (done,) = replica_sql(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn")
        if done:
            return
        time.sleep(0.02)
    pytest.fail(f"the replica did not replay up to {target} within {timeout} s")


def replica_lag_over(seconds: float, timeout: float = 30.0) -> None:
    """Wait until the standby's replay lag, as the router measures it, exceeds ``seconds``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        (lag,) = replica_sql(
            "SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
            " ELSE EXTRACT(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 END"
        )
        if lag > seconds:
            return
        primary_sql("SELECT txid_current()")  # WAL to receive and not replay
        time.sleep(0.05)
    pytest.fail(f"the replica's lag stayed under {seconds} s")


def replica_server_run(django_db_blocker):
    """A standby of the primary streaming on ``PORT``: started here (and stopped at the end) when not already up
    (the session fixture ``replica_server``, tests/conftest.py)."""
    with django_db_blocker.unblock():
        if connections["default"].vendor != "postgresql":
            service_missing("the read replica tests need DATABASE_URL on PostgreSQL")
    started = not _up()  # a replica already running (.ci/run's, a developer's) is left running
    if not _streaming():
        if os.geteuid() != 0 or not PG_BIN.is_dir():
            service_missing(f"no read replica streams on port {PORT} (deploy/replica.sh start, as root)")
        replica_start()
    with django_db_blocker.unblock():
        (primary,) = primary_sql("SELECT system_identifier FROM pg_control_system()")
    (standby,) = _sql(PORT, "SELECT system_identifier FROM pg_control_system()")
    if primary != standby:
        service_missing(f"the server on port {PORT} is not a replica of the test database's primary")
    yield PORT
    if started and os.environ.get("NEWSROOM_TEST_REPLICA_KEEP") != "1":
        _script("stop")


def replica_configured(settings):
    """The router on, with ``ALIAS`` on the real standby (reading the test database), replay running
    (the fixture ``replica``, tests/conftest.py)."""
    replica_start()  # a test may have stopped it
    replay_resume()
    entry = {**connections["default"].settings_dict, "HOST": "127.0.0.1", "PORT": str(PORT)}
    entry["OPTIONS"] = {**entry.get("OPTIONS", {}), "connect_timeout": 2, "application_name": f"newsroom-{ALIAS}"}
    # Made for this thread only, outside settings.DATABASES: Django's test case then neither forbids it (not a
    # configured alias) nor flushes it (a standby is read-only). The test client runs in this thread.
    wrapper = load_backend(entry["ENGINE"]).DatabaseWrapper(entry, ALIAS)
    setattr(connections._connections, ALIAS, wrapper)
    settings.DATABASE_REPLICAS = [ALIAS]
    settings.DATABASE_ROUTERS = ["newsroom.db.router.ReplicaRouter"]
    settings.DATABASE_REPLICA_MAX_LAG = 3600.0  # no lag bound unless a test sets one
    settings.DATABASE_REPLICA_CHECK_SECONDS = 0.0  # measured at every request unless a test says otherwise
    replicas_forget()
    yield ALIAS
    replicas_forget()
    if _streaming():  # not when the test stopped it (the next one starts it)
        replay_resume()
    wrapper.close()
    delattr(connections._connections, ALIAS)
