import datetime as dt

import pytest

from coding.models import Activity, Event, Role
from coding.review import decisions
from tests.factories import (
    CodingFactory,
    DoneAssignmentFactory,
    MembershipFactory,
    SourceFactory,
    UserFactory,
)

HEADLINE = "Си Цзиньпин в Москве; 习近平访问莫斯科 — دیدار در مسکو 🚀"
OUTLET = "ТАСС"  # noqa: RUF001
NOTE = 'Summit «Москва» 峰会, یادداشت, "quoted", comma, 🚀\nsecond line'


@pytest.fixture
def dataset(project, pi):
    """Three approved events: a two-source undirected summit with non-Latin text, a directed
    arms sale and a multilateral exercise among three states."""
    codebook = project.codebook
    coder_a = UserFactory(username="кодер-a")
    coder_b = UserFactory(username="coder-b")
    for user in (coder_a, coder_b):
        MembershipFactory(project=project, user=user, role=Role.CODER)
    summit = SourceFactory(
        project=project, title=HEADLINE, outlet=OUTLET, url="https://example.org/a/1",
        published_date=dt.date(2023, 3, 22),
        text="习近平 met Путин in Moscow. یادداشت 🚀 \"They agreed\", officials said.",
    )  # fmt: skip
    second = SourceFactory(
        project=project, title="Xi in Moscow", outlet="Xinhua", url="https://example.org/b/2",
        published_date=dt.date(2023, 3, 21), text="Xi Jinping arrived in Moscow on Monday.",
    )  # fmt: skip
    heads = Activity.objects.get(area__codebook=codebook, slug="heads_of_state")
    arms = Activity.objects.get(area__codebook=codebook, slug="arms_sales")
    drills = Activity.objects.get(area__codebook=codebook, slug="military_exercises")
    for s in (summit, second):
        DoneAssignmentFactory(source=s, coder=coder_a)
        DoneAssignmentFactory(source=s, coder=coder_b)

    def coding(source, coder, start, end, activity, **kw):
        return CodingFactory(
            source=source, coder=coder, start=start, end=end, activity=activity,
            area=activity.area, event_date=kw.pop("event_date", dt.date(2023, 3, 21)),
            date_precision=kw.pop("date_precision", "day"), **kw,
        )  # fmt: skip

    a1 = coding(summit, coder_a, 0, 26, heads, note=NOTE, confidence=3)
    b1 = coding(summit, coder_b, 0, 30, heads, confidence=3)
    e1 = decisions.edit_and_accept(pi, project, [a1, b1], a1, {"note": NOTE}).event
    c2 = coding(second, coder_b, 0, 38, heads)
    decisions.attach(pi, project, [c2], e1)

    rus, prk, irn = (codebook.actors.get(iso3=x) for x in ("RUS", "PRK", "IRN"))
    a2 = coding(summit, coder_a, 40, 52, arms, dyad_type="directed", side_a=rus, side_b=prk,
                event_date=dt.date(2024, 2, 1), date_precision="month", confidence=1)  # fmt: skip
    decisions.accept(pi, project, [a2], a2)
    a3 = coding(summit, coder_a, 53, 60, drills, dyad_type="multilateral", side_a=None,
                side_b=None, setting="multilateral", forum="Security Belt",
                event_date=dt.date(2024, 3, 1), date_precision="year")  # fmt: skip
    a3.participants.set([codebook.actors.get(iso3="CHN"), rus, irn])
    decisions.accept(pi, project, [a3], a3)
    return Event.objects.filter(project=project)
