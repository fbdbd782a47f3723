"""Read replicas for anonymous public reads, and the primary for everything else (docs/scale-out.md).

Nothing goes to a replica unless a request says so. A public page on a cache
miss (``newsroom.cache.public_page``, anonymous readers only) and the API's
public lists and details (``ApiLaneMiddleware``, views with
``replica_reads = True``) run inside ``public_reads()``, which picks, once for
the whole request, a replica that is fresh enough, or the primary. Outside such
a block (the admin, editorial code, Celery tasks, the sync feed, management
commands) the router answers ``default``.

A replica is fresh enough when:

- it answers and is a standby (a mirror of the primary in a test run is not);
- its replay lag is at most ``DATABASE_REPLICA_MAX_LAG`` seconds; and
- it has replayed the WAL up to the *announced* position: every public change
  is announced once committed (``lsn_announce``, called by the page cache's
  token replacement before the tokens move, so before the edge purge and the
  webhooks), as the primary's ``pg_current_wal_lsn()`` then. A reader reads
  that position after the page cache's tokens, so a page stored under fresh
  tokens, or an API body fetched after a purge, is never older than what was
  announced.

Each process measures a replica's state (replay position and lag: one small
query) at most every ``DATABASE_REPLICA_CHECK_SECONDS``; the replay position
only grows, so a measurement taken before the announcement was read still
proves the replica has it when it is at or past it.

Within the block every read goes to the one database chosen: the API's
fingerprint (its ETags, the reference maps' key, the horizon) and the content
come from the same database, so a fingerprint read on a lagging replica never
labels newer content, nor a newer one older content. The first write (or a read
in a transaction on the primary) pins the rest of the block to the primary, and
code that writes what it reads (a page rendered on its request and kept) calls
``primary_pin()`` before reading. A replica that fails during the block is
marked down and the block's work is done again on the primary
(``public_read_call``): readers get no error.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, InterfaceError, OperationalError, connections

logger = logging.getLogger(__name__)

FENCE_KEY = "db:announced-lsn"  # in the page cache (tracked in each process's memory on Redis)
FENCE_CACHE = "pages"
_LAG_SQL = (
    "SELECT (pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::bigint,"
    " CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
    " ELSE EXTRACT(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 END"
)
_PRIMARY_LSN_SQL = "SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint"
# Raise the announced position, never lower it: two purges may finish in either order.
_RAISE_LUA = (
    "local v = tonumber(redis.call('GET', KEYS[1]) or '0') or 0 "
    "if v < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) end return 1"
)


# --- Which database a request reads ---------------------------------------------------------------


@dataclass
class Reads:
    """Where the current block's reads go: ``alias``; ``replica``: the replica chosen at its start, if any."""

    alias: str
    replica: str | None = None


_reads: ContextVar[Reads | None] = ContextVar("newsroom_db_reads", default=None)


@contextmanager
def public_reads() -> Iterator[Reads]:
    """Mark the block as an anonymous public read: its reads go to one replica fresh enough, or the primary."""
    replica = replica_choose()
    state = Reads(alias=replica or DEFAULT_DB_ALIAS, replica=replica)
    token = _reads.set(state)
    try:
        yield state
    finally:
        _reads.reset(token)


def primary_pin() -> None:
    """Send the rest of the current block's reads to the primary (a write follows, or one has been made)."""
    state = _reads.get()
    if state is not None:
        state.alias = DEFAULT_DB_ALIAS


def public_read_call[T](func: Callable[..., T], *args, **kwargs) -> T:
    """``func(*args, **kwargs)`` as a public read; if the replica it read fails, again on the primary."""
    with public_reads() as state:
        try:
            return func(*args, **kwargs)
        except (OperationalError, InterfaceError):
            replica = state.replica
            if replica is None or not connections[replica].errors_occurred:
                raise
            logger.warning("replica %s failed during a public read; reading the primary", replica)
            replica_down(replica)
            state.alias, state.replica = DEFAULT_DB_ALIAS, None
            return func(*args, **kwargs)


class ReplicaRouter:
    """Reads inside ``public_reads`` go where it chose; every other read, every write and migrations: the primary."""

    def db_for_read(self, model, **hints):
        state = _reads.get()
        if state is None or state.alias == DEFAULT_DB_ALIAS:
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:  # a transaction on the primary reads its own state
            state.alias = DEFAULT_DB_ALIAS
        return state.alias

    def db_for_write(self, model, **hints):
        primary_pin()  # what follows a write in the same request reads the primary
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replicas hold the primary's very rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return False if db in settings.DATABASE_REPLICAS else None


# --- The replicas' state, per process -------------------------------------------------------------


@dataclass(frozen=True)
class ReplicaState:
    """A replica as last measured: its replay position (bytes; None when it did not answer as a standby),
    its replay lag in seconds, and when (``time.monotonic``)."""

    replayed: int | None
    lag: float
    measured_at: float

    def fresh_enough(self, *, fence: int, max_lag: float) -> bool:
        return self.replayed is not None and self.replayed >= fence and self.lag <= max_lag


_states: dict[str, ReplicaState] = {}
_measuring = threading.Lock()


def replica_state(alias: str) -> ReplicaState | None:
    """``alias``'s state, measured again when older than ``DATABASE_REPLICA_CHECK_SECONDS``.

    One thread measures at a time; the others meanwhile use the last measurement
    (None before the first: the primary is read).
    """
    state = _states.get(alias)
    if state is not None and time.monotonic() - state.measured_at < settings.DATABASE_REPLICA_CHECK_SECONDS:
        return state
    if not _measuring.acquire(blocking=False):
        return state
    try:
        state = _states[alias] = _measure(alias)
    finally:
        _measuring.release()
    return state


def _measure(alias: str) -> ReplicaState:
    """Replay position and lag, in one query on the replica: lag 0 when it has replayed all it received,
    else the age of the last transaction it replayed (a paused or slow replay grows it)."""
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute(_LAG_SQL)
            replayed, lag = cursor.fetchone()
    except Exception as exc:  # whatever fails, the replica is not read (a test that forbids the alias included)
        before = _states.get(alias)
        if before is None or before.replayed is not None:  # said once when it goes, not at every measurement
            logger.warning("replica %s unavailable: %s", alias, exc)
        _close(alias)
        return ReplicaState(None, float("inf"), time.monotonic())
    return ReplicaState(replayed, float(lag or 0), time.monotonic())


def _close(alias: str) -> None:
    try:
        connections[alias].close()
    except DatabaseError:
        pass


def replica_down(alias: str) -> None:
    """Skip ``alias`` until it is measured again (it failed a read)."""
    _states[alias] = ReplicaState(None, float("inf"), time.monotonic())
    _close(alias)


def replicas_forget() -> None:
    """Forget every measurement (tests; a process forked after measuring)."""
    _states.clear()


def replica_choose() -> str | None:
    """A replica fresh enough for a public read now, at random among them; None: read the primary."""
    aliases = settings.DATABASE_REPLICAS
    if not aliases or connections[DEFAULT_DB_ALIAS].in_atomic_block:  # a transaction on the primary reads it
        return None
    fence = lsn_fence()
    if fence is None:
        return None
    max_lag = settings.DATABASE_REPLICA_MAX_LAG
    fresh = [a for a in aliases if (state := replica_state(a)) is not None and state.fresh_enough(fence=fence, max_lag=max_lag)]
    return random.choice(fresh) if fresh else None


# --- What the change pipeline announced -----------------------------------------------------------


def _primary_lsn() -> int:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(_PRIMARY_LSN_SQL)
        return cursor.fetchone()[0]


_local_raise = threading.Lock()


def lsn_announce() -> bool:
    """Record the primary's WAL position now as announced: replicas that have not replayed it are not read.

    Called after a public change committed, before the page cache's tokens are
    replaced (``newsroom.cache.tokens_replace``). No-op without replicas;
    False when the cache could not store it.
    """
    if not settings.DATABASE_REPLICAS:
        return True
    lsn, cache = _primary_lsn(), caches[FENCE_CACHE]
    try:
        if isinstance(cache, RedisCache):
            key = cache.make_and_validate_key(FENCE_KEY)
            client = cache._cache
            if hasattr(client, "_write"):  # newsroom.tracked_cache: in its transaction, others' copies dropped
                client._write([key], ("EVAL", _RAISE_LUA, 1, key, lsn))
            else:
                client.get_client(key, write=True).eval(_RAISE_LUA, 1, key, lsn)
        else:  # local memory: this process alone
            with _local_raise:
                if (cache.get(FENCE_KEY) or 0) < lsn:
                    cache.set(FENCE_KEY, lsn, timeout=None)
    except Exception as exc:  # a cache down degrades to reading the primary, never to an error
        logger.warning("could not announce WAL position %s: %s", lsn, exc)
        return False
    return True


def lsn_fence() -> int | None:
    """The announced WAL position; None when it cannot be known (the cache down): then read the primary.

    Missing (a new or flushed cache), it is the primary's position now: at or
    past anything announced before.
    """
    cache = caches[FENCE_CACHE]
    fence = cache.get(FENCE_KEY)
    if fence is None:
        try:
            cache.add(FENCE_KEY, _primary_lsn(), timeout=None)
        except DatabaseError:
            return None
        fence = cache.get(FENCE_KEY)
    return fence if isinstance(fence, int) else None
