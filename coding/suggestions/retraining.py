"""When to retrain: after `suggestions_retrain_after` new approvals since the last model (or the
first time there are that many). Called after approvals (a signal on EventEvidence)."""

from __future__ import annotations

from django.db import transaction

from coding.models import ModelStatus, Project
from coding.suggestions.training import approvals_count, current_model, start_training
from config.celery import enqueue


def due(project: Project) -> bool:
    if project.suggestion_models.filter(
        status__in=[ModelStatus.QUEUED, ModelStatus.RUNNING]
    ).exists():
        return False
    model = current_model(project)
    trained_on = model.approvals if model else 0
    return approvals_count(project) - trained_on >= max(project.suggestions_retrain_after, 1)


def retrain(project: Project):
    """Queue a training run now (the PI's button, or when due)."""
    run = start_training(project)
    transaction.on_commit(lambda: enqueue("coding.train_suggestions", run.pk))
    return run


def retrain_if_due(project: Project):
    return retrain(project) if due(project) else None
