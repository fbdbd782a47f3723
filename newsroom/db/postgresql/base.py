"""PostgreSQL, with the connection health check skipped while the connection is in steady use.

With persistent connections (``CONN_MAX_AGE``) and ``CONN_HEALTH_CHECKS``,
Django sends ``SELECT 1`` before every request's first query: a round trip per
request, as long as the page's own query on a warm connection (``make bench``,
``make bench-api``: bench/RESULTS.md). A connection some request used less than
``DATABASE_CHECK_AFTER_IDLE`` seconds ago is taken as sound, as PgBouncer does
with ``server_check_delay``; one idle for longer is checked as before. After a
database restart under steady load, a web process's first request on its old
connection can then fail once (Django closes the connection at the end of that
request, and the next one reconnects) instead of being checked first.
"""

import time

from django.conf import settings
from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    _used_at = float("-inf")

    def close_if_health_check_failed(self):
        if (
            self.connection is not None
            and not self.health_check_done
            and time.monotonic() - self._used_at < getattr(settings, "DATABASE_CHECK_AFTER_IDLE", 0)
        ):
            self.health_check_done = True  # in steady use: no round trip
            return
        super().close_if_health_check_failed()

    def _cursor(self, name=None):
        cursor = super()._cursor(name)  # the check above runs first, against the previous use
        self._used_at = time.monotonic()
        return cursor

    def close(self):
        super().close()
        self._used_at = float("-inf")
