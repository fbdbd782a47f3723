"""The Celery application, configured from Django settings (CELERY_* names)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

app = Celery("newsroom")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Lanes: separate queues, so that a flood of one kind of work never waits in front of another. Publishing's
# side effects (purges, scheduled publication, the change log's reconcile) and anything unnamed stay on the
# default queue; feeds (fetching), event clustering, image renditions and webhook deliveries have a queue each,
# named after the default one (``celery.ingest`` …), for workers of their own (``make worker LANES=ingest``).
# Clustering has a lane of its own so that fetching never waits behind it: one worker ingests while another
# clusters what the first stored (docs/events.md, "Speed"); a worker of both lanes does both, as before.
LANES = ("publish", "ingest", "cluster", "images", "webhooks")
_LANE_OF = {"sources.": "ingest", "events.": "cluster", "images.": "images", "webhooks.": "webhooks"}


def lane_of(task_name: str) -> str:
    return next((lane for prefix, lane in _LANE_OF.items() if task_name.startswith(prefix)), "publish")


def lane_queue(lane: str, default: str | None = None) -> str:
    """The queue of ``lane``: the default queue for publishing, ``<default>.<lane>`` for the others."""
    default = default or app.conf.task_default_queue
    return default if lane == "publish" else f"{default}.{lane}"


def route_task(name, args, kwargs, options, task=None, **kw):
    """Celery's router (settings.CELERY_TASK_ROUTES): each task to its lane's queue."""
    return {"queue": lane_queue(lane_of(name))}


from . import tasklog  # noqa: E402,F401  (logs every task outcome with its ids)
