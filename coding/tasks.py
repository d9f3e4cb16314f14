"""Celery tasks: thin wrappers around plain functions."""

from celery import shared_task

from .health import record_heartbeat


@shared_task(name="coding.heartbeat")
def heartbeat(token: str) -> None:
    record_heartbeat(token)


@shared_task(name="coding.compute_reliability")
def compute_reliability(project_id: int, params: dict, key: str) -> None:
    """Compute the reliability report for a project and filters into the cache."""
    from .reliability_jobs import run_task

    run_task(project_id, params, key)
