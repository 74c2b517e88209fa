"""Settings come from the environment; production refuses the development secret key."""

import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]
# A Fernet key for channel secrets (production refuses to start without one).
CHANNEL_SECRET_KEYS = Fernet.generate_key().decode()


def run_check(env):
    full_env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS"}}
    full_env.update(env, DJANGO_SETTINGS_MODULE="jingjian.settings.production")
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_the_default_secret_key():
    result = run_check({"ALLOWED_HOSTS": "jingjian.example"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_requires_allowed_hosts():
    result = run_check({"SECRET_KEY": "x" * 50})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_starts_when_configured():
    result = run_check(
        {
            "SECRET_KEY": "a-real-secret-" * 4,
            "ALLOWED_HOSTS": "jingjian.example",
            "CHANNEL_SECRET_KEYS": CHANNEL_SECRET_KEYS,
        }
    )
    assert result.returncode == 0, result.stderr


def test_database_follows_database_url():
    from django.db import connection

    expected = (
        "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    )
    assert connection.vendor == expected


def test_production_refuses_a_public_address_that_is_not_a_full_url():
    configured = {
        "SECRET_KEY": "a-real-secret-" * 4,
        "ALLOWED_HOSTS": "jingjian.example",
        "CHANNEL_SECRET_KEYS": CHANNEL_SECRET_KEYS,
    }
    result = run_check({**configured, "PUBLIC_BASE_URL": "www.jianhu.gov.cn"})
    assert result.returncode != 0
    assert "PUBLIC_BASE_URL must be a full address" in result.stderr
    result = run_check({**configured, "PUBLIC_BASE_URL": "https://www.jianhu.gov.cn"})
    assert result.returncode == 0, result.stderr


def test_a_failed_csrf_check_is_answered_in_chinese(reader):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(reader)
    response = browser.post("/accounts/logout/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "表单已过期" in body and "CSRF" not in body


def rendition_cache(env):
    """The class of the cache Wagtail keeps renditions in, under ``env``."""
    full_env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    full_env.update(env, DJANGO_SETTINGS_MODULE="jingjian.settings.dev")
    code = "from wagtail.images import get_image_model as g; "
    code += "print(type(g().get_rendition_model().cache_backend).__name__)"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_renditions_are_not_written_to_cache_files_but_are_kept_in_redis():
    """Wagtail writes each rendition it serves back to its cache: in files, a file per image
    per page; so the embedded default keeps none (the row is read), Redis keeps them."""
    assert rendition_cache({}) == "DummyCache"
    assert rendition_cache({"REDIS_URL": "redis://127.0.0.1:1/0"}) == "TolerantRedisCache"
