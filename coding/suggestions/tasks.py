"""Celery task of the suggester: a thin wrapper around coding.suggestions.training."""

from celery import shared_task

from coding.models import SuggestionModel
from coding.suggestions.training import fail, train


@shared_task(name="coding.train_suggestions")
def train_suggestions(run_id: int) -> None:
    run = SuggestionModel.objects.select_related("project__codebook").filter(pk=run_id).first()
    if run is None:
        return
    try:
        train(run)
    except Exception as exc:  # recorded for the PI; the previous model stays in use
        fail(run, f"{type(exc).__name__}: {exc}")
        raise
