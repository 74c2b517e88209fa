"""load_demo_content refuses to run under the production settings: the demo accounts'
passwords are printed by `make run` and in the README."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]


def test_production_settings_refuse_demo_content(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS"}}
    env.update(
        DJANGO_SETTINGS_MODULE="jingjian.settings.production",
        SECRET_KEY="a-production-secret-that-is-long-enough-" * 2,
        ALLOWED_HOSTS="jingjian.example",
        CHANNEL_SECRET_KEYS="u6cQ3-sXk3Ct9QdFZ6R2yD0w8kq5m1bNq9TtY2vJc0E=",
        # A database of its own: a refusal must leave it untouched (no user, no table).
        DATABASE_URL=f"sqlite:///{tmp_path / 'production.sqlite3'}",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "load_demo_content", "--skip-index"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "生产环境不能写入演示内容" in result.stderr
    assert "createsuperuser" in result.stderr
    database = tmp_path / "production.sqlite3"
    if database.exists():
        with sqlite3.connect(database) as connection:
            tables = {row[0] for row in connection.execute("select name from sqlite_master")}
        assert "auth_user" not in tables


@pytest.mark.django_db
@override_settings(DEMO_CONTENT_ALLOWED=False)
def test_the_refusal_comes_before_anything_is_written():
    with pytest.raises(CommandError, match="生产环境不能写入演示内容"):
        call_command("load_demo_content", skip_index=True)
    assert not get_user_model().objects.filter(username="admin").exists()
