"""The training task: a thin wrapper that records success or failure on the run."""

import pytest

from coding.models import ModelStatus, SuggestionModel
from coding.suggestions.tasks import train_suggestions
from coding.suggestions.training import start_training

pytestmark = pytest.mark.django_db


def test_the_task_trains_the_run(trained_project):
    run = start_training(trained_project)
    train_suggestions(run.pk)
    run.refresh_from_db()
    assert run.status == ModelStatus.READY and run.done == run.total and run.blob


def test_a_failed_run_says_why_and_the_previous_model_stays(project):
    run = start_training(project)  # no approved codings: nothing to learn from
    with pytest.raises(ValueError):
        train_suggestions(run.pk)
    run.refresh_from_db()
    assert run.status == ModelStatus.FAILED
    assert "no approved codings" in run.error
    assert not SuggestionModel.objects.filter(status=ModelStatus.READY).exists()


def test_a_missing_run_is_ignored(db):
    train_suggestions(999_999)
