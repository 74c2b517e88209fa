"""Production settings: refuse to start when misconfigured."""

import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DEFAULT_SECRET_KEY, PUBLIC_BASE_URL, SECRET_KEY, env_bool

DEBUG = False

if not os.environ.get("SECRET_KEY") or SECRET_KEY == DEFAULT_SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a private random value in production "
        "(see .env.example); refusing to start with the development key."
    )
if not os.environ.get("ALLOWED_HOSTS"):
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the site's host names in production.")
if PUBLIC_BASE_URL:
    _public = urlsplit(PUBLIC_BASE_URL)
    if _public.scheme not in ("http", "https") or not _public.hostname or _public.query:
        raise ImproperlyConfigured(
            f"PUBLIC_BASE_URL must be a full address such as https://www.jianhu.gov.cn, "
            f"got {PUBLIC_BASE_URL!r}; leave it unset to use the default site's address."
        )

# --- Faults: the database restarted ---
# Persistent connections (a new one per request costs a PostgreSQL fork); base.py's
# CONN_HEALTH_CHECKS replaces one that a restart killed before a request uses it.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "60"))  # noqa: F405

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Media files are checked by Django and sent by nginx from an internal location (README); set
# MEDIA_ACCEL_REDIRECT_PREFIX= (empty) to stream them from Django instead.
MEDIA_ACCEL_REDIRECT_PREFIX = os.environ.get(
    "MEDIA_ACCEL_REDIRECT_PREFIX", "/internal-media/"
).strip()
if MEDIA_ACCEL_REDIRECT_PREFIX:
    SENDFILE_BACKEND = "jingjian.core.media"

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "SAMEORIGIN"
