"""While Redis is unreachable the cache answers misses and the site keeps serving."""

import pytest
from django.core.cache import caches
from django.test import override_settings

from newsroom.redis_cache import ResilientRedisCache

DOWN = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def _broken_cache():
    return ResilientRedisCache(DOWN, {"OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}})


def test_an_unreachable_redis_reads_as_misses_and_writes_as_no_ops():
    cache = _broken_cache()
    assert cache.get("k") is None
    assert cache.get("k", "fallback") == "fallback"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.add("k", 1) is False
    cache.set("k", 1)
    cache.set_many({"a": 1})
    assert cache.delete("k") is False
    assert cache.has_key("k") is False


def test_a_reachable_redis_behaves_as_a_cache(redis_url):
    cache = ResilientRedisCache(redis_url, {"KEY_PREFIX": "resilient-test"})
    cache.set("k", {"v": 1}, 30)
    assert cache.get("k") == {"v": 1}
    assert cache.add("k", 2) is False
    cache.delete("k")


@pytest.mark.django_db
def test_pages_are_served_while_the_cache_is_down(client, demo):
    down = {
        "default": {
            "BACKEND": "newsroom.redis_cache.ResilientRedisCache",
            "LOCATION": DOWN,
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    with override_settings(CACHES=down):
        assert caches["default"]._servers == [DOWN]
        for url in ("/", demo.get_absolute_url(), "/api/v1/stories/", "/search/?q=Peru"):
            assert client.get(url).status_code == 200, url
