"""A Redis cache whose reads are kept in each process's memory, and dropped the
moment Redis says they changed (Redis "client-side caching", CLIENT TRACKING).

Why: a cached page costs one Redis round trip, and under load on a small
machine that round trip (two context switches, redis-py's Python) costs more
than everything else a cache hit does. With tracking, Redis remembers which
keys this process has read and pushes an invalidation on its connection when
any client changes, expires, evicts or flushes one of them. So:

- one RESP3 connection per process, with ``CLIENT TRACKING ON``, shared by the
  process's threads under a lock (Django makes a cache object per thread; they
  all share one client, see ``TrackedRedisCache._cache``);
- before every command, invalidations waiting on the socket are applied (one
  non-blocking poll when there are none); keys this process holds are then
  answered from memory, the rest fetched in one round trip (``MGET`` and each
  key's ``PTTL``, so nothing held outlives its timeout);
- if nothing has been heard from Redis for ``local_check_seconds`` (default
  1 s), a ``PING`` goes first: everything Redis queued before the ``PONG`` is
  read before it, and a silently dead connection is found out;
- a write drops the written keys here at once, runs in one ``MULTI``/``EXEC``
  (all of it or none), then sends a ``PING``: when a write returns, Redis has
  written every other process's invalidation to its socket;
- losing the connection forgets everything held (invalidations may have been
  missed); the next command reconnects and tracks afresh.

Held values are the stored bytes, unpickled on each read, so no caller can
change another's copy. Memory is bounded (``local_max_bytes``, least recently
used out first). redis-py's own client-side cache needs Redis 7.4; this needs
only RESP3 and tracking (Redis 6+), and the production Redis is 7.0.

Web processes on other hosts than Redis: an invalidation still crossing the
network when the next request arrives can lose that race by the network's
latency; the 1 s ``PING`` bounds how long anything could be served stale.

Errors degrade as in ``ResilientRedisCache``: misses and no-ops while Redis is
unreachable or refuses writes.
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict

from django.utils.functional import cached_property
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from .redis_cache import RedisCacheClient, ResilientRedisCache

_ABSENT = object()  # a key Redis answered as missing (tracked like any other)
_OK = (b"OK", "OK")


def _size(key: str, value) -> int:
    """What holding a key costs, roughly: a flood of distinct missing keys must count too."""
    return len(key) + 100 + (len(value) if isinstance(value, bytes) else 0)


def _broken(exc: BaseException) -> RedisConnectionError:
    """Whatever broke mid-command, for the degrading wrapper: the stream is dropped and so is what was held."""
    if isinstance(exc, RedisConnectionError | RedisTimeoutError):
        return exc
    error = RedisConnectionError(f"Redis connection dropped after {type(exc).__name__}: {exc}")
    error.__cause__ = exc
    return error


class TrackedRedisCacheClient(RedisCacheClient):
    def __init__(self, servers, *, local_max_bytes: int = 32 << 20, local_check_seconds: float = 1.0, **options):
        if len(servers) != 1:
            raise ValueError("TrackedRedisCache takes one Redis server")
        super().__init__(servers, **{**options, "protocol": 3})
        self._max_bytes = int(local_max_bytes)
        self._check_seconds = float(local_check_seconds)
        self._lock = threading.RLock()
        self._held: OrderedDict[str, tuple[bytes | object, float | None]] = OrderedDict()  # key: (value, deadline)
        self._held_bytes = 0
        self._conn = None
        self._pid = None
        self._heard_at = 0.0

    # --- the connection -------------------------------------------------------------------

    def _connection(self):
        if self._conn is None or self._pid != os.getpid():  # new, or inherited across a fork
            self._conn = self._get_connection_pool(True).make_connection()
            self._conn.register_connect_callback(self._on_connect)
            self._pid = os.getpid()
            self._forget_all()
        if not self._conn.is_connected:
            try:
                self._conn.connect()
            except ResponseError as exc:
                # A server without RESP3 or tracking (Redis < 6, some proxies): serve
                # misses and say why, rather than fail every page.
                self._conn.disconnect()
                raise RedisConnectionError(f"Redis refused RESP3 or client tracking: {exc}") from exc
        return self._conn

    def _on_connect(self, conn) -> None:
        # A new server session tracks nothing yet: nothing held before can be trusted.
        self._forget_all()
        conn._parser.set_invalidation_push_handler(self._on_invalidation)
        conn.send_command("CLIENT", "TRACKING", "ON")
        if conn.read_response() not in _OK:
            raise ResponseError("CLIENT TRACKING ON was refused")

    def _on_invalidation(self, message) -> None:
        keys = message[1]
        if keys is None:  # FLUSHDB / FLUSHALL
            self._forget_all()
        else:
            self._forget(k.decode(errors="replace") if isinstance(k, bytes) else k for k in keys)

    def _drain(self, conn) -> None:
        """Apply the invalidations waiting on the socket, one at a time (never deep recursion in the parser)."""
        while conn.can_read(0):
            conn.read_response(push_request=True)  # a push; the socket timeout bounds a partial one

    def _pipeline(self, commands):
        """Send ``commands`` at once and read their replies: one round trip."""
        conn = self._connection()
        try:
            self._drain(conn)
            conn.send_packed_command(conn.pack_commands(commands))
            replies = []
            for _ in commands:
                try:
                    replies.append(conn.read_response())
                except ResponseError as exc:  # an error reply; the stream is still in step
                    replies.append(exc)
        except BaseException as exc:
            conn.disconnect()
            self._forget_all()
            raise _broken(exc) from exc
        self._heard_at = time.monotonic()
        for reply in replies:
            if isinstance(reply, ResponseError):
                raise reply
        return replies

    def _call(self, *args):
        return self._pipeline([args])[0]

    def _catch_up(self) -> None:
        """Apply every invalidation Redis has sent; make sure it has sent them all lately."""
        conn = self._connection()
        try:
            self._drain(conn)
        except (RedisConnectionError, RedisTimeoutError, OSError):
            # The connection died (Redis restarted, an idle timeout): what it tracked died with it.
            conn.disconnect()
            self._forget_all()
            self._call("PING")  # reconnects and tracks afresh, or raises while Redis is down
            return
        except BaseException as exc:
            conn.disconnect()
            self._forget_all()
            raise _broken(exc) from exc
        if time.monotonic() - self._heard_at > self._check_seconds:
            self._call("PING")

    # --- what this process holds ----------------------------------------------------------

    def _forget_all(self) -> None:
        self._held.clear()
        self._held_bytes = 0

    def _forget(self, keys) -> None:
        for key in keys:
            held = self._held.pop(key, None)
            if held is not None:
                self._held_bytes -= _size(key, held[0])

    def _hold(self, key: str, value, deadline: float | None) -> None:
        """Keep ``value`` (bytes, or _ABSENT) until Redis invalidates it or ``deadline`` (monotonic) passes."""
        self._forget([key])
        size = _size(key, value)
        if size > self._max_bytes // 4:
            return
        self._held[key] = (value, deadline)
        self._held_bytes += size
        while self._held_bytes > self._max_bytes:
            self._forget([next(iter(self._held))])

    # --- reads ----------------------------------------------------------------------------

    def get_many(self, keys):
        with self._lock:
            self._catch_up()
            now = time.monotonic()
            found, missing = {}, []
            for key in keys:
                held = self._held.get(key)
                if held is None or (held[1] is not None and held[1] <= now):
                    missing.append(key)
                elif held[0] is not _ABSENT:
                    self._held.move_to_end(key)
                    found[key] = held[0]
            if missing:
                values, *ttls = self._pipeline([("MGET", *missing), *(("PTTL", key) for key in missing)])
                now = time.monotonic()
                for key, value, ttl in zip(missing, values, ttls, strict=True):
                    self._hold(key, _ABSENT if value is None else value, now + ttl / 1000 if ttl >= 0 else None)
                    if value is not None:
                        found[key] = value
        return {key: self._serializer.loads(value) for key, value in found.items()}

    def get(self, key, default):
        return self.get_many([key]).get(key, default)

    def has_key(self, key):
        return key in self.get_many([key])

    # --- writes ---------------------------------------------------------------------------

    def _write(self, keys, *commands):
        """Run ``commands`` as one transaction; their replies, once the others' invalidations are out."""
        with self._lock:
            self._forget(keys)
            *_, replies = self._pipeline([("MULTI",), *commands, ("EXEC",)])
            self._call("PING")  # answered only after Redis has written the invalidations of the EXEC
        for reply in replies:
            if isinstance(reply, ResponseError):
                raise reply
        return replies

    def _dumps(self, value) -> bytes | int:
        return self._serializer.dumps(value)

    def set(self, key, value, timeout):
        if timeout == 0:
            self._write([key], ("DEL", key))
        elif timeout is None:
            self._write([key], ("SET", key, self._dumps(value)))
        else:
            self._write([key], ("SET", key, self._dumps(value), "EX", timeout))

    def add(self, key, value, timeout):
        expiry = () if timeout is None else ("EX", max(timeout, 1))
        (reply,) = self._write([key], ("SET", key, self._dumps(value), "NX", *expiry))
        stored = reply in _OK
        if stored and timeout == 0:
            self._write([key], ("DEL", key))
        return stored

    def set_many(self, data, timeout):
        expiry = () if timeout is None else ("EX", timeout)
        if timeout == 0:
            self._write(list(data), ("DEL", *data))
        else:
            self._write(list(data), *(("SET", k, self._dumps(v), *expiry) for k, v in data.items()))

    def touch(self, key, timeout):
        command = ("PERSIST", key) if timeout is None else ("EXPIRE", key, timeout)
        (reply,) = self._write([key], command)
        return bool(reply)

    def delete(self, key):
        (reply,) = self._write([key], ("DEL", key))
        return bool(reply)

    def delete_many(self, keys):
        keys = list(keys)
        if keys:
            self._write(keys, ("DEL", *keys))

    def incr(self, key, delta):
        if not self.has_key(key):
            raise ValueError(f"Key '{key}' not found.")
        (reply,) = self._write([key], ("INCRBY", key, delta))
        return reply

    def clear(self):
        with self._lock:
            self._forget_all()
        (reply,) = self._write([], ("FLUSHDB",))
        return reply in _OK


_clients: dict[tuple, TrackedRedisCacheClient] = {}
_clients_lock = threading.Lock()


class TrackedRedisCache(ResilientRedisCache):
    """``ResilientRedisCache`` with reads held in process memory under Redis's tracking.

    OPTIONS: ``local_max_bytes`` (default 32 MiB per process), ``local_check_seconds``
    (default 1.0), and redis-py's connection options (``socket_timeout``…).
    """

    @cached_property
    def _cache(self):
        # Django builds one cache object per thread: they share one client, so one
        # connection, one lock and one memory budget per process.
        identity = (tuple(self._servers), repr(sorted(self._options.items())))
        with _clients_lock:
            if identity not in _clients:
                _clients[identity] = TrackedRedisCacheClient(self._servers, **self._options)
            return _clients[identity]
