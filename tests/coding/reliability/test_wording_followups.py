"""Follow-ups of test_wording_fixes: the calibration page and the reliability page show an alpha
just below a minimum below it (never as the minimum beside a failing check or a row marked
below it), and every calibration message names sources by title."""

import re

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from coding.models import Assignment
from coding.reliability import calibration
from coding.reliability import views as reliability_views
from coding.reliability.calibration import VariableAgreement
from coding.review.decisions import accept
from coding.workspace.queue import mark_done
from tests.coding.reliability.test_calibration import adjudicated, other_activity
from tests.coding.reliability.test_report import _headline, _report_of
from tests.factories import (
    CodingFactory,
    DoneAssignmentFactory,
    MembershipFactory,
    SourceFactory,
    UserFactory,
)

# --- 1. the calibration page: alpha against the pass mark --------------------------------------


def test_calibration_alpha_just_below_the_pass_mark_is_not_shown_as_the_mark():
    failing = VariableAgreement("dyad", 0.79996, 0.9, 20, False, 0.80)
    assert failing.alpha_text == "0.79996"  # not "0.800" beside "≥ 0.80? not yet"
    # the project's own pass mark, not the report's minimums
    assert VariableAgreement("dyad", 0.74996, 0.9, 20, False, 0.75).alpha_text == "0.74996"
    assert VariableAgreement("dyad", 0.79996, 0.9, 20, True, 0.75).alpha_text == "0.800"
    # the usual case and undefined alpha are as before
    assert VariableAgreement("area", 0.812, 0.9, 20, True, 0.80).alpha_text == "0.812"
    assert VariableAgreement("area", None, 1.0, 3, True, 0.80).alpha_text == "undefined"


def test_agreement_carries_the_pass_mark_it_decided_with():
    mine = {1: {"dyad": {"a"}, "area": {"x"}, "activity": {"p", "q"}}}
    reference = {1: {"dyad": {"a"}, "area": {"y"}, "activity": {"p"}}}
    for v in calibration.agreement(mine, reference, 0.75):
        assert v.threshold == 0.75


def test_calibration_table_shows_the_alpha_below_its_failing_check():
    html = render_to_string(
        "coding/reliability/calibration_agreement.html",
        {"variables": [VariableAgreement("dyad", 0.79996, 0.9, 20, False, 0.80)],
         "threshold": 0.80},
    )  # fmt: skip
    assert "<td>0.79996</td>" in html and "not yet" in html
    assert "0.800" not in html


def test_calibration_overview_shows_the_alpha_below_the_mark(
    client_for, project, pi, coder, monkeypatch
):
    sources = adjudicated(project, pi)
    calibration.mark_training(project, [s.pk for s in sources], pi)
    calibration.start_round(project, coder.pk, pi)
    CodingFactory(source=sources[0], coder=coder, activity=other_activity(project))
    for s in sources:
        mark_done(Assignment.objects.get(source=s, coder=coder))
    monkeypatch.setattr(calibration, "alpha", lambda data, level: 0.79996)
    response = client_for(pi).get(reverse("calibration", kwargs={"slug": project.slug}))
    html = response.content.decode()
    (row,) = response.context["rows"]
    assert project.calibration_threshold == 0.80 and not row.passed
    cells = re.findall(r'<td class="cal-(pass|fail)">([^ ]+) \(', html)
    assert cells == [("fail", "0.79996")] * 3  # not "0.800", shown as failing the 0.80 mark


# --- 2. the reliability page: the shown alpha agrees with the row's mark -----------------------


def _rows_of(html, table_id):
    table = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    return [
        (tr.split(">", 1)[0], re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S))
        for tr in table.split("<tr")[2:]  # the header row first
    ]


@pytest.fixture
def fake_report(monkeypatch):
    report = _report_of([
        _headline("presence", "activity", 0.66652, 0.6, 0.7),
        _headline("presence", "dyad", 0.6674, 0.6, 0.7),
        _headline("presence", "area", 0.812, 0.7, 0.9),
        _headline("sentences", "area", None, note="no variation"),
    ])  # fmt: skip
    reference_row = {
        "label": "alice",
        "alpha": 0.66652,
        "low": None,
        "high": None,
        "sources": 12,
        "left_out": 0,
        "note": "",
        "interval_note": "no interval",
    }
    report["clinic"] = {"reference": {
        "rows": {"activity": [reference_row, {**reference_row, "label": "bob", "alpha": 0.9}]},
        "sources": 12, "disagreements": {}, "left_out": 0, "left_out_by_coder": {},
    }}  # fmt: skip
    monkeypatch.setattr(
        reliability_views.jobs, "report_or_start", lambda project, filters: ("k", report, None)
    )
    return report


def test_reliability_page_shows_an_alpha_below_the_minimum_below_it(
    client_for, project, pi, fake_report
):
    response = client_for(pi).get(reverse("reliability", kwargs={"slug": project.slug}))
    assert response.status_code == 200
    html = response.content.decode()
    rows = {(cells[0], cells[1]): (tr, cells[4]) for tr, cells in _rows_of(html, "alpha-table")}
    tr, alpha = rows[("presence", "activity")]
    assert "rel-low" in tr and alpha == "0.6665"  # not "0.667" in a row marked below 0.667
    tr, alpha = rows[("presence", "dyad")]
    assert "rel-low" not in tr and alpha == "0.667"
    tr, alpha = rows[("presence", "area")]
    assert "rel-low" not in tr and alpha == "0.812"
    assert "n/a" in rows[("sentences", "area")][1]
    reference = {cells[1]: (tr, cells[3]) for tr, cells in _rows_of(html, "reference-agreement")}
    assert "rel-low" in reference["alice"][0] and reference["alice"][1] == "0.6665"
    assert "rel-low" not in reference["bob"][0] and reference["bob"][1] == "0.900"
    # the cached report is not changed by the page
    assert "alpha_text" not in fake_report["rows"][0]


# --- 3. unmark_training and start_round name sources by title --------------------------------


def test_unmark_training_names_the_given_sources_by_title(project, pi, coder):
    sources = adjudicated(project, pi, n=3)
    calibration.mark_training(project, [s.pk for s in sources], pi)
    calibration.start_round(project, coder.pk, pi)
    with pytest.raises(calibration.CalibrationError) as caught:
        calibration.unmark_training(project, [sources[0].pk])
    assert f"these training sources: “Training <b>0</b>” (#{sources[0].pk}). Their" in str(
        caught.value
    )
    with pytest.raises(calibration.CalibrationError) as caught:
        calibration.unmark_training(project, [s.pk for s in sources])
    names = ", ".join(f"“{s.title}” (#{s.pk})" for s in sorted(sources, key=lambda s: s.pk))
    assert f"these training sources: {names}. Their" in str(caught.value)


def _queries(call):
    with CaptureQueriesContext(connection) as queries, pytest.raises(calibration.CalibrationError):
        call()
    return len(queries)


def test_the_titles_take_one_query_however_many_sources(project, pi, coder):
    sources = adjudicated(project, pi, n=4)
    calibration.mark_training(project, [s.pk for s in sources], pi)
    calibration.start_round(project, coder.pk, pi)
    one = _queries(lambda: calibration.unmark_training(project, [sources[0].pk]))
    four = _queries(lambda: calibration.unmark_training(project, [s.pk for s in sources]))
    assert one == four


def _built_by(project, pi, coder, title):
    source = SourceFactory(project=project, title=title)
    coding = CodingFactory(source=source, coder=coder)
    DoneAssignmentFactory(source=source, coder=coder)
    accept(pi, project, [coding], coding)
    return source


def test_start_round_names_the_sources_the_coder_built_by_title(client_for, project, pi, coder):
    built = [_built_by(project, pi, coder, t) for t in ("<i>Pact</i> & more", "Second")]
    calibration.mark_training(project, [s.pk for s in built], pi)
    with pytest.raises(calibration.CalibrationError) as caught:
        calibration.start_round(project, coder.pk, pi)
    assert (
        f"coded training source(s) “<i>Pact</i> & more” (#{built[0].pk}), “Second” "
        f"(#{built[1].pk}) before they became" in str(caught.value)
    )
    # escaped on the page
    response = client_for(pi).post(
        reverse("calibration", kwargs={"slug": project.slug}),
        {"action": "start", "coder": coder.pk},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert escape(f"“<i>Pact</i> & more” (#{built[0].pk})") in html
    assert "<i>Pact</i>" not in html


def test_start_round_is_still_given_to_a_coder_who_built_nothing(project, pi):
    calibration.mark_training(project, [s.pk for s in adjudicated(project, pi)], pi)
    fresh = UserFactory(username="fresh")
    MembershipFactory(project=project, user=fresh, role="coder")
    assert calibration.start_round(project, fresh.pk, pi).coder_id == fresh.pk
