"""Celery tasks of the core: the worker heartbeat."""

from celery import shared_task

from coding.health import record_heartbeat


@shared_task(name="coding.heartbeat")
def heartbeat(token: str = "") -> None:
    """With a token: `ping_worker` waits for it. Without: Celery beat's regular heartbeat."""
    record_heartbeat(token)
