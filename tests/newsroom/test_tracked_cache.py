"""The page cache's Redis backend: reads kept in process memory, never stale.

Each ``TrackedRedisCache`` below has its own connection and its own memory, as
two web processes would; ``other`` writes the way an editor's process does.
"""

import gc
import shutil
import subprocess
import threading
import time
import uuid

import pytest
import redis

from newsroom.tracked_cache import TrackedRedisCache
from tests.conftest import service_missing
from tests.integration.stack import free_port, wait_for

pytestmark = pytest.mark.services


@pytest.fixture
def prefix():
    return f"tracked-test-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def make_cache(redis_url, prefix):
    made = []

    def make(**options):
        # A client name of its own: caches of one configuration share one client per process.
        options = {"socket_timeout": 2.0, "client_name": f"tracked-test-{len(made)}", **options}
        cache = TrackedRedisCache(redis_url, {"KEY_PREFIX": prefix, "OPTIONS": options})
        made.append(cache)
        return cache

    yield make
    server = redis.Redis.from_url(redis_url)
    for key in server.scan_iter(match=f"{prefix}:*"):
        server.delete(key)


def _mget_calls(server: redis.Redis) -> int:
    return server.info("commandstats").get("cmdstat_mget", {}).get("calls", 0)


def test_a_value_read_once_is_then_answered_without_asking_redis(make_cache, redis_url):
    reader, writer = make_cache(), make_cache()
    writer.set("page", {"html": "<p>v1</p>"}, 60)
    assert reader.get("page") == {"html": "<p>v1</p>"}
    server = redis.Redis.from_url(redis_url)
    before = _mget_calls(server)
    assert all(reader.get("page") == {"html": "<p>v1</p>"} for _ in range(200))
    assert _mget_calls(server) == before


def test_a_write_from_another_process_is_seen_on_the_next_read(make_cache):
    reader, writer = make_cache(), make_cache()
    writer.set_many({"token:all": "a1", "token:story": "s1"}, None)
    assert reader.get_many(["token:all", "token:story"]) == {"token:all": "a1", "token:story": "s1"}
    writer.set_many({"token:all": "a2"}, None)
    assert reader.get_many(["token:all", "token:story"]) == {"token:all": "a2", "token:story": "s1"}
    writer.set("token:story", "s2", None)
    assert reader.get("token:story") == "s2"


def test_a_key_first_read_as_missing_is_seen_once_another_process_adds_it(make_cache):
    reader, writer = make_cache(), make_cache()
    assert reader.get("token:new") is None
    assert writer.add("token:new", "t1", None) is True
    assert reader.get("token:new") == "t1"
    assert reader.add("token:new", "t2", None) is False
    assert writer.get("token:new") == "t1"


def test_deletes_and_flushes_from_another_process_are_seen(make_cache, redis_url):
    reader, writer = make_cache(), make_cache()
    writer.set_many({"a": 1, "b": "two"}, 60)
    assert reader.get_many(["a", "b"]) == {"a": 1, "b": "two"}
    writer.delete("a")
    assert reader.get_many(["a", "b"]) == {"b": "two"}
    redis.Redis.from_url(redis_url).flushdb()
    assert reader.get_many(["a", "b"]) == {}


def test_a_lost_connection_forgets_what_it_held(make_cache, redis_url):
    reader = make_cache()
    server = redis.Redis.from_url(redis_url)
    reader.set("page", "before", 60)
    assert reader.get("page") == "before"
    # Kill the reader's connection, then change the key: no invalidation can reach it.
    server.client_kill_filter(_id=reader._cache._call("CLIENT", "ID"))
    server.set(reader.make_key("page"), reader._cache._serializer.dumps("after"))
    assert reader.get("page") == "after"


def test_memory_held_stays_within_its_bound(make_cache):
    reader, writer = make_cache(local_max_bytes=64 * 1024), make_cache()
    writer.set_many({f"page-{i}": "x" * 4000 for i in range(100)}, 60)
    for i in range(100):
        assert reader.get(f"page-{i}") == "x" * 4000
    assert 32 * 1024 < reader._cache._held_bytes <= 64 * 1024
    assert reader.get("page-99") == "x" * 4000 and reader.get("page-0") == "x" * 4000  # evicted ones come back


def test_missing_keys_held_count_against_the_bound_too(make_cache):
    reader = make_cache(local_max_bytes=64 * 1024)
    for i in range(5000):  # e.g. a flood of distinct query strings, none of them cached
        assert reader.get(f"search-{i}") is None
    assert reader._cache._held_bytes <= 64 * 1024
    assert len(reader._cache._held) < 1000


def test_values_handed_out_are_copies(make_cache):
    reader = make_cache()
    reader.set("headers", {"Content-Type": "text/html"}, 60)
    reader.get("headers")["Content-Type"] = "changed by a caller"
    assert reader.get("headers") == {"Content-Type": "text/html"}


def test_counters_and_timeouts_behave_as_a_django_cache(make_cache):
    cache, other = make_cache(), make_cache()
    cache.set("n", 1, 60)
    assert other.get("n") == 1
    assert cache.incr("n", 5) == 6
    assert other.get("n") == 6
    with pytest.raises(ValueError):
        cache.incr("missing")
    cache.set("gone", "x", 0)
    assert other.get("gone") is None
    assert cache.touch("n", None) is True
    assert cache.has_key("n") and not cache.has_key("missing")


def test_an_unreachable_redis_reads_as_misses():
    cache = TrackedRedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}})
    assert cache.get("k") is None
    assert cache.get_many(["a"]) == {}
    cache.set("k", 1)
    assert cache.add("k", 1) is False


@pytest.fixture
def spare_redis(tmp_path):
    """Start a real Redis of our own with the given settings; its URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        service_missing("redis-server is not installed")
    servers = []

    def start(*settings: str) -> str:
        port = free_port()
        servers.append(
            subprocess.Popen(
                [
                    binary,
                    "--port",
                    str(port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--dir",
                    str(tmp_path),
                    *settings,
                ],
                stdout=subprocess.DEVNULL,
            )
        )
        url = f"redis://127.0.0.1:{port}/0"
        wait_for(lambda: _answers(url), what="redis-server")
        return url

    yield start
    for server in servers:
        server.terminate()
        server.wait(timeout=10)


def _answers(url: str) -> bool:
    try:
        return redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        return False


def test_a_redis_refusing_tracking_reads_as_misses_and_says_why(spare_redis, caplog, monkeypatch):
    monkeypatch.setattr("newsroom.redis_cache._last_warning", 0.0)  # the outage warning is once per 10 s
    cache = TrackedRedisCache(spare_redis("--rename-command", "CLIENT", ""), {})  # as servers without tracking
    cache.set("k", "v")
    assert cache.get("k") is None and cache.get_many(["k"]) == {}
    assert "refused RESP3 or client tracking" in caplog.text


def test_a_redis_out_of_memory_makes_writes_no_ops_not_errors(spare_redis):
    cache = TrackedRedisCache(spare_redis("--maxmemory", "2mb", "--maxmemory-policy", "noeviction"), {})
    for i in range(20):
        cache.set(f"page-{i}", "x" * 200_000, 60)  # past 2 MB Redis refuses with OOM
    assert cache.get("page-19") is None
    assert cache.get("page-0") == "x" * 200_000


def test_a_write_behind_thousands_of_pending_invalidations_completes_whole(make_cache):
    reader, writer = make_cache(local_max_bytes=64 << 20), make_cache()
    keys = [f"page-{i}" for i in range(3000)]
    writer.set_many(dict.fromkeys(keys, "v1"), 60)
    assert len(reader.get_many(keys)) == 3000
    writer.set_many(dict.fromkeys(keys, "v2"), 60)  # 3,000 invalidations now wait on the reader's socket
    reader.set_many({"token:all": "new", "token:story": "new"}, None)
    assert writer.get_many(["token:all", "token:story"]) == {"token:all": "new", "token:story": "new"}
    assert set(reader.get_many(keys).values()) == {"v2"}


def test_a_value_is_not_served_past_its_timeout(spare_redis):
    url = spare_redis("--enable-debug-command", "yes")
    redis.Redis.from_url(url).execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "0")  # expired keys linger until read
    reader = TrackedRedisCache(url, {"OPTIONS": {"client_name": "reader"}})
    writer = TrackedRedisCache(url, {"OPTIONS": {"client_name": "writer"}})
    writer.set("lock", "held", 1)
    assert reader.get("lock") == "held"
    time.sleep(1.2)  # Redis has not deleted it, so no invalidation came: the held copy must expire by itself
    assert reader.get("lock") is None
    assert reader.add("lock", "mine", 5) is True


def test_threads_of_a_process_share_one_connection(redis_url):
    from django.core.cache import caches

    server = redis.Redis.from_url(redis_url)

    def tracking_clients() -> int:
        return sum(1 for client in server.client_list() if "t" in client["flags"])

    caches["pages"].set("page", "shared", 60)
    assert caches["pages"].get("page") == "shared"
    before, seen = tracking_clients(), []
    threads = [threading.Thread(target=lambda: seen.append(caches["pages"].get("page"))) for _ in range(8)]
    gc.disable()  # connections left by threads would otherwise close only when a collection finds them
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert seen == ["shared"] * 8
        assert tracking_clients() == before
    finally:
        gc.enable()
