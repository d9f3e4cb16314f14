"""Production settings: safe defaults and a clean `check --deploy`."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, **env):
    ignored = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in ignored}
    clean.update(env, DJANGO_SETTINGS_MODULE="config.settings")
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def test_production_settings_pass_check_deploy():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="a-production-secret-key-that-is-long-and-random-8f3k2l9x0q7w1e5r",
        ALLOWED_HOSTS="ties.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_missing_secret_key_refuses_to_start_without_debug():
    result = run_manage("check")
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_debug_defaults_off_and_cookies_secure():
    code = (
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0)"
    )
    result = run_manage("shell", "-c", code, SECRET_KEY="x" * 60)
    assert result.stdout.split()[-4:] == ["False", "True", "True", "True"], result.stderr


def test_bad_boolean_is_a_clear_error():
    result = run_manage("check", DEBUG="maybe")
    assert "DEBUG='maybe' is not a boolean" in result.stderr


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "True 5"),
        ({"DB_PREPARE_THRESHOLD": "1"}, "True 1"),
        ({"DB_PREPARED": "0"}, "None None"),
    ],
)
def test_postgresql_prepares_statements_unless_switched_off(env, expected):
    """Prepared statements on PostgreSQL (issue 20), off for poolers that cannot keep them."""
    code = (
        "from django.conf import settings as s; o = s.DATABASES['default']['OPTIONS'];"
        "print(o.get('server_side_binding'), o.get('prepare_threshold'))"
    )
    url = "postgres://postgres@127.0.0.1:5432/never-connected"
    result = run_manage("shell", "-c", code, SECRET_KEY="x" * 60, DATABASE_URL=url, **env)
    assert result.stdout.split()[-2:] == expected.split(), result.stderr
