"""gunicorn.conf.py: the settings and hooks `gunicorn config.wsgi` reads in the project."""

import os
import runpy
import select
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_workers_keep_connections_open():
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    threaded = "gunicorn_worker.EpollThreadWorker" if hasattr(select, "epoll") else "gthread"
    assert conf["worker_class"] == threaded and conf["keepalive"] >= 2


def test_a_worker_loads_the_views_and_freezes_them_before_its_first_request():
    """Run in a fresh interpreter: the hook must import what the first request would."""
    code = (
        "import django, runpy, sys; django.setup(); "
        "conf = runpy.run_path('gunicorn.conf.py'); "
        "assert 'coding.workspace.api.views' not in sys.modules; "
        "conf['post_worker_init'](None); "
        "assert 'coding.workspace.api.views' in sys.modules, 'views not loaded'; "
        "import gc; assert gc.get_freeze_count() > 10000, 'startup objects not frozen'"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1"}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
