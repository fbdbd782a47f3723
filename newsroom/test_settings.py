"""Settings for the test suite: the real settings, with test-only tweaks.

DATABASE_URL and REDIS_URL are honoured, so the same suite runs on the
embedded default and on PostgreSQL + Redis.
"""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("NEWSROOM_PLAIN_STATIC", "1")
# The suite's servers (the test client, the live server, the gunicorns it starts) speak plain HTTP.
os.environ.setdefault("HTTPS", "0")

from .settings import *  # noqa: E402,F403
from .settings import CACHES, REDIS_URL  # noqa: E402

ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tasks run in-process unless a test starts a real worker (tests/integration).
CELERY_TASK_ALWAYS_EAGER = True
if REDIS_URL:
    for _alias in CACHES.values():
        _alias["KEY_PREFIX"] = f"newsroom-test-{os.getpid()}"
WHITENOISE_AUTOREFRESH = True
# The public-change pipeline runs on commit, which never happens inside
# a test's transaction: the page cache would not be purged. Tests of the cache
# turn it on and run the on-commit callbacks (tests/newsroom/test_cache.py).
PUBLIC_PAGE_CACHE = False
# The tests' feed server (tests/feed_server.py) is on loopback; tests of the refusal turn this off.
FEED_ALLOW_PRIVATE_HOSTS = True
# Uploaded images go to a folder of this test run's own, removed when it ends (tests/conftest.py).
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="newsroom-test-media-"))
SERVE_MEDIA = True  # the live server shows uploaded images to the browser tests
# The tests' webhook receivers are on loopback, over plain HTTP; retries come quickly.
WEBHOOK_ALLOW_PRIVATE_HOSTS = True
WEBHOOK_ALLOW_HTTP = True
WEBHOOK_BACKOFF_BASE = 0.2
WEBHOOK_BACKOFF_MAX = 1.0
WEBHOOK_TIMEOUT = 3.0
