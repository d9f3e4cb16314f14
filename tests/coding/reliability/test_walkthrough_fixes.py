"""Fixes from a walkthrough: the downloads' alpha tables print an alpha just below a minimum
below it, the calibration page says why no coder can be given the training set, keeps the PI's
ticks when marking is refused, and words every out-of-range pass mark alike."""

import csv
import io
import re

import pytest
from django.urls import reverse

from coding.models import Role
from coding.reliability import calibration, export
from coding.reliability.report import _warnings
from coding.review.decisions import accept
from tests.coding.reliability.test_calibration import adjudicated
from tests.coding.reliability.test_report import _headline, _report_of
from tests.factories import (
    CodingFactory,
    DoneAssignmentFactory,
    MembershipFactory,
    SourceFactory,
    UserFactory,
)

# --- 1. the downloads' alpha tables ----------------------------------------------------------


@pytest.fixture
def just_below():
    """A report whose presence activity alpha is 0.66667: below 0.667, "0.667" at 3 decimals."""
    rows = [
        _headline("presence", "activity", 0.66667, 0.6, 0.7),
        _headline("presence", "dyad", 0.812, 0.7, 0.9),
    ]
    report = _report_of(rows)
    report["warnings"] = _warnings(rows)
    return report


def test_markdown_table_prints_the_alpha_below_the_minimum(just_below):
    text = export.to_markdown(just_below)
    assert "alpha = 0.6667 is below 0.667." in text  # the warning...
    assert "activity *\u03b1* = 0.6667" in text  # ...the methods paragraph...
    (row,) = [line for line in text.splitlines() if line.startswith("| presence | activity")]
    assert "| 0.6667 |" in row  # ...and the table agree
    assert "| 0.667 |" not in row
    (row,) = [line for line in text.splitlines() if line.startswith("| presence | dyad")]
    assert "| 0.812 |" in row  # the usual case keeps three decimals


def test_latex_table_prints_the_alpha_below_the_minimum(just_below):
    text = export.to_latex(just_below)
    (row,) = [line for line in text.splitlines() if line.startswith("presence & activity")]
    assert row.split(" & ")[3] == "0.6667"
    (row,) = [line for line in text.splitlines() if line.startswith("presence & dyad")]
    assert row.split(" & ")[3] == "0.812"


def test_pdf_table_prints_the_alpha_below_the_minimum(just_below):
    activity, dyad = export.pdf_table(just_below)[:2]
    assert re.search(r"\s0\.6667\s", activity) and " 0.667 " not in activity
    assert re.search(r"\s0\.812\s", dyad)
    assert export.to_pdf(just_below).startswith(b"%PDF")


def test_an_undefined_alpha_still_prints_as_before(just_below):
    just_below["rows"].append(_headline("presence", "area", None, note="no variation"))
    assert "| n/a |" in export.to_markdown(just_below)
    assert "presence & area & all categories & -- &" in export.to_latex(just_below)


def test_csv_keeps_the_unrounded_alpha(just_below):
    rows = list(csv.DictReader(io.StringIO(export.to_csv(just_below))))
    (alpha,) = [r for r in rows if r["variable"] == "activity" and r["measure"] == "alpha"]
    assert alpha["value"] == "0.66667"


# --- 2. no coder can be given the training set -----------------------------------------------


def url(project):
    return reverse("calibration", kwargs={"slug": project.slug})


def test_no_button_but_a_reason_when_the_only_coder_built_the_reference(
    client_for, project, pi, coder
):
    source = SourceFactory(project=project)
    coding = CodingFactory(source=source, coder=coder)
    DoneAssignmentFactory(source=source, coder=coder)
    accept(pi, project, [coding], coding)
    calibration.mark_training(project, [source.pk], pi)
    html = client_for(pi).get(url(project)).content.decode()
    assert 'id="calibration-start"' not in html
    assert "Assign training set" not in html
    assert 'id="calibration-no-trainee"' in html
    assert (
        f"the project&#x27;s only coder ({coder.username}) coded training sources before they "
        "became training sources" in html
    )


def test_no_button_but_a_reason_when_the_project_has_no_coder(client_for, project, pi):
    html = client_for(pi).get(url(project)).content.decode()
    assert "Assign training set" not in html
    assert "No coder can be given the training set: the project has no coders yet." in html


def test_the_form_shows_while_a_coder_can_be_given_the_set(client_for, project, pi, coder):
    html = client_for(pi).get(url(project)).content.decode()
    assert 'id="calibration-start"' in html and "Assign training set" in html
    assert 'id="calibration-no-trainee"' not in html


def test_a_start_without_a_coder_says_to_choose_one(client_for, project, pi):
    client = client_for(pi)
    for data in ({"action": "start", "coder": ""}, {"action": "start"}):
        response = client.post(url(project), data)
        assert response.status_code == 400
        html = response.content.decode()
        assert "Choose a coder to give the training set to." in html
        assert "ids are numbers" not in html
    response = client.post(url(project), {"action": "admit", "coder": ""})
    assert response.status_code == 400
    assert "Choose a coder to admit." in response.content.decode()


# --- 3. a refused marking keeps the ticks ----------------------------------------------------


def test_a_refused_marking_keeps_the_ticked_sources(client_for, project, pi):
    first, second, third = adjudicated(project, pi, n=3)
    open_ = SourceFactory(project=project, title="Still open")
    response = client_for(pi).post(
        url(project), {"action": "mark", "source": [first.pk, third.pk, open_.pk]}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f"(#{open_.pk})" in html  # the refusal names it
    form = html[html.index('id="calibration-mark"') :]
    for source, ticked in ((first, True), (second, False), (third, True)):
        box = re.search(rf'<input type="checkbox" name="source" value="{source.pk}"[^>]*>', form)
        assert (" checked" in box.group(0)) is ticked, source


def test_a_refused_removal_keeps_the_ticked_training_sources(client_for, project, pi, coder):
    first, second = adjudicated(project, pi, n=2)
    calibration.mark_training(project, [first.pk, second.pk], pi)
    calibration.start_round(project, coder.pk, pi)  # given: removing them is refused
    response = client_for(pi).post(url(project), {"action": "unmark", "source": [second.pk]})
    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(rf'value="{second.pk}" checked>', html)
    assert not re.search(rf'value="{first.pk}" checked>', html)


# --- 4. the pass mark ------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["abc", "-0.1", "2", "nan", ""])
def test_every_out_of_range_pass_mark_gets_the_same_message(client_for, project, pi, value):
    response = client_for(pi).post(url(project), {"action": "threshold", "threshold": value})
    assert response.status_code == 400
    assert "The pass mark is a number between 0 and 1, such as 0.80." in response.content.decode()


def test_set_threshold_words_its_range_as_the_page_does(project):
    with pytest.raises(calibration.CalibrationError) as caught:
        calibration.set_threshold(project, -0.1)
    assert str(caught.value) == calibration.THRESHOLD_RANGE


def test_the_pass_mark_input_is_a_narrow_number(client_for, project, pi):
    html = client_for(pi).get(url(project)).content.decode()
    assert re.search(r'<input type="number" class="num" name="threshold"', html)


def test_a_coder_with_a_round_is_still_offered_more_training(client_for, project, pi):
    """Pressing *Assign training set* again later gives a coder new training sources, so a
    coder with a round stays in the choice (docs/calibration.md)."""
    trainee = UserFactory(username="trainee")
    MembershipFactory(project=project, user=trainee, role=Role.CODER)
    (source,) = adjudicated(project, pi, n=1)
    calibration.mark_training(project, [source.pk], pi)
    calibration.start_round(project, trainee.pk, pi)
    html = client_for(pi).get(url(project)).content.decode()
    assert f'<option value="{trainee.pk}">trainee</option>' in html
