"""The reliability page and its downloads name a coder removed from the project "bob (former
member)" and a coder who became a PI "carol (now PI)", as the dashboard and the review pages do:
the mark muted on the page, plain in the downloads. The report is cached; the marks are read from
the memberships when it is shown, so a coder removed after it was computed is marked too."""

import csv
import io
import json

import pytest
from django.urls import reverse

from coding.models import Membership, Role
from coding.projects import member_marks, remove_member, set_member
from coding.reliability import jobs as reliability_jobs
from coding.reliability.report import SEED
from coding.review.decisions import accept
from tests.coding.reliability.study import build_study
from tests.factories import UserFactory

FORMER = '<span class="muted">(former member)</span>'
NOW_PI = '<span class="muted">(now PI)</span>'


@pytest.fixture(autouse=True)
def few_resamples(monkeypatch):
    monkeypatch.setattr(reliability_jobs, "N_RESAMPLES", 100)
    original = reliability_jobs.compute
    calls = []

    def compute(project, filters, *, n_resamples=100, seed=SEED, key=None, method="units"):
        calls.append(filters)
        return original(
            project, filters, n_resamples=n_resamples, seed=seed, key=key, method=method
        )

    monkeypatch.setattr(reliability_jobs, "compute", compute)
    return calls


@pytest.fixture
def study(project, pi):
    study = build_study(project)
    # S1 decided on alice's and bob's heads_of_state: bob's other coding there is left out
    accept(pi, project, [study.codings["a1"], study.codings["b1"]], study.codings["a1"])
    return study


def url(project, name="reliability", **kwargs):
    return reverse(name, kwargs={"slug": project.slug, **kwargs})


def leave(study):
    """bob is removed from the project, carol becomes a PI."""
    project = study.project
    remove_member(project, Membership.objects.get(project=project, user=study.bob))
    set_member(project, study.carol, Role.PI)


def test_the_page_marks_them_in_every_table_even_from_a_report_cached_before(
    client_for, pi, study, few_resamples
):
    client = client_for(pi)
    before = client.get(url(study.project))
    assert FORMER not in before.content.decode()
    leave(study)
    response = client.get(url(study.project))
    assert len(few_resamples) == 1  # the cached report, computed while bob was a member
    assert response.context["report"]["coders"] == ["alice", "bob", "carol"]  # not stored
    html = response.content.decode()
    bob, carol = f"bob {FORMER}", f"carol {NOW_PI}"
    assert f"<td>alice · {bob}</td>" in html and f"<td>{bob} · {carol}</td>" in html  # pairs
    assert f"<tr><td>{bob}</td>" in html and f"<tr><td>{carol}</td>" in html  # each left out
    assert f"({bob}: 1)" in html  # the codings left out of the reference
    assert f"<td>activity</td><td>{bob}</td>" in html  # agreement with the reference
    assert f"<h4>{bob}</h4>" in html and f"<h4>{carol}</h4>" in html  # most frequent differences
    assert "<h4>alice</h4>" in html  # a coder: no mark


def test_the_downloads_name_them_in_plain_text(client_for, pi, study):
    client = client_for(pi)
    client.get(url(study.project))  # computed and cached while they were coders
    leave(study)
    chosen = {"coders": [study.alice.pk, study.bob.pk, study.carol.pk]}
    md = client.get(url(study.project, "reliability-download", fmt="md"), chosen)
    text = md.content.decode()
    assert "filters: coders alice, bob (former member), carol (now PI)" in text
    assert "| leave-one-out | activity | bob (former member) | presence | alpha |" in text
    assert "| reference | activity | carol (now PI) | vs reference | alpha |" in text
    assert "<span" not in text

    response = client.get(url(study.project, "reliability-download", fmt="csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    named = {cell for row in rows if row[0] in ("coder_pairs", "clinic") for cell in row[3:5]}
    assert {"alice", "bob (former member)", "carol (now PI)"} <= named
    assert not named & {"bob", "carol"}
    pairs = [row[3:5] for row in rows if row[0] == "coder_pairs" and row[5] == "alpha"]
    assert ["bob (former member)", "carol (now PI)"] in pairs

    data = json.loads(client.get(url(study.project, "reliability-download", fmt="json")).content)
    assert data["coders"] == ["alice", "bob", "carol"]  # data: the usernames, marks beside
    assert data["meta"]["coder_marks"] == {"bob": "(former member)", "carol": "(now PI)"}


def test_the_marks_take_one_query_however_many_coders(
    project, pi, study, django_assert_num_queries
):
    leave(study)
    more = [UserFactory(username=f"extra{i}").username for i in range(5)]
    with django_assert_num_queries(1):
        marks = member_marks(project, ["alice", "bob", "carol", "pi-user", *more])
    assert marks == {"alice": "", "bob": "(former member)", "carol": "(now PI)",
                     "pi-user": "", **{name: "(former member)" for name in more}}  # fmt: skip


def test_a_name_stays_escaped(client_for, pi, project):
    study = build_study(project)
    study.bob.username = "<b>bob</b>"
    study.bob.save()
    remove_member(project, Membership.objects.get(project=project, user=study.bob))
    html = client_for(pi).get(url(project)).content.decode()
    assert f"&lt;b&gt;bob&lt;/b&gt; {FORMER}" in html and "<b>bob</b>" not in html
