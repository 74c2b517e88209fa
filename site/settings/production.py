"""Production settings: refuse to start when misconfigured."""

import os
import re
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

# --- Security: TLS, HSTS, frames, the proxy's HTTPS header, the key's length, demo content ---
# Kept in one block so that other settings edits merge around it. README, "Security".
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        f"SECRET_KEY is {len(SECRET_KEY)} characters long; production needs at least 50 random "
        "characters. Generate one with: "
        "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )

# Served over TLS (the default): plain-HTTP requests are redirected, browsers are told to use
# HTTPS only (HSTS) and cookies travel over HTTPS only. HTTPS=false only for a plain-HTTP
# intranet; `check --deploy` then warns, truthfully.
HTTPS = env_bool("HTTPS", True)
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", "31536000")) if HTTPS else 0
# Off when another host under this one still serves plain HTTP.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", HTTPS)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", HTTPS)
SECURE_CONTENT_TYPE_NOSNIFF = True
# Nothing of ours is framed by another page; Wagtail's preview panel sets SAMEORIGIN on its own
# responses (wagtail.utils.decorators.xframe_options_sameorigin_override).
X_FRAME_OPTIONS = "DENY"

# The header by which the TLS-terminating proxy says a request came over HTTPS, trusted only
# when named here (e.g. X-Forwarded-Proto), and then the proxy must overwrite what a client
# sent. Unset, a client's X-Forwarded-Proto means nothing.
TRUSTED_PROXY_SSL_HEADER = os.environ.get("TRUSTED_PROXY_SSL_HEADER", "").strip()
SECURE_PROXY_SSL_HEADER = None
if TRUSTED_PROXY_SSL_HEADER:
    if not re.fullmatch(r"[A-Za-z0-9-]+", TRUSTED_PROXY_SSL_HEADER):
        raise ImproperlyConfigured(
            f"TRUSTED_PROXY_SSL_HEADER must be a header name such as X-Forwarded-Proto, "
            f"got {TRUSTED_PROXY_SSL_HEADER!r}."
        )
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + TRUSTED_PROXY_SSL_HEADER.upper().replace("-", "_"),
        "https",
    )

# The demo accounts' passwords are public: load_demo_content refuses to run here.
DEMO_CONTENT_ALLOWED = False
# --- end of the security block ---

# --- Serving (issue 18): `make serve`, gunicorn.conf.py, README "Deploying" ---
# Each gunicorn worker keeps its database connection for a minute rather than opening one per
# request (a PostgreSQL connection costs a few milliseconds; SQLite's page cache would start
# empty every time); checked before reuse, so a restarted database is reconnected to (both set
# above, under "Faults: the database restarted").

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
