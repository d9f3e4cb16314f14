"""Once the project has a suggestion model, the screening queue is ordered by the model's
relevance: rescored when a model is trained, and new sources scored by it."""

import pytest

from coding.models import SourceScreening
from coding.screening.decisions import decide
from coding.screening.queue import screening_queue
from coding.suggestions.tasks import train_suggestions
from coding.suggestions.training import start_training
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db

TIE = "China and Russia held joint naval drills in the Sea of Japan."
# more co-mentions than TIE (so it ranks first by actor counts), but no tie
NO_TIE = (
    "China and Russia argued about grain prices at a trade fair. "
    "Russia and Iran argued about grain prices at a trade fair. "
    "Iran and China argued about grain prices at a trade fair."
)


def relevance_of(source):
    return SourceScreening.objects.get(source=source).relevance


def test_a_trained_model_orders_the_queue_by_ties(trained_project, pi):
    project = trained_project
    project.screening_required = True
    project.save()
    tie = SourceFactory(project=project, text=TIE)
    no_tie = SourceFactory(project=project, text=NO_TIE)
    # no model yet: actor co-mentions, the source without a tie first
    assert relevance_of(no_tie) > relevance_of(tie)
    assert [s.source for s in screening_queue(project, pi)] == [no_tie, tie]

    run = start_training(project)
    train_suggestions(run.pk)  # the training job rescores the open sources

    assert relevance_of(tie) > relevance_of(no_tie)
    assert [s.source for s in screening_queue(project, pi)] == [tie, no_tie]
    assert relevance_of(tie) > 5  # 10 x a tie probability over one half
    assert relevance_of(no_tie) < 5

    later_tie = SourceFactory(project=project, text=f"Today. {TIE}")
    later_none = SourceFactory(project=project, text=NO_TIE + " Markets were calm.")
    queue = [s.source for s in screening_queue(project, pi)]
    assert queue.index(later_tie) < queue.index(no_tie)
    assert queue.index(later_tie) < queue.index(later_none)
    assert relevance_of(later_none) < 5


def test_a_source_without_two_actors_scores_near_zero_with_a_model(trained_project):
    project = trained_project
    train_suggestions(start_training(project).pk)
    project.screening_required = True
    project.save()
    alone = SourceFactory(project=project, text="Russia held naval drills alone.")
    nothing = SourceFactory(project=project, text="Markets were calm.")
    assert relevance_of(alone) == pytest.approx(0.01)  # one actor, no candidate passage
    assert relevance_of(nothing) == 0


def test_screened_sources_keep_their_score(trained_project, pi):
    """Only open (pending) screenings are rescored."""
    project = trained_project
    project.screening_required = True
    project.screening_double_percent = 0
    project.save()
    source = SourceFactory(project=project, text=NO_TIE)
    screening = SourceScreening.objects.get(source=source)
    before = screening.relevance
    decide(screening, pi, relevant=False)
    train_suggestions(start_training(project).pk)
    assert relevance_of(source) == before
