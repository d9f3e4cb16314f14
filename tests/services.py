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
from dataclasses import dataclass, field
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


TRANSPORTS = ["embedded", "redis"]
"""The brokers a worker test runs on: the embedded default (`make run`) and Redis."""


@dataclass
class WorkerSetup:
    """How to start workers that share one queue, and an app that sends to it."""

    env: dict
    queue: str
    sender: Celery
    processes: list[subprocess.Popen] = field(default_factory=list)

    def start(self, *, pool: str = "solo", concurrency: int = 1) -> subprocess.Popen:
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", self.queue,
                   f"--pool={pool}", f"--concurrency={concurrency}", "--loglevel=WARNING",
                   "--without-heartbeat", "--without-gossip", "--without-mingle",
                   "-n", f"{self.queue}-{len(self.processes)}@%h"]  # fmt: skip
        process = subprocess.Popen(command, cwd=ROOT, env=self.env)
        self.processes.append(process)
        return process

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def worker_setup(transport: str, tmp_path: Path, *, broker_url: str = "") -> WorkerSetup:
    """Environment and sender for workers on `transport` ("embedded" or "redis").

    `broker_url` names another Redis (a test's own server) instead of REDIS_URL.
    """
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DATABASE_URL": test_database_url(), "CELERY_QUEUE": queue}
    env.setdefault("SECRET_KEY", "test-only-secret-key-for-the-worker-process-0123456789")
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)
    env["VAR_DIR"] = str(tmp_path)
    if transport == "redis":
        if not broker_url:
            require(bool(os.environ.get("REDIS_URL")), "Redis (REDIS_URL)")
            broker_url = os.environ["REDIS_URL"]
        env["REDIS_URL"] = broker_url
        sender = Celery(broker=broker_url, set_as_current=False)
    else:
        env.pop("REDIS_URL", None)
        (tmp_path / "celery").mkdir(parents=True, exist_ok=True)
        sender = Celery(
            set_as_current=False,
            broker=f"sqlite-queue+sqlite:///{tmp_path / 'celery' / 'broker.sqlite3'}",
            broker_transport_options={"connect_args": {"timeout": 30}},
        )
    sender.conf.task_default_queue = queue
    sender.conf.broker_connection_timeout = 2
    sender.conf.task_publish_retry_policy = {"max_retries": 1, "interval_start": 0}
    return WorkerSetup(env, queue, sender)


@contextmanager
def celery_worker(transport: str, tmp_path: Path) -> Iterator[Celery]:
    """Start a real worker on its own queue; yield an app that sends to that queue."""
    setup = worker_setup(transport, tmp_path)
    setup.start()
    try:
        yield setup.sender
    finally:
        setup.stop_all()


def wait_for(predicate, timeout: float = 45.0, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def descendants(pid: int) -> set[int]:
    """Every process below `pid` (from /proc; empty where there is no /proc)."""
    children: dict[int, list[int]] = {}
    proc = Path("/proc")
    for entry in proc.iterdir() if proc.is_dir() else []:
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def chromium_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which("chromium") is not None
