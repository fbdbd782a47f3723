"""Structured (JSON-lines) logs carrying the id of the request being served."""

import contextvars
import json
import logging
import re
import uuid

from django.core.signals import request_finished

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    """Take X-Request-ID from the proxy when it is sane, else make one; echo it back."""

    def __init__(self, get_response):
        self.get_response = get_response
        # The handler logs 4xx/5xx after the middleware chain returns, so the id
        # is cleared only when the response is finished.
        request_finished.connect(_clear_request_id, dispatch_uid="newsroom-request-id")

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        request_id_var.set(request.id)
        response = self.get_response(request)
        response["X-Request-ID"] = request.id
        return response


def _clear_request_id(**kwargs):
    request_id_var.set("-")


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, extras."""

    RESERVED = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime", "request_id"}

    def format(self, record):
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        entry.update({k: v for k, v in record.__dict__.items() if k not in self.RESERVED and not k.startswith("_")})
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)
