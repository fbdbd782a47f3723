"""Newsroom settings, read from the environment in this one place.

Without any environment the project runs on an embedded default: SQLite,
a local-memory cache and Celery tasks run eagerly in-process, so that one
command shows the product. ``DATABASE_URL`` (PostgreSQL via psycopg 3) and
``REDIS_URL`` (cache and Celery broker) switch on the real stack.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from corsheaders.defaults import default_headers as default_cors_headers
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from js_asset import static_lazy
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)

# A development key is used only while DEBUG is on; a production process
# without SECRET_KEY refuses to start rather than sign cookies with a known key.
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or env_bool("NEWSROOM_ALLOW_INSECURE_KEY"):
        SECRET_KEY = "insecure-development-key-do-not-use-in-production"
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY in the environment, or set DEBUG=1 for a local development run."
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if DEBUG:
    ALLOWED_HOSTS += ["testserver"]
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

SITE_NAME = os.environ.get("SITE_NAME", "Newsroom")
# Absolute origin used in feeds, sitemaps, canonical links and the API
# when there is no request to build it from (tasks, management commands).
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000").rstrip("/")
# The main topics in every page's header, as "slug:Label" pairs in order. A
# setting, not a database flag: every kept story page carries the header, and a
# deploy (which this is) re-renders them all (stories/rendering.py).
SITE_NAV_TOPICS = [
    (slug.strip(), label.strip() or slug.strip())
    for slug, _, label in (item.partition(":") for item in env_list("SITE_NAV_TOPICS", "peru:Peru,mexico:Mexico"))
]

INSTALLED_APPS = [
    "newsroom.apps.NewsroomAdminConfig",  # django.contrib.admin, with the editorial desk as its home
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "django_prose_editor",
    "axes",
    "newsroom.changes",
    "images",
    "topics",
    "sources",
    "events",
    "faq",
    "stories",
    "webhooks",
]

MIDDLEWARE = [
    "newsroom.logging.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "newsroom.api.lane.ApiLaneMiddleware",  # the anonymous JSON API skips what follows (newsroom/api/lane.py)
    "newsroom.cache.PageCacheMiddleware",  # anonymous public pages; a hit skips what follows
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "newsroom.context_processors.site",
                "django.template.context_processors.csp",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    # Persistent connections, checked before a request's first query (a round trip) when no request has used
    # them for DATABASE_CHECK_AFTER_IDLE seconds (newsroom/db/postgresql: in steady use the check would double
    # the round trips of a story page or an API detail); DATABASE_HEALTH_CHECKS=0: never checked.
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=60, conn_health_checks=env_bool("DATABASE_HEALTH_CHECKS", default=True)
        )
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"]["ENGINE"] = "newsroom.db.postgresql"
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"},
        }
    }
USING_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
DATABASE_CHECK_AFTER_IDLE = float(os.environ.get("DATABASE_CHECK_AFTER_IDLE", "5"))
if USING_POSTGRES and env_bool("DATABASE_PREPARED_STATEMENTS", default=True):
    # Parameters bound by the server, and a statement run 5 times on a connection is prepared (psycopg's
    # prepare_threshold): the API's hot queries are planned once per connection, not at every request.
    # Off behind a transaction-mode pooler that cannot keep prepared statements.
    DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
# Read replicas (docs/scale-out.md): streaming standbys of the primary, comma-separated, read by anonymous public
# reads only (pages on a cache miss, the API's lists and details) through newsroom/db/router.py. Aliases replica_0,
# replica_1 …; a test run mirrors them to default (their reads then go to the primary: a mirror is no standby).
DATABASE_REPLICAS: list[str] = []
for _index, _url in enumerate(env_list("DATABASE_REPLICA_URLS") if USING_POSTGRES else []):
    _alias = f"replica_{_index}"
    DATABASES[_alias] = dj_database_url.parse(
        _url, conn_max_age=60, conn_health_checks=env_bool("DATABASE_HEALTH_CHECKS", default=True)
    )
    DATABASES[_alias].update(ENGINE=DATABASES["default"]["ENGINE"], TEST={"MIRROR": "default"})
    # A replica that does not answer is skipped after this long, not waited for; its name shows in pg_stat_activity.
    DATABASES[_alias].setdefault("OPTIONS", {}).update(
        {**DATABASES["default"].get("OPTIONS", {}), "connect_timeout": 2, "application_name": f"newsroom-{_alias}"}
    )
    DATABASE_REPLICAS.append(_alias)
if DATABASE_REPLICAS:
    DATABASE_ROUTERS = ["newsroom.db.router.ReplicaRouter"]
# A replica further behind than this (seconds of replay) is skipped; its state is measured at most this often.
DATABASE_REPLICA_MAX_LAG = float(os.environ.get("DATABASE_REPLICA_MAX_LAG", "2"))
DATABASE_REPLICA_CHECK_SECONDS = float(os.environ.get("DATABASE_REPLICA_CHECK_SECONDS", "0.5"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery -----------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    _redis_cache = {
        "LOCATION": REDIS_URL,
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 2.0},
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "newsroom"),
    }
    CACHES = {
        # Django's, one client per pool, degrading to misses while Redis is
        # unreachable (newsroom/redis_cache.py).
        "default": {"BACKEND": "newsroom.redis_cache.ResilientRedisCache", **_redis_cache},
        # The page cache: the same, plus what each process has read kept in its
        # memory until Redis reports a change (newsroom/tracked_cache.py).
        "pages": {
            "BACKEND": "newsroom.tracked_cache.TrackedRedisCache",
            **_redis_cache,
            "OPTIONS": {**_redis_cache["OPTIONS"], "local_max_bytes": int(os.environ.get("PAGE_CACHE_LOCAL_MB", "32")) << 20},
        },
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
    }

# Anonymous public pages are kept in this cache and invalidated on every public
# change (newsroom/cache.py); NEWSROOM_PAGE_CACHE=0 turns that off (benchmarks).
PUBLIC_PAGE_CACHE = env_bool("NEWSROOM_PAGE_CACHE", default=True)

# The public-change pipeline (newsroom/changes/): what runs, in order, once a
# recorded change commits, and what the beat's reconcile runs again each minute.
PUBLIC_CHANGE_STEPS = [
    "stories.after_change.live_copies_refresh",
    "stories.after_change.page_cache_purge",
    "stories.after_change.edge_purge",  # after the page cache: what the edge fetches again is current
    "webhooks.after_change.webhooks_dispatch_soon",  # last: the kept API bodies are fresh by then
]
# The shared HTTP cache in front (Varnish with xkey, deploy/varnish/newsroom.vcl; newsroom/edge.py): the edges'
# purge addresses, comma-separated (http://127.0.0.1:6081/); empty: no edge, no surrogate keys, no s-maxage.
EDGE_PURGE_URLS = env_list("EDGE_PURGE_URLS")
# The response header naming a response's surrogate keys: xkey for Varnish; Surrogate-Key (Fastly), Cache-Tag
# (Cloudflare) for a CDN that purges by tag.
EDGE_KEY_HEADER = os.environ.get("EDGE_KEY_HEADER", "xkey")
# Between keys: a space (Varnish's xkey, Fastly); a comma for Cloudflare (xkey reads both).
EDGE_KEY_SEPARATOR = os.environ.get("EDGE_KEY_SEPARATOR", " ")
EDGE_MAX_AGE = int(os.environ.get("EDGE_MAX_AGE", str(24 * 3600)))  # s-maxage of keyed responses, seconds
EDGE_PURGE_TIMEOUT = float(os.environ.get("EDGE_PURGE_TIMEOUT", "2"))
# A failed purge is retried by a worker after BASE × 2^(attempt-1) seconds (at most MAX), up to MAX_ATTEMPTS times;
# and every purge is made again AGAIN seconds later (a page fetched across the commit; 0: never).
EDGE_PURGE_BACKOFF_BASE = float(os.environ.get("EDGE_PURGE_BACKOFF_BASE", "1"))
EDGE_PURGE_BACKOFF_MAX = float(os.environ.get("EDGE_PURGE_BACKOFF_MAX", "300"))
EDGE_PURGE_MAX_ATTEMPTS = int(os.environ.get("EDGE_PURGE_MAX_ATTEMPTS", "12"))
EDGE_PURGE_AGAIN_SECONDS = float(os.environ.get("EDGE_PURGE_AGAIN_SECONDS", "5"))
# Workflow emails (stories/notify.py): printed to the console in debug (`make run`); otherwise SMTP, to
# EMAIL_HOST (or the host's own mail server on localhost:25). A failed send is logged, never an error.
_EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
MAILERS = {
    "default": (
        {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
        if DEBUG and not _EMAIL_HOST
        else {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _EMAIL_HOST or "localhost",
                "port": int(os.environ.get("EMAIL_PORT", "587" if _EMAIL_HOST else "25")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", default=bool(_EMAIL_HOST)),
                "timeout": 10,
            },
        }
    )
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Newsroom <newsroom@localhost>")
# The admin home's panels (newsroom/admin_site.py): callables taking the request, returning panels.
ADMIN_DESK_PANELS = ["stories.admin.desk.desk_panels", "events.admin.desk_panels", "webhooks.admin.desk_panels"]
# How import_content checks the files a row names (newsroom/portability.py), by model label.
CONTENT_FILE_CHECKS = {"images.image": "images.ingest.stored_file_check", "images.rendition": "images.ingest.stored_file_check"}
# Run again each minute (beat) on the recent changes: a purge lost at commit (the cache or the broker down, the
# process gone between commit and its steps) is made good within about a minute.
PUBLIC_CHANGE_RECONCILE_STEPS = ["stories.after_change.page_cache_purge", "stories.after_change.edge_purge"]

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
# Workers log through Django's LOGGING (request ids, LOG_FORMAT=json), not Celery's own handlers.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = int(os.environ.get("CELERY_TASK_TIME_LIMIT", "120"))
CELERY_TASK_SOFT_TIME_LIMIT = int(os.environ.get("CELERY_TASK_SOFT_TIME_LIMIT", "90"))
# A task whose worker died (acks_late) goes back to the queue after this many
# seconds; it must exceed the longest task.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", str(CELERY_TASK_TIME_LIMIT * 3))),
    # How often a worker looks for such tasks: every interval × throttle seconds.
    "unacked_restore_interval": int(os.environ.get("CELERY_RESTORE_INTERVAL", "10")),
    "unacked_restore_throttle": int(os.environ.get("CELERY_RESTORE_THROTTLE", "10")),
}
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    "publish-scheduled-stories": {
        "task": "stories.tasks.publish_scheduled_stories",
        "schedule": timedelta(minutes=1),
    },
    # A purge lost while the cache was unreachable is made good within a minute (newsroom/changes/reconcile.py).
    "reconcile-page-cache": {
        "task": "changes.tasks.reconcile",
        "schedule": timedelta(minutes=1),
    },
    # Webhook deliveries of changes not handed out yet, and retries whose task was lost (webhooks/dispatch.py).
    "dispatch-webhooks": {
        "task": "webhooks.tasks.dispatch",
        "schedule": timedelta(seconds=float(os.environ.get("WEBHOOK_SWEEP_SECONDS", "30"))),
    },
    # The delivery log's finished entries past WEBHOOK_LOG_DAYS are deleted (webhooks/services.py).
    "prune-webhook-log": {
        "task": "webhooks.tasks.prune",
        "schedule": timedelta(hours=1),
    },
    "enqueue-due-feeds": {
        "task": "sources.tasks.feeds_enqueue_due",
        "schedule": timedelta(seconds=int(os.environ.get("FEED_POLL_SECONDS", "60"))),
    },
    # Articles whose clustering task was lost (a broker outage after the store) join their events (events/tasks.py).
    "cluster-pending-articles": {
        "task": "events.tasks.articles_cluster_pending",
        "schedule": timedelta(minutes=5),
    },
}
# A distinct queue lets test runs share a Redis with other processes.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "celery")
# One queue per lane (newsroom/celery.py: publishing on the default queue; ingest, cluster, images, webhooks beside it).
# A worker started without -Q consumes them all; `make worker LANES=ingest` (or celery's -Q) only some.
CELERY_TASK_ROUTES = ("newsroom.celery.route_task",)
CELERY_TASK_QUEUES = [
    Queue(CELERY_TASK_DEFAULT_QUEUE if lane == "publish" else f"{CELERY_TASK_DEFAULT_QUEUE}.{lane}")
    for lane in ("publish", "ingest", "cluster", "images", "webhooks")
]

# --- Feed ingestion (sources/ingest) --------------------------------------
FEED_CONNECT_TIMEOUT = float(os.environ.get("FEED_CONNECT_TIMEOUT", "5"))
FEED_READ_TIMEOUT = float(os.environ.get("FEED_READ_TIMEOUT", "15"))
FEED_FETCH_DEADLINE = float(os.environ.get("FEED_FETCH_DEADLINE", "60"))  # whole body, seconds
FEED_MAX_BYTES = int(os.environ.get("FEED_MAX_BYTES", str(10 * 1024 * 1024)))
FEED_MAX_REDIRECTS = 5
# Off: feeds (and their redirects) whose host resolves to a loopback, private or link-local
# address are refused (no SSRF). On only where the feed server is local (tests, benchmarks).
FEED_ALLOW_PRIVATE_HOSTS = env_bool("FEED_ALLOW_PRIVATE_HOSTS", default=False)
# Host names allowed to resolve to private addresses anyway (an intranet wire service), comma-separated.
FEED_PRIVATE_HOSTS_ALLOWED = [
    host.strip().lower() for host in os.environ.get("FEED_PRIVATE_HOSTS_ALLOWED", "").split(",") if host.strip()
]
FEED_USER_AGENT = f"Newsroom-FeedFetcher/1.0 (+{SITE_URL}; feed polling for editors)"
FEED_BACKOFF_MAX = timedelta(hours=int(os.environ.get("FEED_BACKOFF_MAX_HOURS", "24")))
FEED_CLAIM_LEASE = timedelta(minutes=10)  # a claimed feed is not enqueued again meanwhile
FEED_LOCK_SECONDS = int(os.environ.get("FEED_LOCK_SECONDS", str(CELERY_TASK_TIME_LIMIT + 30)))  # outlives the hard limit
# What runs on the ids of newly stored articles once their transaction commits (dotted paths; a Celery task is
# queued with .delay, run in-process when tasks are eager): the layers above sources name their steps here.
INGEST_AFTER_STORE = env_list("INGEST_AFTER_STORE", "events.tasks.articles_cluster")

# --- Events (events/clustering.py, docs/events.md) ---------------------------
# An article joins only events with an article published within this many hours of its own.
EVENT_WINDOW_HOURS = float(os.environ.get("EVENT_WINDOW_HOURS", "72"))
# Cosine similarity to an event's centroid needed to join it; a near-duplicate (a shared shingle band) needs less;
# an article this similar to two events bridges them, and they merge when their centroids are this similar too.
EVENT_JOIN_SIMILARITY = float(os.environ.get("EVENT_JOIN_SIMILARITY", "0.25"))
EVENT_DUPLICATE_SIMILARITY = float(os.environ.get("EVENT_DUPLICATE_SIMILARITY", "0.2"))
EVENT_MERGE_SIMILARITY = float(os.environ.get("EVENT_MERGE_SIMILARITY", "0.5"))
# An event whose latest article is older than 3 hours asks this much more similarity per day of quiet
# (a daily market report is not yesterday's event).
EVENT_GAP_PENALTY = float(os.environ.get("EVENT_GAP_PENALTY", "0.4"))

# --- Webhooks (webhooks/) -------------------------------------------------
# Each public change is POSTed, signed, to the endpoints editors register; a failed attempt is retried after
# WEBHOOK_BACKOFF_BASE × 2^(attempt-1) seconds (at most WEBHOOK_BACKOFF_MAX), up to WEBHOOK_MAX_ATTEMPTS times.
WEBHOOK_CONNECT_TIMEOUT = float(os.environ.get("WEBHOOK_CONNECT_TIMEOUT", "5"))
WEBHOOK_TIMEOUT = float(os.environ.get("WEBHOOK_TIMEOUT", "10"))
WEBHOOK_BACKOFF_BASE = float(os.environ.get("WEBHOOK_BACKOFF_BASE", "30"))
WEBHOOK_BACKOFF_MAX = float(os.environ.get("WEBHOOK_BACKOFF_MAX", "3600"))
WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("WEBHOOK_MAX_ATTEMPTS", "30"))
# An endpoint is disabled (its deliveries kept, paused) once this many attempts in a row have failed
# over at least this long; an editor re-enables it in the admin.
WEBHOOK_DISABLE_AFTER_FAILURES = int(os.environ.get("WEBHOOK_DISABLE_AFTER_FAILURES", "20"))
WEBHOOK_DISABLE_AFTER = timedelta(seconds=float(os.environ.get("WEBHOOK_DISABLE_AFTER_SECONDS", str(12 * 3600))))
# After a rotation the previous secret signs too (a second v1=) for this long, so receivers can switch over.
WEBHOOK_SECRET_OVERLAP = timedelta(hours=int(os.environ.get("WEBHOOK_SECRET_OVERLAP_HOURS", "24")))
# As for feeds: endpoints on loopback, private or link-local addresses are refused, unless allowed here.
WEBHOOK_ALLOW_PRIVATE_HOSTS = env_bool("WEBHOOK_ALLOW_PRIVATE_HOSTS", default=False)
WEBHOOK_PRIVATE_HOSTS_ALLOWED = [h.lower() for h in env_list("WEBHOOK_PRIVATE_HOSTS_ALLOWED")]
# Endpoints must be https:// unless this is on (debug, tests): the body is public, its signature is not.
WEBHOOK_ALLOW_HTTP = env_bool("WEBHOOK_ALLOW_HTTP", default=DEBUG)
WEBHOOK_USER_AGENT = f"Newsroom-Webhooks/1.0 (+{SITE_URL})"
# A claimed attempt is not started again meanwhile (a worker that died mid-attempt frees it after this).
WEBHOOK_CLAIM_LEASE = timedelta(seconds=CELERY_TASK_TIME_LIMIT + 30)
# The delivery log keeps finished deliveries (delivered, or given up) this many days; pending ones stay until done.
WEBHOOK_LOG_DAYS = int(os.environ.get("WEBHOOK_LOG_DAYS", "30"))

# --- Auth, i18n, static ---------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
FORMAT_MODULE_PATH = ["newsroom.formats"]  # one way to write dates and times, site and admin alike
# The newsroom's time zone: every time the admin and the public site show, and the one scheduling is typed in.
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "newsroom" / "static"]
# Uploaded images and their renditions (images/): files under MEDIA_ROOT, served at MEDIA_URL
# (by `make run` in debug; in production by the web server, object storage or a CDN in front).
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
# Django itself serves MEDIA_ROOT at MEDIA_URL (`make run`, the tests' live server); never behind a real web server.
SERVE_MEDIA = env_bool("SERVE_MEDIA", default=DEBUG)
IMAGE_MAX_BYTES = int(os.environ.get("IMAGE_MAX_BYTES", str(30 * 1024 * 1024)))  # an upload's size cap
IMAGE_MAX_PIXELS = int(os.environ.get("IMAGE_MAX_PIXELS", "60000000"))  # larger pictures are refused (bombs)
# Media on S3-compatible object storage (AWS S3, MinIO, R2 …) when MEDIA_S3_BUCKET is set, so web and
# worker hosts on several machines share the files; credentials come the usual boto3 way (AWS_ACCESS_KEY_ID,
# AWS_SECRET_ACCESS_KEY, or the host's role). MEDIA_S3_DOMAIN is the CDN (or public bucket) host pages name.
MEDIA_S3_BUCKET = os.environ.get("MEDIA_S3_BUCKET", "")
MEDIA_S3_OPTIONS = {
    "bucket_name": MEDIA_S3_BUCKET,
    "endpoint_url": os.environ.get("MEDIA_S3_ENDPOINT_URL") or None,
    "region_name": os.environ.get("MEDIA_S3_REGION") or None,
    "custom_domain": os.environ.get("MEDIA_S3_DOMAIN") or None,
    "url_protocol": os.environ.get("MEDIA_S3_URL_PROTOCOL", "https:"),
    "querystring_auth": False,  # public pictures: plain, cacheable addresses
    "file_overwrite": False,  # names are content hashes: never replace a file
    "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
}


def _media_origins() -> list[str]:
    """Where pictures are served from when not from this site: the CDN domain, or the object store."""
    if not MEDIA_S3_BUCKET:
        return []
    if MEDIA_S3_OPTIONS["custom_domain"]:
        return [f"{MEDIA_S3_OPTIONS['url_protocol']}//{MEDIA_S3_OPTIONS['custom_domain']}"]
    if MEDIA_S3_OPTIONS["endpoint_url"]:
        return [MEDIA_S3_OPTIONS["endpoint_url"].rstrip("/")]
    return ["https://*.amazonaws.com"]


MEDIA_ORIGINS = _media_origins()
STORAGES = {
    "default": (
        {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": MEDIA_S3_OPTIONS}
        if MEDIA_S3_BUCKET
        else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    ),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("NEWSROOM_PLAIN_STATIC")
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- API ------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Newsroom API",
    "DESCRIPTION": "Read-only API of published stories, topics, questions and outlets.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "TopicKindEnum": "topics.models.Topic.Kind",
        "ChangeKindEnum": "newsroom.changes.models.ChangeEvent.Kind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "newsroom.api.schema_contract_hook",
    ],
}
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS")
CORS_URLS_REGEX = r"^/api/.*$"
# Web clients may read the validators and the throttle's wait.
CORS_EXPOSE_HEADERS = ["ETag", "Last-Modified", "Retry-After"]
# Web clients may send the conditional headers (a preflight must allow them, or a 304 is never possible).
CORS_ALLOW_HEADERS = (*default_cors_headers, "if-none-match", "if-modified-since")
# Requests per address for anonymous API clients ("120/min", "10/s" …); empty switches it off.
API_THROTTLE_ANON = os.environ.get("API_THROTTLE_ANON", "120/min")
# How many proxies of ours stand in front of the web processes (a load balancer: 1). The throttle counts the
# address the outermost one saw; 0 counts the connection's own address and ignores X-Forwarded-For.
API_TRUSTED_PROXIES = int(os.environ.get("API_TRUSTED_PROXIES", "0"))
# How long shared caches and clients may reuse an anonymous API response (seconds).
API_CACHE_MAX_AGE = int(os.environ.get("API_CACHE_MAX_AGE", "60"))
# Anonymous API bodies are kept in the cache under their ETag this long (seconds); 0 switches it off.
API_RESPONSE_CACHE_SECONDS = int(os.environ.get("API_RESPONSE_CACHE_SECONDS", "300"))

# The rich-text editor's own extension: inline figures from the image library (newsroom/richtext.py).
DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {
        "js": [static_lazy("newsroom/editor/library-figure.js")],
        "extensions": {"LibraryFigure": "newsroom.richtext.library_figure_allowlist"},
    }
]

# --- Security -------------------------------------------------------------
# Content-Security-Policy (Django's own middleware): only our own origin; the
# public site needs no script at all, the admin's scripts are served by us.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", *MEDIA_ORIGINS],
    "font-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# Admin logins are throttled by django-axes: after AXES_FAILURE_LIMIT failures
# for one username from one address, that pair is locked out for a cool-off time.
AUTHENTICATION_BACKENDS = [
    "newsroom.auth.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SESSION_COOKIE_HTTPONLY = True
# Secure by default: with DEBUG off the site is taken to be served over TLS (secure cookies, HSTS, a redirect
# to https) unless HTTPS=0 says it is not; `check --deploy` is then clean with SECRET_KEY and ALLOWED_HOSTS alone.
HTTPS = env_bool("HTTPS", default=not DEBUG)
if HTTPS:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]  # load balancers' probes come over plain HTTP
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "newsroom.logging.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "newsroom.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": os.environ.get("LOG_FORMAT", "plain"),
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
