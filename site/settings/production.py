"""Production settings: refuse to start when misconfigured."""

import os
from urllib.parse import urlsplit

from cryptography.fernet import Fernet
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

# --- Syndication: channel secrets are encrypted with keys only production holds.
if not CHANNEL_SECRET_KEYS:  # noqa: F405
    raise ImproperlyConfigured(
        "CHANNEL_SECRET_KEYS must list at least one Fernet key in production (see .env.example); "
        "refusing to start with the public development key."
    )
for _number, _key in enumerate(CHANNEL_SECRET_KEYS, start=1):  # noqa: F405
    try:
        Fernet(_key.encode())
    except ValueError:
        raise ImproperlyConfigured(
            f"CHANNEL_SECRET_KEYS: key {_number} is not a Fernet key (32 bytes, url-safe base64); "
            "make one with: python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'"
        ) from None
