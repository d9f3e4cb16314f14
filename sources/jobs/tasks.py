"""Celery tasks for ingestion: thin wrappers around sources.jobs.ingest."""

from celery import shared_task

from sources.errors import TransientFetchError
from sources.jobs.ingest import DATABASE_GONE, ItemBusy, run_item
from sources.jobs.sweeper import sweep


@shared_task(
    bind=True,
    name="sources.ingest_item",
    autoretry_for=(TransientFetchError, *DATABASE_GONE),
    retry_backoff=2,  # 2, 4, 8 s (with jitter) between attempts
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=3,
)
def ingest_item_task(self, item_id: int) -> None:
    """Ingest one item; network errors are retried, the last attempt records the failure.

    A database that went away is retried too; the item waits as pending meanwhile (and the
    sweeper sends it again if the retries run out before the database is back).

    A redelivered task whose item another worker is still running waits and looks again;
    if that worker died, the item is taken over once it has gone stale.
    """
    try:
        run_item(item_id, final_attempt=self.request.retries >= self.max_retries)
    except ItemBusy as busy:
        raise self.retry(countdown=busy.retry_in, max_retries=self.max_retries + 2) from None


@shared_task(name="sources.sweep_jobs", ignore_result=True)
def sweep_jobs() -> None:
    """Celery beat runs this every SWEEP_INTERVAL seconds (settings.CELERY_BEAT_SCHEDULE)."""
    sweep()
