"""Django's Redis cache backend, keeping one client per connection pool.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` for
every cache call; with redis-py 8 that costs more than the round trip itself
(~0.1 ms of Python per call, on every cached page). A ``redis.Redis`` is
safe to share between threads (its connections come from the pool), so one
per pool and process is kept; there is still no state beyond a connection.

``ResilientRedisCache`` (the one settings use) also degrades to misses while
Redis is unreachable: the cache only ever holds copies (rendered pages,
throttle counters, locks), so while Redis is down or restarting the site keeps
answering from the database instead of failing every request, and recovers by
itself once Redis is back.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import OutOfMemoryError, ReadOnlyError, ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient


UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError)
# Redis up but refusing writes: out of memory without eviction, a replica after a
# failover, a failed snapshot (MISCONF). A cache that cannot store is a miss, not a 500.
REFUSING = (OutOfMemoryError, ReadOnlyError)


def _unavailable(exc: Exception) -> bool:
    if isinstance(exc, UNAVAILABLE + REFUSING):
        return True
    return isinstance(exc, ResponseError) and str(exc).startswith("MISCONF")


_last_warning = 0.0


def _warn(operation: str, exc: Exception) -> None:
    global _last_warning
    now = time.monotonic()
    if now - _last_warning > 10:  # one line per ten seconds of outage, not one per request
        _last_warning = now
        logger.warning("cache unavailable during %s: %s", operation, exc)


def _degrading(operation: str, fallback):
    def method(self, *args, **kwargs):
        try:
            return getattr(super(ResilientRedisCache, self), operation)(*args, **kwargs)
        except (*UNAVAILABLE, ResponseError) as exc:
            if not _unavailable(exc):
                raise
            _warn(operation, exc)
            return fallback(args, kwargs) if callable(fallback) else fallback

    method.__name__ = operation
    return method


class ResilientRedisCache(RedisCache):
    get = _degrading("get", lambda args, kwargs: kwargs.get("default", args[1] if len(args) > 1 else None))
    get_many = _degrading("get_many", lambda args, kwargs: {})
    add = _degrading("add", False)
    set = _degrading("set", None)
    set_many = _degrading("set_many", lambda args, kwargs: list(args[0]) if args else [])
    touch = _degrading("touch", False)
    delete = _degrading("delete", False)
    delete_many = _degrading("delete_many", None)
    has_key = _degrading("has_key", False)
    clear = _degrading("clear", None)
