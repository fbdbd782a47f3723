"""Settings for ``make bench`` only: the real settings, plus the floor view's URLconf."""

import os

from newsroom.settings import *  # noqa: F403

ROOT_URLCONF = "bench.site_urls"
STATIC_ROOT = os.environ.get("STATIC_ROOT", STATIC_ROOT)  # noqa: F405
