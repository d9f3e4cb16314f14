"""Screening stays blind: a coder sees only their own answers and nothing that depends on another
screener's (no conflict status, no disagreement count, no refusal that differs by what the
other screener answered); the PI still sees conflicts."""

import pytest
from django.test import Client

from coding.models import Role, ScreeningStatus
from coding.screening.decisions import decide
from tests.factories import MembershipFactory, SourceFactory, UserFactory

pytestmark = pytest.mark.django_db

TIE = "China and Russia held a naval drill. Iran watched."


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def screening_project(project):
    project.screening_required = True
    project.screening_double_percent = 0
    project.save()
    return project


@pytest.fixture
def second(screening_project):
    user = UserFactory(username="coder-b")
    MembershipFactory(project=screening_project, user=user, role=Role.CODER)
    return user


def double_screened(project, n=0):
    item = SourceFactory(project=project, text=f"{TIE} ({n})").screening
    item.double = True
    item.save()
    return item


def test_a_coders_decisions_do_not_reveal_a_conflict(screening_project, coder, second, pi):
    item = double_screened(screening_project)
    decide(item, coder, True)  # coder-a: relevant
    url = f"/api/projects/{screening_project.slug}/screening/decisions/"
    made = client_of(second).post(url, {"source": item.source_id, "relevant": False})
    assert made.status_code == 201
    item.refresh_from_db()
    assert item.status == ScreeningStatus.CONFLICT
    assert made.json()["status"] == "answered"
    mine = client_of(second).get(url).json()
    assert [(d["screener"], d["relevant"], d["status"]) for d in mine] == [
        ("coder-b", False, "answered")
    ]
    everyone = client_of(pi).get(url).json()
    assert {d["status"] for d in everyone} == {ScreeningStatus.CONFLICT}
    assert len(everyone) == 2


def test_single_screened_decisions_keep_their_status(screening_project, coder):
    item = SourceFactory(project=screening_project, text=TIE).screening
    url = f"/api/projects/{screening_project.slug}/screening/decisions/"
    made = client_of(coder).post(url, {"source": item.source_id, "relevant": True})
    assert made.json()["status"] == ScreeningStatus.RELEVANT


def test_a_coders_summary_and_overview_show_no_disagreement(screening_project, coder, second, pi):
    disagree = double_screened(screening_project, 1)
    agree = double_screened(screening_project, 2)
    decide(disagree, coder, True)
    decide(disagree, second, False)
    decide(agree, coder, True)
    decide(agree, second, True)
    api = f"/api/projects/{screening_project.slug}/screening/"
    summary = client_of(second).get(api).json()
    assert "counts" not in summary and "agreement" not in summary
    assert summary["your_answers"] == {"relevant": 1, "not_relevant": 1}
    assert client_of(pi).get(api).json()["counts"][ScreeningStatus.CONFLICT] == 1
    page = f"/projects/{screening_project.slug}/screening/"
    html = client_of(second).get(page).content.decode()
    assert "Screeners disagree" not in html and "disagree" not in html.lower()
    assert "Relevant (your answers)" in html
    assert "Screeners disagree" in client_of(pi).get(page).content.decode()


def test_answering_again_is_refused_whatever_the_other_screener_said(
    screening_project, coder, second
):
    url = f"/api/projects/{screening_project.slug}/screening/decisions/"
    pending = double_screened(screening_project, 1)  # only coder-b answers
    conflict = double_screened(screening_project, 2)  # coder-a disagrees
    settled = double_screened(screening_project, 3)  # coder-a agrees
    decide(conflict, coder, True)
    decide(settled, coder, False)
    client = client_of(second)
    for item in (pending, conflict, settled):
        assert client.post(url, {"source": item.source_id, "relevant": False}).status_code == 201
    answers = []
    for item in (pending, conflict, settled):
        again = client.post(url, {"source": item.source_id, "relevant": True})
        answers.append((again.status_code, again.json()["detail"]))
    assert answers == [(409, "You already answered this source.")] * 3
    conflict.refresh_from_db()
    assert conflict.status == ScreeningStatus.CONFLICT  # a PI settles it
