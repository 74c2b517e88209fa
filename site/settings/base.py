"""Settings shared by every environment; every knob is read from the environment."""

import os
from datetime import timedelta
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
    "study",
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

# --- Faults: the database restarted ---
# A connection kept between requests (CONN_MAX_AGE seconds; production keeps them for 60) is
# checked before a request reuses it: one that a database restart killed is replaced and the
# request goes on, instead of every worker failing its next request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env_bool("CONN_HEALTH_CHECKS", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# AUTH_PASSWORD_VALIDATORS: in the security block at the end.

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
# --- Syndication: where channels may send and write, and the key their secrets are sealed with.
# The one folder broadcast scripts and newspaper manuscripts are written under (a shared drive
# the stations and the paper collect from); a channel's own folder is a path inside it, and its
# default folder is <root>/<slug>. SYNDICATION_OUTBOX is the setting's older name, still read.
SYNDICATION_OUTBOX_ROOT = Path(
    os.environ.get("SYNDICATION_OUTBOX_ROOT")
    or os.environ.get("SYNDICATION_OUTBOX")
    or BASE_DIR / "outbox"
)
# The hosts channels may send to (jingjian.syndication.endpoints): names, IP addresses or
# networks. Loopback, private and other internal addresses are reached only when listed by
# address. WeChat's and Weibo's API hosts are listed by default.
SYNDICATION_ALLOWED_HOSTS = env_list("SYNDICATION_ALLOWED_HOSTS", "api.weixin.qq.com,api.weibo.com")
# Fernet keys for channel secrets (jingjian.syndication.channel_secrets), comma-separated: the
# first encrypts, all decrypt, so a new key goes first and the old ones stay until
# `manage.py rotate_channel_secrets` has run. Unset, a development key derived from a public
# string is used: insecure, and production refuses to start without real keys.
DEVELOPMENT_CHANNEL_SECRET_KEY = "jingjian-insecure-development-channel-secret-key"
CHANNEL_SECRET_KEYS = env_list("CHANNEL_SECRET_KEYS")
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

# Study records (学习记录, the app ``study``): the page types readers may mark 我已学习 on, as
# "app_label.ModelName" (each type's template includes study/includes/study_mark.html). The study
# app imports no feature app; a new type (the bulletin) is added here.
# Page types the reader search leaves out on every engine (Elasticsearch's reader index holds
# only the registered content types; the database engine must find the same pages). Bulletins
# repeat their case studies' text, which search finds on the case studies themselves.
SEARCH_EXCLUDED_PAGE_TYPES = ["casestudies.BulletinIndexPage", "casestudies.BulletinPage"]
STUDY_PAGE_TYPES = env_list(
    "STUDY_PAGE_TYPES", "casestudies.CaseStudyPage,exemplars.ExemplarPage,casestudies.BulletinPage"
)
# The most one visit may add to a reader's time on a page (a tab left open overnight is not study).
STUDY_MAX_SECONDS_PER_VISIT = int(os.environ.get("STUDY_MAX_SECONDS_PER_VISIT", str(2 * 60 * 60)))

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
# Upload sizes and types: the "Upload and import limits" block at the end.
WAGTAIL_WORKFLOW_ENABLED = True
# No WAGTAILAPI_BASE_URL: the API's links come from jingjian.core.public_address too.
WAGTAILAPI_LIMIT_MAX = 100
WAGTAILEMBEDS_RESPONSIVE_HTML = True

# A failed CSRF check is answered in Chinese (Django's own page is English).
CSRF_FAILURE_VIEW = "jingjian.core.csrf.failure"

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # The API knows a reader by their session, as the pages do (and as the page cache decides
    # what it may share): no password or token in a header.
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
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

# --- Faults: Elasticsearch stopped (jingjian.search.elastic) ---
# A reader's search waits at most ELASTICSEARCH_READER_TIMEOUT seconds for Elasticsearch (no
# retries), then is answered from the database with a notice; after a failure each process asks
# the database alone for ELASTICSEARCH_RETRY_AFTER seconds, then tries Elasticsearch again.
ELASTICSEARCH_READER_TIMEOUT = float(os.environ.get("ELASTICSEARCH_READER_TIMEOUT", "0.8"))
ELASTICSEARCH_RETRY_AFTER = float(os.environ.get("ELASTICSEARCH_RETRY_AFTER", "30"))


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

# --- Security: login throttling, password rules, Content-Security-Policy (jingjian.security) ---
# Kept in one block so that other settings edits merge around it. README, "Security".
INSTALLED_APPS += ["jingjian.security", "axes", "csp"]
# The policy header on every response; after SecurityMiddleware so that it wraps every view.
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "jingjian.security.csp.ContentSecurityPolicyMiddleware",
)
# django-axes turns a lock-out into its response here; its documentation wants it last.
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
AUTHENTICATION_BACKENDS = [
    # Refuses every login (the admin's, the intranet's, Wagtail's front-end one) while the
    # username is locked out from this address; never logs anyone in by itself.
    "jingjian.security.throttling.ThrottlingBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", "30")))
# A username from one address: an office behind one NAT address is not locked out by one
# colleague's typing, and a guesser at one account is stopped after AXES_FAILURE_LIMIT tries.
# Page and collection passwords count as the "username" page-password:<id> (throttling.py).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "jingjian.security.throttling.lockout_response"
# The client's address: REMOTE_ADDR, or, behind TRUSTED_PROXY_COUNT proxies, the address the
# outermost of them saw (jingjian.security.client_ip); X-Forwarded-For is not read otherwise.
AXES_CLIENT_IP_CALLABLE = "jingjian.security.client_ip.client_ip"
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_DISABLE_ACCESS_LOG = True  # throttling only; no row per successful login
AXES_VERBOSE = False  # no banner on every manage.py command
# Failures and lock-outs are logged as warnings (names and addresses masked); not every step.
LOGGING["loggers"]["axes"] = {"level": "WARNING"}
AXES_ENABLE_ADMIN = False  # the lock-outs are shown in Wagtail's admin (设置 → 登录锁定)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "jingjian.security.passwords.ProjectWordsValidator"},
]

# The demo accounts have published passwords: load_demo_content refuses to run where this is
# False (production.py).
DEMO_CONTENT_ALLOWED = True

# Content-Security-Policy (django-csp 4): our pages load scripts and styles from our own
# static files only, with no inline script, style element or style attribute. The admin has its
# own, looser policy (jingjian.security.csp.ADMIN_POLICY): Wagtail's admin writes inline styles
# and scripts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "media-src": ["'self'"],
        # Video embeds play in the providers' frames: list their hosts (https://player.example).
        "frame-src": ["'self'", *env_list("CSP_FRAME_SOURCES")],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# --- end of the security block ---

# ---------------------------------------------------------------------------------------------
# Upload and import limits (issue 18). One block, so other settings edits do not touch it.
# Import files (manage.py import_content, import_case_files, 案卷 → 导入台账) are checked by
# jingjian.importing.limits before anything is read into memory or written; see the README's
# "Importing content".


def env_int(name, default):
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


IMPORT_MAX_FILE_BYTES = env_int("IMPORT_MAX_FILE_BYTES", 20 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 20_000)
IMPORT_MAX_CELL_CHARS = env_int("IMPORT_MAX_CELL_CHARS", 100_000)
IMPORT_MAX_ROW_CHARS = env_int("IMPORT_MAX_ROW_CHARS", 200_000)
# An .xlsx is a zip: what its parts unpack to, in all and against their packed size, is read
# from the zip's directory before openpyxl opens it (a 3 MB file can unpack to gigabytes).
IMPORT_XLSX_MAX_UNPACKED_BYTES = env_int("IMPORT_XLSX_MAX_UNPACKED_BYTES", 100 * 1024 * 1024)
IMPORT_XLSX_MAX_RATIO = env_int("IMPORT_XLSX_MAX_RATIO", 100)
IMPORT_XLSX_MAX_SHEETS = env_int("IMPORT_XLSX_MAX_SHEETS", 50)
IMPORT_XLSX_MAX_PARTS = env_int("IMPORT_XLSX_MAX_PARTS", 1_000)

# Wagtail's image and document uploads (names as read by wagtail 8.0's images/fields.py,
# images/utils.py and documents/fields.py). No SVG: it can carry scripts.
WAGTAILIMAGES_MAX_UPLOAD_SIZE = env_int("WAGTAILIMAGES_MAX_UPLOAD_SIZE", 10 * 1024 * 1024)
WAGTAILIMAGES_MAX_IMAGE_PIXELS = env_int("WAGTAILIMAGES_MAX_IMAGE_PIXELS", 40_000_000)
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = env_int("WAGTAILDOCS_MAX_UPLOAD_SIZE", 20 * 1024 * 1024)
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
# A request's form fields (a long page body and its inline panels) and how much of an uploaded
# file is held in memory before it goes to a temporary file. The total size of a request is the
# reverse proxy's to cap (nginx client_max_body_size, README "Deploying").
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
# ---------------------------------------------------------------------------------------------

# --- serving and benchmarking (issue 18) -------------------------------------------------------
# bench/load.py compares every page with a trivial view served by the same server through the
# same middleware; the view's URL (/bench/trivial/) exists only while this is on. Never set it
# in a deployment.
BENCH_TRIVIAL_VIEW = env_bool("BENCH_TRIVIAL_VIEW", False)

# SQLite: a 64 MB page cache per connection and the file mapped into memory (reads without a
# system call per page); with persistent connections (CONN_MAX_AGE, production's default) the
# cache stays warm from one request to the next instead of starting empty each time.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"]["init_command"] += (
        "; PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456"
    )

# A read-only request (GET, HEAD) resolves the page and collection restrictions once for every
# listing, badge and check it makes (jingjian.core.visibility); writes forget the resolution.
# (Before django-axes' middleware, which wants to be last.)
MIDDLEWARE.insert(
    MIDDLEWARE.index("axes.middleware.AxesMiddleware"),
    "jingjian.core.visibility.RestrictionRootsMiddleware",
)

# /healthz/ (jingjian.core.health): the parts whose failure answers 503 (a load balancer then
# stops sending this server requests); the others are reported but answer 200. The task queue
# counts as stalled when its oldest due task has waited this many seconds.
HEALTH_REQUIRED = env_list("HEALTH_REQUIRED", "database")
HEALTH_TASKS_MAX_WAIT = int(os.environ.get("HEALTH_TASKS_MAX_WAIT", "600"))

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
    # Wagtail writes every rendition it serves back to its cache, each time: in files that is
    # a file written and renamed per image per page (the home page's four took 6 ms), where
    # reading the rendition's row costs a fraction of a millisecond. So in files, no
    # rendition cache (Wagtail then reads the row); in Redis, "default" keeps them.
    CACHES["renditions"] = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE_ENABLED", True)
PAGE_CACHE_ALIAS = "pages"
# How long a stored page lives at most (every content change purges it sooner).
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))
# Cache-Control max-age of pages served to anonymous readers (shared caches: s-maxage=0).
PAGE_CACHE_MAX_AGE = int(os.environ.get("PAGE_CACHE_MAX_AGE", "60"))
PAGE_CACHE_RETRY_SECONDS = float(os.environ.get("PAGE_CACHE_RETRY_SECONDS", "5"))
# How often each process looks for purges another process could not make (PageCacheDebt).
PAGE_CACHE_DEBT_SECONDS = float(os.environ.get("PAGE_CACHE_DEBT_SECONDS", "2"))
PAGE_CACHE_MAX_BYTES = 2 * 1024 * 1024
# Never looked up or stored, whoever asks (the rest is decided by what the view allows).
# /study/: 我的学习 and the study mark's state are one reader's own (never a cache lookup).
# /api/: only the pages endpoints are kept (core/api.py), never the images' and documents'.
PAGE_CACHE_EXCLUDED_PATHS = ("/admin/", "/accounts/", "/documents/", "/media/", "/static/")
PAGE_CACHE_EXCLUDED_PATHS += ("/study/", "/api/v2/images/", "/api/v2/documents/")
