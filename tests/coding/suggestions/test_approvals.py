"""What the suggester learns from: codings whose labels the PI approved. An overruled coding
(evidence of an event that disagrees with it) and a training source's reference are not."""

from coding.models import Activity, EventEvidence, TrainingSource
from coding.suggestions.training import approvals_count, approved_codings
from tests.coding.suggestions.conftest import approve
from tests.factories import CodingFactory, SourceFactory


def test_only_codings_that_agree_with_their_event_are_learnt_from(trained_project, pi, coder):
    project = trained_project
    assert approvals_count(project) == 24  # the fixture's 12 drills and 12 sales
    source = SourceFactory(project=project, text="Russia and Iran signed a naval accord.")
    adopted = CodingFactory(source=source, coder=coder, start=0, end=20)
    approve(project, pi, adopted, "x")
    event = adopted.evidence.event
    # another coder read the same passage as an arms sale: the PI overruled it
    sales = Activity.objects.get(area__codebook=project.codebook, slug="arms_sales")
    overruled = CodingFactory(source=source, start=0, end=20, activity=sales, area=sales.area)
    EventEvidence.objects.create(event=event, coding=overruled, primary=False)
    # and one that agrees, its undirected pair written the other way round
    swapped = CodingFactory(source=source, start=0, end=20, activity=adopted.activity,
                            area=adopted.area, confidence=adopted.confidence,
                            side_a=adopted.side_b, side_b=adopted.side_a)  # fmt: skip
    EventEvidence.objects.create(event=event, coding=swapped, primary=False)
    learnt = set(approved_codings(project).filter(source=source))
    assert learnt == {adopted, swapped}
    assert approvals_count(project) == 26

    TrainingSource.objects.create(project=project, source=source, added_by=pi)
    assert not approved_codings(project).filter(source=source).exists()
    assert approvals_count(project) == 24
