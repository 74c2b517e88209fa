"""Production refuses to start without real keys for the channel secrets."""

import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]
CONFIGURED = {"SECRET_KEY": "a-real-secret-" * 4, "ALLOWED_HOSTS": "jingjian.example"}


def run_check(env):
    kept = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "CHANNEL_SECRET_KEYS"}}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**kept, **CONFIGURED, **env, "DJANGO_SETTINGS_MODULE": "jingjian.settings.production"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_channel_secret_keys():
    result = run_check({})
    assert result.returncode != 0
    assert "CHANNEL_SECRET_KEYS must list at least one Fernet key" in result.stderr


def test_production_refuses_a_key_that_is_not_a_fernet_key():
    result = run_check({"CHANNEL_SECRET_KEYS": f"{Fernet.generate_key().decode()},not-a-key"})
    assert result.returncode != 0
    assert "CHANNEL_SECRET_KEYS: key 2 is not a Fernet key" in result.stderr


def test_production_starts_with_rotatable_keys():
    keys = f"{Fernet.generate_key().decode()},{Fernet.generate_key().decode()}"
    result = run_check({"CHANNEL_SECRET_KEYS": keys})
    assert result.returncode == 0, result.stderr
