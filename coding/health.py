"""Health of the running system: database, broker and workers."""

import socket
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from coding.models import WorkerHeartbeat


def record_heartbeat(token: str) -> WorkerHeartbeat:
    return WorkerHeartbeat.objects.create(hostname=socket.gethostname(), token=token)


def health_report() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    latest = WorkerHeartbeat.objects.first()
    recent = latest is not None and latest.at > timezone.now() - timedelta(minutes=10)
    return {
        "database": "ok",
        "last_worker_heartbeat": latest.at.isoformat() if latest else None,
        "worker_seen_recently": recent,
    }
