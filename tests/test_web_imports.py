"""Web processes stay small: serving every URL must not load the heavy libraries that only the
worker or a download needs (matplotlib for the reliability plots, trafilatura and lxml for
extraction). Each costs tens of MiB per gunicorn worker (issue 20)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("matplotlib", "trafilatura", "lxml", "sklearn", "scipy")

SCRIPT = """
import sys
import config.wsgi
from django.urls import get_resolver

def walk(resolver):
    for entry in resolver.url_patterns:
        if hasattr(entry, "url_patterns"):
            walk(entry)
        else:
            entry.callback  # imports the view's module

walk(get_resolver())
print(" ".join(sorted({m.split(".")[0] for m in sys.modules})))
"""


def test_serving_every_url_loads_no_heavy_library():
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "imports-test-" + "x" * 40,
           "ALLOWED_HOSTS": "127.0.0.1", "DJANGO_SETTINGS_MODULE": "config.settings"}  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True,
        check=True,
    )  # fmt: skip
    loaded = set(result.stdout.split())
    assert "rest_framework" in loaded  # the views were really imported
    assert loaded.isdisjoint(HEAVY), loaded & set(HEAVY)
