"""Probes: /healthz says the process is up; /readyz names the part that is down."""

import json
import logging

import pytest
from django.core.cache import caches
from django.test import override_settings

pytestmark = pytest.mark.django_db

UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def test_healthz_answers_without_touching_services(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_ok_when_every_part_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "ok"


def test_readyz_is_ok_against_the_real_broker(client, redis_url):
    with override_settings(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL=redis_url):
        response = client.get("/readyz")
    assert response.status_code == 200, response.content


def test_readyz_names_an_unreachable_broker(client):
    with override_settings(CELERY_TASK_ALWAYS_EAGER=False, CELERY_BROKER_URL=UNREACHABLE_REDIS):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["broker"]
    assert "127.0.0.1" not in response.content.decode()  # details go to the log only


def test_readyz_names_an_unreachable_cache(client):
    broken = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": UNREACHABLE_REDIS}}
    with override_settings(CACHES=broken):
        caches._settings = None
        try:
            del caches._connections.default
        except AttributeError:
            pass
        response = client.get("/readyz")
    try:
        del caches._connections.default
    except AttributeError:
        pass
    assert response.status_code == 503
    assert "cache" in response.json()["failing"]


def test_readyz_names_an_unreachable_page_cache(client, settings):
    pages = {
        "BACKEND": "newsroom.tracked_cache.TrackedRedisCache",
        "LOCATION": UNREACHABLE_REDIS,
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
    with override_settings(CACHES={**settings.CACHES, "pages": pages}):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["cache"]


def test_every_response_carries_a_request_id_and_logs_carry_it(client, caplog):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="abc-123")
    assert response["X-Request-ID"] == "abc-123"
    generated = client.get("/healthz", HTTP_X_REQUEST_ID="bad id\n")["X-Request-ID"]
    assert generated != "bad id\n" and len(generated) == 32
    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get("/story/missing/", HTTP_X_REQUEST_ID="trace-42")
    assert any(getattr(r, "request_id", None) == "trace-42" for r in caplog.records)


def test_json_log_lines_are_parseable():
    from newsroom.logging import JsonFormatter

    record = logging.LogRecord("newsroom", logging.INFO, __file__, 1, "fetched %s", ("feed",), None)
    record.request_id = "r1"
    record.feed_id = 7
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "fetched feed" and entry["request_id"] == "r1" and entry["feed_id"] == 7
