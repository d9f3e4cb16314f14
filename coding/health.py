"""Health of the running system: database, broker and workers.

`/health/` answers 200 when all three are fine and 503 naming what is down. The worker check
reads the heartbeat Celery beat has a worker write every HEARTBEAT_INTERVAL seconds (and
`ping_worker` writes once): a worker that runs tasks, fed by a beat that runs, keeps it fresh.
"""

from __future__ import annotations

import socket
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from coding.models import WorkerHeartbeat

BROKER_CHECK_TIMEOUT = 2  # seconds


def record_heartbeat(token: str = "") -> WorkerHeartbeat:
    """A ping's heartbeat (its own token), or beat's: one row per host, updated in place."""
    hostname = socket.gethostname()
    if token:
        return WorkerHeartbeat.objects.create(hostname=hostname, token=token)
    beat, _ = WorkerHeartbeat.objects.update_or_create(
        token=f"beat:{hostname}"[:64], defaults={"hostname": hostname, "at": timezone.now()}
    )
    return beat


def heartbeat_max_age() -> timedelta:
    """A heartbeat older than three beats (at least 90 s) means no worker runs tasks."""
    return timedelta(seconds=max(3 * settings.HEARTBEAT_INTERVAL, 90))


def health_report() -> tuple[dict, int]:
    """(report, HTTP status): 503 if the database, the broker or the worker is down."""
    report: dict = {"down": []}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        report["database"] = "ok"
    except Exception as exc:
        report["database"] = f"down: {type(exc).__name__}"
        report["down"].append("database")
    report["broker"] = broker_status()
    if report["broker"] != "ok":
        report["down"].append("broker")
    latest = None
    if report["database"] == "ok":
        latest = WorkerHeartbeat.objects.order_by("-at").first()
    recent = latest is not None and latest.at > timezone.now() - heartbeat_max_age()
    report["last_worker_heartbeat"] = latest.at.isoformat() if latest else None
    report["worker_seen_recently"] = recent
    if not recent:
        report["down"].append("worker")
    report["status"] = "ok" if not report["down"] else "down"
    return report, (200 if not report["down"] else 503)


def broker_status() -> str:
    from config.celery import app

    try:
        with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=BROKER_CHECK_TIMEOUT)
    except Exception as exc:
        return f"down: {type(exc).__name__}"
    return "ok"
