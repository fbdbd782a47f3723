"""Reading the change log in an order no later commit can break (the API's sync feed).

Ids are handed out when an entry is written but become visible when its
transaction commits, so id order is not commit order: a transaction still
open may commit an id below one a client already has. The feed therefore
reads entries in ``(txid, id)`` order, where ``txid`` is the writing
transaction's id, and only those written by transactions older than the
oldest one still running (``pg_snapshot_xmin``, taken in the same statement).

**The guarantee**: an entry that becomes visible after a page was read has a
transaction id at or above that page's horizon, so it always sorts after
every cursor the feed has handed out; replaying from any cursor misses nothing.

The feed (``changes_after``, ``changes_last``) always reads the primary: a
replica's log may lag, and the cursor and horizon must be exact.

A long transaction holds the feed back (not the writes) until it ends. On
SQLite one transaction writes at a time, so id order is commit order and
every visible entry is final. A reader's own uncommitted entries (a test's
transaction) are visible to it, as its own writes always are.
"""

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from django.apps import apps
from django.db import connection, connections, router

from .models import ChangeEvent
from .shows import KINDS

_HORIZON = "pg_snapshot_xmin(pg_current_snapshot())::text::bigint"
_OWN_TXID = "pg_current_xact_id_if_assigned()::text::bigint"
# The fingerprint counts entries of recent transactions from a horizon rounded down to this many ids,
# so it moves when a late transaction commits an entry below the last id (see ``changes_state``).
_WINDOW = 4096


class UnknownCursor(ValueError):
    """``since`` names no entry of the log (the feed hands out only entries' ids, and 0)."""


class Entry(NamedTuple):
    """A change-log entry as the feed reads it."""

    id: int
    kind: str
    object_id: int
    slug: str


@dataclass(frozen=True)
class FeedPage:
    entries: list[Entry]
    next_cursor: int
    has_more: bool


def changes_after(*, since: int, limit: int, horizon: int | None = None) -> FeedPage:
    """Up to ``limit`` final entries after the entry ``since`` (0: from the start): one query,
    an index range scan on ``(txid, id)`` from the cursor to the horizon, whatever the log's length.

    ``horizon`` is a ``LogState.horizon`` read earlier in the request: entries are
    then bounded by what was final at that moment, so data read since (reference
    maps keyed by that state, rows read after it) is never older than an entry sent.
    The cursor's own entry is read too: its absence means a cursor the feed never gave.
    """
    table = ChangeEvent._meta.db_table
    if connection.vendor == "postgresql":
        at = _HORIZON if horizon is None else "%(horizon)s"
        # A reader's own uncommitted entries (a test's transaction) are visible to it: the bound takes them in.
        bound = f"txid < GREATEST({at}, COALESCE({_OWN_TXID} + 1, 0))"
        after = f"(txid, id) > ((SELECT txid FROM {table} WHERE id = %(since)s), %(since)s)" if since else "TRUE"
        order = "txid, id"
    else:  # one writer at a time: id order is commit order
        bound = "TRUE" if horizon is None else "id <= %(horizon)s"
        after, order = "id > %(since)s", "id"
    columns = "id, kind, object_id, slug, txid"
    sql = (
        f"SELECT 0 AS part, {columns} FROM {table} WHERE id = %(since)s"
        f" UNION ALL SELECT * FROM (SELECT 1 AS part, {columns} FROM {table} WHERE {after} AND {bound}"
        f" ORDER BY {order} LIMIT %(n)s) page ORDER BY part, {order}"
    )
    params = {"horizon": horizon, "since": since, "n": limit + 1}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = [Entry(*row[1:5]) for row in cursor.fetchall()]
    if since:
        if not rows or rows[0].id != since:
            raise UnknownCursor(since)
        rows = rows[1:]
    has_more = len(rows) > limit
    rows = rows[:limit]
    return FeedPage(entries=rows, next_cursor=rows[-1].id if rows else since, has_more=has_more)


@dataclass(frozen=True)
class ObjectState:
    """One object's own entries in the log: a ``key`` that moves whenever one is added, and the last one's time.

    ``key`` is None when the object has no entry (or no object has that address).
    """

    key: str | None
    last_at: object


@dataclass(frozen=True)
class LogState:
    """What the log shows readers now: a ``key`` that moves with any change, the last entry's time,
    the ``horizon`` that makes entries final (PostgreSQL: the oldest running transaction; SQLite: the last id),
    and the state of each object asked for by (kind, address)."""

    key: str
    last_at: object
    horizon: int | None
    objects: dict[tuple[str, str], ObjectState] = field(default_factory=dict)
    extra: tuple = ()  # the values of ``changes_state(extra=...)``, in order


def _object_parts(kinds: Sequence[str], floor: str) -> list[str]:
    """Three scalar subqueries per object, by kind (params: kind and address, three times): the object's last
    entry in the feed's order (id and time), and the count of its entries from ``floor`` on. Each is a probe of
    the ``(kind, object_id, txid, id)`` index."""
    table = ChangeEvent._meta.db_table
    parts = []
    for kind in kinds:
        model = apps.get_model(KINDS[kind].model)
        column = model._meta.get_field(KINDS[kind].slug).column
        found = f"kind = %s AND object_id = (SELECT {model._meta.pk.column} FROM {model._meta.db_table} WHERE {column} = %s)"
        last = f"FROM {table} WHERE {found} ORDER BY txid DESC, id DESC LIMIT 1"
        parts += [f"(SELECT id {last})", f"(SELECT created_at {last})"]
        parts.append(f"(SELECT count(*) FROM {table} WHERE {found} AND txid >= {floor})")
    return parts


@functools.lru_cache(maxsize=256)
def _state_sql(postgres: bool, kinds: tuple[str, ...], also: tuple[str, ...], extra: tuple[str, ...]) -> tuple[str, int]:
    """The statement of ``changes_state`` and how many of its columns are objects' (built once per shape: the
    API runs it first in every request)."""
    table = ChangeEvent._meta.db_table
    parts = [f"(SELECT id FROM {table} ORDER BY id DESC LIMIT 1)", f"(SELECT created_at FROM {table} ORDER BY id DESC LIMIT 1)"]
    if postgres:
        parts += [_HORIZON, f"(SELECT count(*) FROM {table} WHERE txid >= {_HORIZON} / {_WINDOW} * {_WINDOW})"]
    shown = _object_parts(kinds, f"{_HORIZON} / {_WINDOW} * {_WINDOW}" if postgres else "0")
    return f"SELECT {', '.join([*parts, *also, *shown, *extra])}", len(shown)


def changes_state(
    *, also: tuple[str, ...] = (), objects: Sequence[tuple[str, str]] = (), extra: Sequence[tuple[str, Sequence]] = ()
) -> LogState:
    """The log's state in one query (the API computes it first in every request, for its validators).

    The last id alone misses a transaction that commits an entry below it; on
    PostgreSQL the key also counts the entries of transactions from a rounded
    horizon on (any late entry is among them: its transaction was running, so
    its id is at or above the horizon). ``also``: more scalar SQL expressions
    whose values join the key, read in the same query.

    ``objects``: (kind, address) pairs whose own state is read in the same
    query (``LogState.objects``). An object's key is its floor, last entry and
    count of entries from the floor on: an entry that becomes visible later was
    written by a transaction at or above today's horizon, so it either raises
    that count or comes with a new floor. The log is append-only, so nothing
    lowers a count under an unchanged floor. On SQLite the floor is 0: the count
    covers all of the object's entries.

    ``extra``: (scalar SQL, params) whose values the caller wants in the same
    round trip (``LogState.extra``), apart from the key.
    """
    # Where the request reads its content: on a replica in a public read (newsroom/db/router.py), so the state that
    # keys validators and reference maps and the content they label come from the same database.
    db = connections[router.db_for_read(ChangeEvent)]
    postgres = db.vendor == "postgresql"
    sql, shown = _state_sql(postgres, tuple(kind for kind, _ in objects), also, tuple(sql for sql, _ in extra))
    params = [param for kind, address in objects for param in (str(kind), address) * 3]
    params += [param for _, extra_params in extra for param in extra_params]
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    row, extra_values = row[: len(row) - len(extra)], tuple(row[len(row) - len(extra) :])
    last_id, last_at, *rest = row[: len(row) - shown]
    horizon = rest.pop(0) if postgres else (last_id or 0)
    floor = [horizon // _WINDOW] if postgres else []
    states = _object_states(objects, row[len(row) - shown :], floor)
    key = ".".join(map(str, (last_id, *floor, *rest)))
    return LogState(key=key, last_at=last_at, horizon=horizon, objects=states, extra=extra_values)


def _object_states(objects: Sequence[tuple[str, str]], values: Sequence, floor: list) -> dict[tuple[str, str], ObjectState]:
    states = {}
    for i, address in enumerate(objects):
        last_id, last_at, count = values[3 * i : 3 * i + 3]
        key = None if last_id is None else ".".join(map(str, (*floor, last_id, count)))
        states[address] = ObjectState(key=key, last_at=last_at)
    return states


def changes_last() -> int:
    """The cursor of the last final entry (0: none): where a reader that wants only what comes next starts.

    Every entry that becomes visible later sorts after it (the feed's guarantee), so
    ``changes_after(since=changes_last())`` misses nothing written from now on.
    """
    table = ChangeEvent._meta.db_table
    if connection.vendor == "postgresql":
        # As in ``changes_after``: a reader's own uncommitted entries (a test's transaction) count.
        bound = f"txid < GREATEST({_HORIZON}, COALESCE({_OWN_TXID} + 1, 0))"
        sql = f"SELECT id FROM {table} WHERE {bound} ORDER BY txid DESC, id DESC LIMIT 1"
    else:
        sql = f"SELECT id FROM {table} ORDER BY id DESC LIMIT 1"
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    return row[0] if row else 0
