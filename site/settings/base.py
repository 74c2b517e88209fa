"""Settings shared by every environment; every knob is read from the environment."""

import os
from pathlib import Path

import dj_database_url
from redis.backoff import NoBackoff
from redis.retry import Retry

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent


def _load_dotenv(path):
    """Read KEY=VALUE lines from .env into the environment without overriding real variables."""
    if not path.is_file():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, value = line.split("=", 1)
            os.environ.setdefault(key.strip(), value.strip().strip("'\""))


_load_dotenv(BASE_DIR / ".env")


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# The development key is public on purpose; production.py refuses to start with it.
DEFAULT_SECRET_KEY = "jingjian-insecure-development-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "jingjian.core",
    "jingjian.search",
    "jingjian.importing",
    "jingjian.home",
    "jingjian.syndication",
    "exemplars",
    "casestudies",
    "demo",
    "wagtail.api.v2",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "rest_framework",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Wagtail's admin says "3 hours ago" with humanize's naturaltime; installed, its Chinese
    # catalogue is read too.
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Caching (see "Caching" below): compress text responses, then answer conditional GETs
    # (ETag, Last-Modified -> 304) on the uncompressed body.
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Caching: whole pages per address and reader scope, after the user and messages are known.
    "jingjian.core.page_cache.PageCacheMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "jingjian.core.admin_access.AdminGuardMiddleware",
    "casestudies.middleware.AnonymizationGateMiddleware",
]

ROOT_URLCONF = "jingjian.urls"
WSGI_APPLICATION = "jingjian.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jingjian.core.context_processors.site_chrome",
            ],
        },
    },
]

# SQLite by default; DATABASE_URL (e.g. postgres://user:pass@127.0.0.1:5432/jingjian) overrides.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the background worker write at the same time: write-ahead logging lets
    # readers go on during a write, IMMEDIATE transactions take the write lock up front (no
    # "database is locked" when a reader turns writer), and NORMAL sync is safe with WAL.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# The project's own Chinese for the libraries' admin text (site/locale: what Wagtail's zh_Hans
# catalogue lacks or says with half-width punctuation), read before every app's catalogue.
LOCALE_PATHS = [PROJECT_DIR / "locale"]

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATIC_URL = "/static/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"
# Media files are served by jingjian.core.media, which asks the visibility module. When set (the
# production default is /internal-media/), the file itself is sent by the web server: the view
# answers with X-Accel-Redirect to this internal nginx location (see the README).
MEDIA_ACCEL_REDIRECT_PREFIX = os.environ.get("MEDIA_ACCEL_REDIRECT_PREFIX", "").strip()
# Case-file documents (案卷材料): outside MEDIA_ROOT, never served by URL; only the case-file
# admin (纪检监察) streams them.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private-media"))

# Background work (django-tasks, the queue Wagtail uses). Development runs tasks at once, in the
# request; production stores them in the database for `manage.py db_worker` (see README).
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"
        )
    }
}
# Syndication: where broadcast scripts and newspaper manuscripts are dropped for the stations
# and the paper to collect (a shared drive), unless a channel names its own folder.
SYNDICATION_OUTBOX = Path(os.environ.get("SYNDICATION_OUTBOX", BASE_DIR / "outbox"))
# Full links (API, feeds, sitemap, what channels receive) are on the default Wagtail Site's
# address (load_demo_content --site sets it); PUBLIC_BASE_URL, when set, replaces it where the
# public address differs (jingjian.core.public_address).
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "").strip()

# Uploads are stored under random names (jingjian.core.storage): a file's address must not be
# computable from its title or a person's name.
STORAGES = {
    "default": {"BACKEND": "jingjian.core.storage.TokenNamedStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

if MEDIA_ACCEL_REDIRECT_PREFIX:
    SENDFILE_BACKEND = "jingjian.core.media"  # Wagtail's document view hands files to nginx too

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"

# Wagtail
WAGTAIL_SITE_NAME = "镜鉴"
WAGTAIL_I18N_ENABLED = False
# The admin's own address, for links in the admin's e-mails (not the public site's links).
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAIL_FRONTEND_LOGIN_URL = LOGIN_URL
WAGTAILADMIN_PERMITTED_LANGUAGES = [("zh-hans", "简体中文")]
# One time zone, the district's: the account page then offers no list of English zone names.
WAGTAIL_USER_TIME_ZONES = [TIME_ZONE]
# The admin's login form labels its password field in Chinese (Wagtail's has no label at all).
WAGTAILADMIN_USER_LOGIN_FORM = "jingjian.core.admin_forms.LoginForm"
# Nothing in the admin reaches outside the machine (the intranet has no internet, and an outside
# service would learn who works here): no check for new Wagtail releases on every dashboard load,
# no Gravatar pictures (avatars are the uploaded picture or Wagtail's own default), no banner
# pointing at Wagtail's online guide.
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
# The database index is rebuilt in place, batch by batch (ATOMIC_REBUILD off): every page keeps
# its old entry until its new one is written, so readers always find it, and publishing is not
# held up for the whole rebuild by one long transaction; the batches are written from a second
# connection while the next is prepared (search_backends.bulk_indexing).
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "jingjian.search.backends", "ATOMIC_REBUILD": False}
}
# On PostgreSQL, update_index fills a new index table and then builds its full-text indexes
# (jingjian.search.rebuild) with this much memory: PostgreSQL's maintenance_work_mem, for
# those statements only (at 100,000 pages 512MB and 2GB built as fast).
SEARCH_INDEX_BUILD_MEMORY = os.environ.get("SEARCH_INDEX_BUILD_MEMORY", "512MB")
# Documents are always linked through /documents/<id>/<name> (Wagtail's view, guarded by
# jingjian.core.media), never by their /media/ address.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAIL_WORKFLOW_ENABLED = True
# No WAGTAILAPI_BASE_URL: the API's links come from jingjian.core.public_address too.
WAGTAILAPI_LIMIT_MAX = 100
WAGTAILEMBEDS_RESPONSIVE_HTML = True

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        # Task start/finish lines and Wagtail's page log lines are noise on the console.
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        "elastic_transport": {"level": "WARNING"},
    },
}

# Elasticsearch 8: set ELASTICSEARCH_URL (e.g. http://127.0.0.1:9200) to use it for Wagtail's
# search (admin, API) and for the reader-facing faceted search; otherwise the database does both.
ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "").strip()
ELASTICSEARCH_INDEX_PREFIX = os.environ.get("ELASTICSEARCH_INDEX_PREFIX", "jingjian")
# Make every write visible to searches at once (tests; slow for bulk work).
ELASTICSEARCH_REFRESH_ON_WRITE = env_bool("ELASTICSEARCH_REFRESH_ON_WRITE", False)


def elasticsearch_search_backends(url, index_prefix):
    """Wagtail's search settings for Elasticsearch at ``url`` (also used by tests and bench/)."""
    return {
        "default": {
            "BACKEND": "jingjian.search.backends.elasticsearch",  # search_engine
            "URLS": [url],
            "INDEX_PREFIX": f"{index_prefix}_wagtail_",
            "TIMEOUT": 30,
            "ATOMIC_REBUILD": True,
        }
    }


if ELASTICSEARCH_URL:
    WAGTAILSEARCH_BACKENDS = elasticsearch_search_backends(
        ELASTICSEARCH_URL, ELASTICSEARCH_INDEX_PREFIX
    )

# Nothing is published until the last review step approves it (jingjian.core.review): the
# workflow's last approval publishes the revision it approved, and a page edited while in review
# goes through every step again.
WAGTAIL_FINISH_WORKFLOW_ACTION = "jingjian.core.review.publish_approved"
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True


# --- Caching (jingjian.core.page_cache; README "Caching") ---------------------------------------
# REDIS_URL (e.g. redis://127.0.0.1:6379/0) puts both caches in Redis; otherwise they are files
# under CACHE_DIR, shared by every process on this machine (runserver, gunicorn's workers, the
# task worker), so the embedded default needs no server. "pages" holds whole pages and their
# generation; "default" is for everything else.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
CACHE_DIR = Path(os.environ.get("CACHE_DIR", BASE_DIR / "cache"))


def redis_caches(url):
    """Both caches in the Redis at ``url`` (also used by tests). A stopped or unreachable Redis
    answers within a quarter of a second, without retries: pages are then served uncached
    (page_cache skips the cache for PAGE_CACHE_RETRY_SECONDS)."""
    options = {
        "socket_connect_timeout": 0.25,
        "socket_timeout": 0.25,
        "retry": Retry(NoBackoff(), 0),
    }
    backends = {
        # Wagtail and Django read "default" on every request: a stopped Redis reads as empty.
        "default": "jingjian.core.cache_backends.TolerantRedisCache",
        # The page cache handles a stopped Redis itself (it must know, to purge again later).
        "pages": "django.core.cache.backends.redis.RedisCache",
    }
    return {
        alias: {
            "BACKEND": backend,
            "LOCATION": url,
            "KEY_PREFIX": f"jingjian:{alias}",
            "OPTIONS": options,
        }
        for alias, backend in backends.items()
    }


if REDIS_URL:
    CACHES = redis_caches(REDIS_URL)
else:
    CACHES = {
        alias: {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(CACHE_DIR / alias),
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
        for alias in ("default", "pages")
    }
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE_ENABLED", True)
PAGE_CACHE_ALIAS = "pages"
# How long a stored page lives at most (every content change purges it sooner).
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))
# Cache-Control max-age of pages served to anonymous readers (shared caches: s-maxage=0).
PAGE_CACHE_MAX_AGE = int(os.environ.get("PAGE_CACHE_MAX_AGE", "60"))
PAGE_CACHE_RETRY_SECONDS = float(os.environ.get("PAGE_CACHE_RETRY_SECONDS", "5"))
PAGE_CACHE_MAX_BYTES = 2 * 1024 * 1024
# Never looked up or stored, whoever asks (the rest is decided by what the view allows).
PAGE_CACHE_EXCLUDED_PATHS = ("/admin/", "/accounts/", "/documents/", "/media/", "/api/", "/static/")
