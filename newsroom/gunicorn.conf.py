"""gunicorn settings for the real stack; every value can be overridden from the environment."""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "10000"))
max_requests_jitter = 500
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
# The application is imported once in the master and workers are forked from it:
# a worker replaced after max_requests is serving within milliseconds instead of
# importing Django again while requests queue (nothing connects at import time;
# database and Redis connections are opened by each worker on first use).
# Code changes then need a restart, not a HUP.
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") not in ("0", "false", "no")
