"""The PostgreSQL backend checks a persistent connection before a request's first query only when it has been
idle (newsroom/db/postgresql): a dead idle connection is replaced before the request uses it."""

import psycopg
import pytest
from django.db import connection

pytestmark = [pytest.mark.django_db(transaction=True)]


def _kill_our_backend() -> None:
    pid = connection.connection.info.backend_pid
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    with psycopg.connect(**{k: v for k, v in params.items() if k in ("dbname", "user", "password", "host", "port")}) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


def _new_request() -> None:
    # What Django does at the start of a request, then the request's first query.
    connection.close_if_unusable_or_obsolete()


def _first_query() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 41 + 1")
        return cursor.fetchone()[0]


def test_a_dead_idle_connection_is_found_and_replaced_before_the_request_uses_it(postgres, settings):
    settings.DATABASE_CHECK_AFTER_IDLE = 0  # every connection counts as idle
    assert connection.health_check_enabled
    _first_query()
    _kill_our_backend()
    _new_request()
    assert _first_query() == 42  # checked, found dead, reconnected: the request never sees it


def test_a_connection_in_steady_use_is_not_checked(postgres, settings):
    settings.DATABASE_CHECK_AFTER_IDLE = 60
    _first_query()
    before = connection.connection
    _kill_our_backend()  # the risk taken: a restart while in steady use is found by the query itself
    _new_request()
    with pytest.raises(Exception):  # noqa: B017  (psycopg's or Django's OperationalError)
        _first_query()
    assert connection.connection is before  # no check was made
    connection.close()
    assert _first_query() == 42  # and the next request reconnects
