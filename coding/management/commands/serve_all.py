"""python manage.py serve_all: the web server, a Celery worker and Celery beat, as `make run` runs
them; Ctrl-C (SIGINT) or SIGTERM stops all three and leaves no process behind.

Each child runs in its own session, so the terminal's Ctrl-C reaches only this supervisor, which
then sends each child one SIGTERM (the web server's whole process group, its autoreloader
included; the worker's main process, which stops its pool), waits for them, and kills what is
left after STOP_TIMEOUT seconds. If the supervisor itself is killed, Linux sends the children
SIGTERM (PR_SET_PDEATHSIG). If a child dies on its own, the others are stopped too.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

STOP_TIMEOUT = 15.0  # seconds; a worker finishes its running tasks in a warm shutdown
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    # not Linux (OSError): the children outlive a killed supervisor, as they would anyway
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class Command(BaseCommand):
    help = "Run the web server, one Celery worker and Celery beat; Ctrl-C or SIGTERM stops all."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--concurrency", type=int, default=2, help="worker processes")
        parser.add_argument("--no-ping", action="store_true", help="skip the worker check")

    def handle(self, *args, host, port, concurrency, no_ping, **options):
        self.stopping = False
        signal.signal(signal.SIGINT, self.request_stop)
        signal.signal(signal.SIGTERM, self.request_stop)
        python = sys.executable
        celery = [python, "-m", "celery", "-A", "config"]
        schedule = settings.CELERY_BEAT_SCHEDULE_FILENAME
        self.children: dict[str, subprocess.Popen] = {}
        self.start("worker", [*celery, "worker", "--loglevel=WARNING",
                              f"--concurrency={concurrency}"])  # fmt: skip
        self.start("beat", [*celery, "beat", "--loglevel=WARNING", f"--schedule={schedule}"])
        self.start("web server", [python, "manage.py", "runserver", f"{host}:{port}"])
        if not no_ping:
            self.start("ping", [python, "manage.py", "ping_worker"])
        failed = self.watch()
        self.stop_all()
        if failed:
            raise CommandError(f"The {failed} stopped unexpectedly; stopped the others.")

    def start(self, name: str, command: list[str]) -> None:
        self.children[name] = subprocess.Popen(
            command, start_new_session=True, preexec_fn=_die_with_parent
        )

    def request_stop(self, signum, frame) -> None:
        if not self.stopping:
            self.stdout.write(f"\n{signal.Signals(signum).name}: stopping the web server, "
                              "the worker and beat…")  # fmt: skip
            self.stdout.flush()
        self.stopping = True

    def watch(self) -> str:
        """Wait until asked to stop (""), or a long-running child ends (its name)."""
        while not self.stopping:
            for name, child in self.children.items():
                if name != "ping" and child.poll() is not None:
                    return name
            time.sleep(0.2)
        return ""

    def stop_all(self) -> None:
        for name, child in self.children.items():
            if child.poll() is not None:
                continue
            try:
                if name == "worker":  # its main process stops its pool (a warm shutdown)
                    child.send_signal(signal.SIGTERM)
                else:  # the web server's autoreloader runs it in a second process
                    os.killpg(child.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + STOP_TIMEOUT
        for child in self.children.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
        for child in self.children.values():  # what did not stop in time, and its group
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(child.pid, signal.SIGKILL)
            child.wait()
        self.stdout.write("Stopped.")
