"""Celery tasks: thin wrappers around plain functions."""

from celery import shared_task

from .health import record_heartbeat


@shared_task(name="coding.heartbeat")
def heartbeat(token: str) -> None:
    record_heartbeat(token)
