"""A throwaway database for a benchmark: SQLite in a temporary folder, or, when DATABASE_URL
names a PostgreSQL server, a new database on that server that is dropped afterwards. Nothing a
benchmark writes lands in a database someone uses."""

from __future__ import annotations

import os
import sys
import tempfile
import urllib.parse
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def temporary_database(prefix: str, tmp_dir: str) -> tuple[str, Callable[[], None]]:
    """A DATABASE_URL for a fresh database, and a function that drops it."""
    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{tmp_dir}/bench.sqlite3", lambda: None
    import psycopg

    parts = urllib.parse.urlsplit(base_url)
    name = f"{prefix}_{os.getpid()}"
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}")), drop


def setup_django(prefix: str) -> tuple[str, Callable[[], None]]:
    """Point Django at a temporary database and VAR_DIR, set it up; returns (engine, drop)."""
    sys.path.insert(0, str(ROOT))
    tmp = tempfile.mkdtemp(prefix=f"{prefix}-")
    url, drop = temporary_database(prefix.replace("-", "_"), tmp)
    os.environ.update(
        DATABASE_URL=url, DEBUG="1", VAR_DIR=tmp, DJANGO_SETTINGS_MODULE="config.settings"
    )
    import django

    django.setup()
    return ("postgresql" if url.startswith("postgres") else "sqlite"), drop
