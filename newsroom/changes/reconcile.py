"""Running the purge steps again for recent changes, in case one was lost (beat, each minute).

A purge is lost when the cache is unreachable just as a change commits
(``newsroom/redis_cache.py`` turns that into a no-op so that publishing still
works); without this, pages cached before it would match their old tokens
until they expire, up to an hour later. The time of the last run that reached
the cache is kept in the cache: while it is unreachable it does not move, so
the run after it recovers covers the whole outage.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import caches
from django.utils import timezone

from newsroom.cache import CACHE_ALIAS

from .models import ChangeEvent
from .pipeline import Change, changes_apply

logger = logging.getLogger(__name__)

RECONCILED_KEY = "pagecache:reconciled-at"
# Entries are written before their transaction commits: one that commits this
# long after writing its entries is still caught by the next run.
RECONCILE_OVERLAP = timedelta(minutes=1)
RECONCILE_FIRST_WINDOW = timedelta(minutes=10)


def changes_reconcile() -> int:
    """Run ``settings.PUBLIC_CHANGE_RECONCILE_STEPS`` on every change since the last run; the changes seen."""
    pages = caches[CACHE_ALIAS]
    started = timezone.now()
    last = pages.get(RECONCILED_KEY)
    since = (last if isinstance(last, datetime) else started - RECONCILE_FIRST_WINDOW) - RECONCILE_OVERLAP
    rows = ChangeEvent.objects.filter(created_at__gte=since).values_list("kind", "object_id", "slug", "action")
    changes = [Change(kind=kind, id=pk, slug=slug, action=action) for kind, pk, slug, action in rows]
    done = not changes or changes_apply(changes, steps=settings.PUBLIC_CHANGE_RECONCILE_STEPS)
    # set_many returns the keys it failed to store.
    if not done or pages.set_many({RECONCILED_KEY: started}, timeout=None):
        logger.warning("reconcile could not reach the cache; the next run covers these %d changes", len(changes))
    return len(changes)
