"""One log line per Celery task outcome, with the ids the task worked on.

Tasks take ids (a feed's, a story's) and return small summaries, so the
arguments and the result say what was touched: ``feed_id`` for a fetch,
``story_ids`` for scheduled publishing. With LOG_FORMAT=json each outcome is
a JSON object that log tooling can filter by task, feed or story.
"""

import logging

from celery.signals import task_failure, task_retry, task_success

logger = logging.getLogger("newsroom.tasks")


def _ids(args, kwargs, result=None) -> dict:
    fields = {}
    args, kwargs = list(args or ()), dict(kwargs or {})
    if "feed_id" in kwargs or (args and isinstance(args[0], int)):
        fields["feed_id"] = kwargs.get("feed_id", args[0] if args else None)
    if isinstance(result, dict):
        fields.update({k: v for k, v in result.items() if isinstance(v, str | int | float | bool)})
    elif isinstance(result, list) and all(isinstance(v, int) for v in result):
        fields["story_ids"] = result
    return fields


@task_success.connect
def _succeeded(sender=None, result=None, **extra):
    request = sender.request
    logger.info(
        "task %s succeeded",
        sender.name,
        extra={"task": sender.name, "task_id": request.id, **_ids(request.args, request.kwargs, result)},
    )


@task_failure.connect
def _failed(sender=None, task_id=None, exception=None, args=None, kwargs=None, **extra):
    logger.error(
        "task %s failed: %r", sender.name, exception, extra={"task": sender.name, "task_id": task_id, **_ids(args, kwargs)}
    )


@task_retry.connect
def _retried(sender=None, request=None, reason=None, **extra):
    logger.warning(
        "task %s retrying: %s",
        sender.name,
        reason,
        extra={"task": sender.name, "task_id": request.id, **_ids(request.args, request.kwargs)},
    )
