"""Liveness and readiness probes for load balancers and orchestrators."""

import logging

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from newsroom.celery import app

logger = logging.getLogger(__name__)


@never_cache
def healthz(request):
    """The process is up and answering; touches nothing else."""
    return JsonResponse({"status": "ok"})


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache() -> None:
    for alias in settings.CACHES:  # the page cache has its own connection (newsroom/tracked_cache.py)
        caches[alias].set("readyz-probe", "1", 10)
        if caches[alias].get("readyz-probe") != "1":
            raise RuntimeError(f"cache {alias!r} did not return what was stored")


def _check_broker() -> None:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return  # tasks run in-process: no broker to reach
    with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


CHECKS = {"database": _check_database, "cache": _check_cache, "broker": _check_broker}


@never_cache
def readyz(request):
    """200 when the database, the cache and the broker answer; 503 naming what does not.

    The body names the failing parts only; what went wrong (host names, driver
    messages) goes to the log, not to whoever can reach the probe.
    """
    failing = []
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as exc:  # a probe reports every failure, whatever its type
            logger.warning("readiness check %s failed: %s", name, exc, extra={"check": name})
            failing.append(name)
    if failing:
        return JsonResponse({"status": "unavailable", "failing": failing}, status=503)
    return JsonResponse({"status": "ok", "checks": sorted(CHECKS)})
