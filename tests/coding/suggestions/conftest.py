"""A project with approved codings to train the suggester on."""

import pytest
from django.utils import timezone

from coding.models import Activity, Assignment, Event, EventEvidence
from tests.factories import CodingFactory, SourceFactory

DRILL = "China and Russia held joint naval drills in the Pacific."
TRADE = "China and Russia argued about grain prices at a trade fair."
SALE = "Russia agreed to sell fighter jets to Iran."
FILLER = "Markets were calm."


def approve(project, pi, coding, n):
    event = Event.objects.create(
        project=project, event_id=f"T-{coding.pk}-{n}", codebook=project.codebook,
        dyad_type=coding.dyad_type, side_a=coding.side_a, side_b=coding.side_b,
        area=coding.area, activity=coding.activity, confidence=coding.confidence,
        approved_by=pi, approved_at=timezone.now(),
    )  # fmt: skip
    EventEvidence.objects.create(event=event, coding=coding, primary=True)


@pytest.fixture
def trained_project(project, pi, coder):
    """12 adjudicated sources: drills and arms sales approved, trade talk never coded."""
    codebook = project.codebook
    drills = Activity.objects.get(area__codebook=codebook, slug="military_exercises")
    sales = Activity.objects.get(area__codebook=codebook, slug="arms_sales")
    rus = codebook.actors.get(iso3="RUS")
    irn = codebook.actors.get(iso3="IRN")
    for n in range(12):
        text = f"Report {n}. {DRILL} {TRADE} {SALE} {FILLER}"
        source = SourceFactory(project=project, text=text)
        Assignment.objects.create(source=source, coder=coder)
        start = text.index(DRILL)
        drill = CodingFactory(
            source=source, coder=coder, start=start, end=start + len(DRILL),
            activity=drills, area=drills.area,
        )  # fmt: skip
        start = text.index(SALE)
        sale = CodingFactory(
            source=source, coder=coder, start=start, end=start + len(SALE), activity=sales,
            area=sales.area, dyad_type="directed", side_a=rus, side_b=irn,
        )  # fmt: skip
        approve(project, pi, drill, n)
        approve(project, pi, sale, n)
    return project
