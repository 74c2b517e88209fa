"""The production settings: `check --deploy` clean with a realistic environment, and each
refusal (a short key, an unnamed proxy header that must not be trusted) in a subprocess of its
own, as the server would start."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
KEY = "kW3n-Tq7xZmLw9vR2pYh5sJd8fGb4cN6eUa1oXi0rVt_zLqM3wKeP"  # 53 random characters
ENVIRONMENT = {
    "SECRET_KEY": KEY,
    "ALLOWED_HOSTS": "jingjian.jianhu.gov.cn",
    # A Fernet key for the channel secrets (production refuses to start without one).
    "CHANNEL_SECRET_KEYS": "u6cQ3-sXk3Ct9QdFZ6R2yD0w8kq5m1bNq9TtY2vJc0E=",
}
# What a request looks like to the settings: printed as JSON by a child process.
PROBE = """
import json
import django
django.setup()
from django.conf import settings
from django.test import RequestFactory
request = RequestFactory().get("/", HTTP_X_FORWARDED_PROTO="https")
print(json.dumps({
    "secure": request.is_secure(),
    "proxy_header": settings.SECURE_PROXY_SSL_HEADER,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "hsts": settings.SECURE_HSTS_SECONDS,
    "frames": settings.X_FRAME_OPTIONS,
    "cookies_secure": settings.SESSION_COOKIE_SECURE,
}))
"""


# Not passed on from the test process: what each test sets itself, and the browser tests'
# DJANGO_ALLOW_ASYNC_UNSAFE (their conftest sets it in this process; --deploy rightly objects).
LEFT_OUT = {
    "SECRET_KEY",
    "CHANNEL_SECRET_KEYS",
    "ALLOWED_HOSTS",
    "HTTPS",
    "TRUSTED_PROXY_SSL_HEADER",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def run(args, env):
    full_env = {k: v for k, v in os.environ.items() if k not in LEFT_OUT}
    full_env.update(env, DJANGO_SETTINGS_MODULE="jingjian.settings.production")
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=120
    )


def probe(**env):
    result = run(["-c", PROBE], {**ENVIRONMENT, **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_is_clean():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], ENVIRONMENT)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_a_short_secret_key_is_refused_with_how_to_make_one():
    result = run(["manage.py", "check"], {**ENVIRONMENT, "SECRET_KEY": "x" * 49})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "at least 50 random characters" in result.stderr
    assert "secrets.token_urlsafe(50)" in result.stderr


def test_tls_by_default():
    settings = probe()
    assert settings["ssl_redirect"] is True
    assert settings["hsts"] >= 31536000
    assert settings["frames"] == "DENY"
    assert settings["cookies_secure"] is True


def test_the_proxy_header_is_trusted_only_when_named():
    # Unset: a client saying X-Forwarded-Proto: https is not believed.
    unnamed = probe()
    assert unnamed["secure"] is False and unnamed["proxy_header"] is None
    named = probe(TRUSTED_PROXY_SSL_HEADER="X-Forwarded-Proto")
    assert named["secure"] is True
    assert named["proxy_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_a_malformed_proxy_header_is_refused():
    result = run(
        ["manage.py", "check"],
        {**ENVIRONMENT, "TRUSTED_PROXY_SSL_HEADER": "X-Forwarded-Proto: https"},
    )
    assert result.returncode != 0
    assert "TRUSTED_PROXY_SSL_HEADER must be a header name" in result.stderr


def test_plain_http_turns_the_tls_settings_off():
    settings = probe(HTTPS="false")
    assert settings["ssl_redirect"] is False
    assert settings["hsts"] == 0
    assert settings["cookies_secure"] is False
