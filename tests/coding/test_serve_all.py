"""`make run`'s supervisor (manage.py serve_all) with real processes: SIGTERM and Ctrl-C
(SIGINT) stop the web server, the worker and beat, leave no process behind, log a few lines."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests import services
from tests.services import ROOT, descendants, wait_for


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except urllib.error.HTTPError:
        return True  # a 503 is an answer: the server runs
    except OSError:
        return False


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_serve_all_stops_everything_on_a_signal(signum, tmp_path):
    if not Path("/proc").is_dir():
        pytest.skip("needs /proc")
    port = free_port()
    env = {**os.environ, "DATABASE_URL": services.test_database_url(), "VAR_DIR": str(tmp_path),
           "DEBUG": "1", "PYTHONUNBUFFERED": "1"}  # fmt: skip
    env.pop("REDIS_URL", None)
    log = tmp_path / "log"
    with log.open("w") as out:
        supervisor = subprocess.Popen(
            [sys.executable, "manage.py", "serve_all", "--port", str(port), "--no-ping"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            assert wait_for(lambda: answers(f"http://127.0.0.1:{port}/health/"), timeout=40)
            assert wait_for(lambda: len(descendants(supervisor.pid)) >= 5, timeout=20)
            tree = descendants(supervisor.pid)  # worker + 2 pool processes, beat, web server x2
            lines_before = log.read_text().count("\n")
            supervisor.send_signal(signum)
            assert supervisor.wait(timeout=30) == 0
        finally:
            if supervisor.poll() is None:
                supervisor.kill()
    left = {pid for pid in tree if alive(pid)}
    assert not left, f"processes left behind: {left}"
    new_lines = [line for line in log.read_text().splitlines()[lines_before:] if line.strip()]
    assert len(new_lines) <= 6, new_lines
    assert new_lines[-1] == "Stopped."
    assert "Segmentation fault" not in log.read_text()
