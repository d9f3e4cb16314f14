"""Celery tasks of the reliability report: thin wrappers around coding.reliability.jobs."""

from celery import shared_task

from coding.reliability.jobs import run_task


@shared_task(name="coding.compute_reliability")
def compute_reliability(project_id: int, params: dict, key: str) -> None:
    """Compute the reliability report for a project and filters into the cache."""
    run_task(project_id, params, key)
