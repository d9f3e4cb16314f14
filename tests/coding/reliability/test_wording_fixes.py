"""Three small fixes: an alpha just below a minimum never prints as the minimum, a refused
training source is named by its title, and trainees with only training work are not offered
as coders of the reliability report."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from coding.models import Membership, Role
from coding.projects import remove_member, set_member
from coding.reliability import calibration, export
from coding.reliability.forms import ReliabilityFilterForm, report_coders
from coding.reliability.report import _warnings, alpha_text
from tests.coding.reliability.study import build_study
from tests.coding.reliability.test_calibration import adjudicated
from tests.coding.reliability.test_report import _headline, _report_of
from tests.factories import AssignmentFactory, MembershipFactory, SourceFactory, UserFactory

# --- 1. alpha just below 0.667 / 0.800 -----------------------------------------------------


def test_alpha_text_shows_enough_decimals_to_be_below_the_minimum():
    assert alpha_text(0.66652) == "0.6665"  # not "0.667"
    assert alpha_text(0.79996) == "0.79996"  # not "0.800", nor "0.8000"
    assert float(alpha_text(0.6669999999999999)) < 0.667
    # the usual case keeps three decimals
    assert [alpha_text(x) for x in (0.812, 0.667, 0.5, 1.0, 0.6674, -0.2)] == [
        "0.812", "0.667", "0.500", "1.000", "0.667", "-0.200",
    ]  # fmt: skip


def test_warning_for_an_alpha_just_below_the_minimum_shows_it_below():
    row = _headline("presence", "activity", 0.66652)
    (warning,) = _warnings([row])
    assert "alpha = 0.6665 is below 0.667." in warning
    assert "0.667 is below" not in warning
    (warning,) = _warnings([_headline("presence", "activity", 0.5)])
    assert "alpha = 0.500 is below 0.667." in warning


def test_methods_paragraph_shows_an_alpha_just_below_the_minimum_below_it():
    report = _report_of([
        _headline("presence", "activity", 0.66652, 0.6, 0.7),
        _headline("presence", "dyad", 0.79996, 0.7, 0.9),
        _headline("presence", "area", 0.812, 0.7, 0.9),
    ])  # fmt: skip
    text = export.methods_paragraph(report, markdown=False)
    assert "activity alpha = 0.6665 (95% CI" in text
    assert "dyad alpha = 0.79996 (95% CI" in text
    assert "area alpha = 0.812 (95% CI" in text
    assert "Values below 0.667 (presence activity)" in text


# --- 2. a refused training source is named by its title ------------------------------------


def test_refused_training_sources_are_named_by_title_and_id(project, pi):
    (done,) = adjudicated(project, pi, n=1)
    open_ = SourceFactory(project=project, title="<i>Pact</i> & more")
    with pytest.raises(calibration.CalibrationError) as caught:
        calibration.mark_training(project, [done.pk, open_.pk], pi)
    message = str(caught.value)
    assert message.endswith(f"these are not: “<i>Pact</i> & more” (#{open_.pk}).")
    assert f"“{done.title}”" not in message  # the adjudicated one is fine


def test_the_calibration_page_shows_the_refused_title_escaped(client_for, project, pi):
    open_ = SourceFactory(project=project, title="<i>Pact</i> & more")
    response = client_for(pi).post(
        reverse("calibration", kwargs={"slug": project.slug}),
        {"action": "mark", "source": [open_.pk]},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f"“&lt;i&gt;Pact&lt;/i&gt; &amp; more” (#{open_.pk})" in html
    assert "<i>Pact</i>" not in html


def test_a_long_title_is_shortened_in_the_message(project, pi):
    long = SourceFactory(project=project, title="word " * 60)
    with pytest.raises(calibration.CalibrationError) as caught:
        calibration.mark_training(project, [long.pk], pi)
    assert f"…” (#{long.pk})" in str(caught.value)


# --- 3. trainees with only training work are not offered as report coders ------------------


@pytest.fixture
def trainee_study(project, pi):
    study = build_study(project)
    sources = adjudicated(project, pi)
    calibration.mark_training(project, [s.pk for s in sources], pi)
    trainee = UserFactory(username="trainee")
    MembershipFactory(project=project, user=trainee, role=Role.CODER)
    calibration.start_round(project, trainee.pk, pi)  # training assignments only
    return study, trainee


def _choices(project):
    return {label for _pk, label in ReliabilityFilterForm(project).fields["coders"].choices}


def test_a_trainee_with_only_training_work_is_not_a_report_coder(project, trainee_study):
    study, trainee = trainee_study
    assert "trainee" not in set(report_coders(project).values_list("username", flat=True))
    assert "trainee" not in _choices(project)
    with pytest.raises(CommandError, match="trainee"):
        call_command("reliability", "--project", project.slug, "--coders", "alice,trainee")
    # once given a study source, they are
    AssignmentFactory(source=study.s3, coder=trainee)
    assert "trainee" in set(report_coders(project).values_list("username", flat=True))


def test_former_members_pis_and_new_coders_stay_listed(project, trainee_study):
    study, _trainee = trainee_study
    remove_member(project, Membership.objects.get(project=project, user=study.carol))
    set_member(project, study.bob, Role.PI)
    fresh = UserFactory(username="fresh")
    MembershipFactory(project=project, user=fresh, role=Role.CODER)  # no work yet
    names = list(report_coders(project).values_list("username", flat=True))
    assert names == ["alice", "bob", "carol", "fresh"]
    assert {"carol (former member)", "bob (now PI)", "alice", "fresh"} == _choices(project)
    out = io.StringIO()
    call_command("reliability", "--project", project.slug, "--format", "json",
                 "--resamples", "20", "--coders", "alice,carol", stdout=out)  # fmt: skip
    assert '"carol"' in out.getvalue()
