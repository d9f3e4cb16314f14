"""A new coder completes a calibration round and sees their comparison; the PI sees who passed
and admits them."""

import re

import pytest
from playwright.sync_api import expect

from coding.models import Activity, CalibrationRound, Role
from coding.reliability import calibration
from tests.browser.test_workspace import PASSAGE, TEXT, fill_form, open_workspace, select_points
from tests.factories import (
    CodingFactory,
    DoneAssignmentFactory,
    EventEvidenceFactory,
    MembershipFactory,
    PIUserFactory,
    ProjectFactory,
    SourceFactory,
    UserFactory,
)


@pytest.fixture
def study(db):
    project = ProjectFactory(slug="ties", name="Security ties")
    pi = PIUserFactory(username="pi")
    MembershipFactory(project=project, user=pi, role=Role.PI)
    trainee = UserFactory(username="newcoder")
    MembershipFactory(project=project, user=trainee, role=Role.CODER)
    source = SourceFactory(project=project, title="Joint patrol", text=TEXT, language="en")
    veteran = UserFactory(username="veteran")
    start = TEXT.index(PASSAGE)
    activity = Activity.objects.get(slug="military_exercises", area__codebook=project.codebook)
    coding = CodingFactory(
        source=source, coder=veteran, start=start, end=start + len(PASSAGE), activity=activity
    )
    DoneAssignmentFactory(source=source, coder=veteran)
    EventEvidenceFactory(event__project=project, event__approved_by=pi, event__activity=activity,
                         event__area=activity.area, coding=coding)  # fmt: skip
    calibration.mark_training(project, [source.pk], pi)
    calibration.start_round(project, trainee.pk, pi)
    return project, source, trainee


def test_a_new_coder_completes_a_round_and_the_pi_admits_them(
    page, live_server, login, screenshot, study
):
    project, source, trainee = study
    start = TEXT.index(PASSAGE)
    login("newcoder")
    page.goto(f"{live_server.url}/projects/{project.slug}/calibration/")
    expect(page.locator("#calibration-progress")).to_contain_text("0 of 1 done")
    screenshot("calibration-coder-round")
    page.get_by_role("link", name="code it").click()
    expect(page.locator("#reader[data-ready]")).to_have_count(1)
    select_points(page, start, start + len(PASSAGE))
    fill_form(page)
    page.locator("#cf-save").click()
    expect(page.locator("#save-status")).to_have_text(re.compile("Saved|All changes saved"))
    page.locator("#mark-done").click()
    page.wait_for_url(re.compile(r"/calibration/sources/\d+/$"))
    expect(page.locator("#calibration-reference")).to_contain_text(PASSAGE[:30])
    expect(page.locator("#calibration-mine")).to_contain_text("✓ CHN \u2013 RUS")
    expect(page.locator("#calibration-agreement")).to_contain_text("100%")
    screenshot("calibration-comparison")
    # back in the workspace, the done training source offers no Reopen (it would be refused)
    page.goto(f"{live_server.url}/projects/{project.slug}/sources/{source.pk}/code/")
    expect(page.locator("#reader[data-ready]")).to_have_count(1)
    expect(page.locator("#assignment-status")).to_have_text("Done")
    expect(page.locator("#reopen")).to_be_hidden()

    page.context.clear_cookies()
    login("pi")
    page.goto(f"{live_server.url}/projects/{project.slug}/calibration/")
    row = page.locator('tr[data-coder="newcoder"]')
    expect(row).to_contain_text("1 / 1 done")
    expect(row).to_contain_text("passed")
    screenshot("calibration-pi-overview")
    row.get_by_role("button", name="Admit to the main sample").click()
    expect(page.locator('tr[data-coder="newcoder"]')).to_contain_text("admitted")
    assert CalibrationRound.objects.get(coder=trainee).admitted
    screenshot("calibration-pi-admitted")


def test_the_workspace_of_a_training_source_is_blind(page, live_server, login, study):
    project, source, _ = study
    login("newcoder")
    open_workspace(page, live_server, project, source)
    expect(page.locator("#coding-list li")).to_have_count(0)  # not the veteran's coding
    response = page.goto(
        f"{live_server.url}/projects/{project.slug}/calibration/sources/{source.pk}/"
    )
    assert response.status == 403
