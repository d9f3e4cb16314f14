"""Helpers for tests that need real services: a Celery worker, Redis, Chromium.

Outside CI a missing service skips its tests; in CI (CI=true) it fails them.
"""

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from celery import Celery
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"


def require(condition: bool, what: str) -> None:
    if condition:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{what} is required in CI")
    pytest.skip(f"{what} is not available here")


def test_database_url() -> str:
    """A URL for the database the current test uses, for another process to connect to."""
    s = connection.settings_dict
    if s["ENGINE"] == "django.db.backends.sqlite3":
        require(s["NAME"] != ":memory:" and "mode=memory" not in str(s["NAME"]), "a file database")
        return f"sqlite:///{s['NAME']}"
    return (
        f"postgres://{s['USER']}:{s['PASSWORD'] or ''}@{s['HOST']}:{s['PORT'] or 5432}/{s['NAME']}"
    )


@contextmanager
def celery_worker(transport: str, tmp_path: Path) -> Iterator[Celery]:
    """Start a real worker on its own queue; yield an app that sends to that queue."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DATABASE_URL": test_database_url(), "CELERY_QUEUE": queue}
    env.setdefault("SECRET_KEY", "test-only-secret-key-for-the-worker-process-0123456789")
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    if transport == "redis":
        require(bool(os.environ.get("REDIS_URL")), "Redis (REDIS_URL)")
        sender = Celery(broker=os.environ["REDIS_URL"], set_as_current=False)
    else:
        env.pop("REDIS_URL", None)
        env["VAR_DIR"] = str(tmp_path)
        folder = tmp_path / "celery" / "queue"
        folder.mkdir(parents=True)
        sender = Celery(
            set_as_current=False,
            broker="filesystem://",
            broker_transport_options={
                "data_folder_in": str(folder),
                "data_folder_out": str(folder),
                "control_folder": str(tmp_path / "celery" / "control"),
            },
        )
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queue,
               "--pool=solo", "--loglevel=WARNING", "--without-heartbeat", "--without-gossip",
               "--without-mingle"]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    sender.conf.task_default_queue = queue
    try:
        yield sender
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def wait_for(predicate, timeout: float = 45.0, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def chromium_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which("chromium") is not None
