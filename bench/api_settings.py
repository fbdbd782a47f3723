"""Settings for ``make bench-api`` only: the real settings, plus the floor view's URLconf."""

from newsroom.settings import *  # noqa: F403

ROOT_URLCONF = "bench.api_urls"
