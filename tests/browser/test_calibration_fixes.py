"""The calibration page after the walkthrough fixes: a narrow pass-mark input, the ticks a
refused marking keeps, and a reason instead of an empty coder choice."""

import pytest
from playwright.sync_api import expect

from coding.models import Role
from coding.reliability import calibration
from coding.review.decisions import accept
from tests.coding.reliability.test_calibration import adjudicated
from tests.factories import (
    CodingFactory,
    DoneAssignmentFactory,
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
    training, *candidates = adjudicated(project, pi, n=3)
    calibration.mark_training(project, [training.pk], pi)
    calibration.start_round(project, trainee.pk, pi)
    return project, candidates


@pytest.mark.parametrize("width", [1280, 390])
def test_pass_mark_input_is_narrow_and_a_refused_marking_keeps_the_ticks(
    page, live_server, login, screenshot, study, width
):
    project, (first, second) = study
    open_ = SourceFactory(project=project, title="Still open")
    page.set_viewport_size({"width": width, "height": 860})
    login("pi")
    page.goto(f"{live_server.url}/projects/{project.slug}/calibration/")
    box = page.locator('#calibration-threshold input[name="threshold"]').bounding_box()
    assert box["width"] <= 100, box  # 5.5rem, not the width of the label's text
    screenshot(f"calibration-fixes-{width}")
    # a source whose review is not finished is ticked along (as a stale page might): refused
    form = page.locator("#calibration-mark")
    form.locator(f'input[value="{first.pk}"]').check()
    form.evaluate(
        """(form, pk) => form.querySelector('ul').insertAdjacentHTML('beforeend',
           `<li><input type="checkbox" name="source" value="${pk}" checked></li>`)""",
        open_.pk,
    )
    form.get_by_role("button", name="Mark as training sources").click()
    expect(page.locator("#calibration-error")).to_contain_text(f"(#{open_.pk})")
    expect(page.locator(f'#calibration-mark input[value="{first.pk}"]')).to_be_checked()
    expect(page.locator(f'#calibration-mark input[value="{second.pk}"]')).not_to_be_checked()


def test_no_coder_to_give_the_set_to_is_said_instead_of_an_empty_choice(
    page, live_server, login, screenshot, db
):
    project = ProjectFactory(slug="solo", name="Solo coder")
    pi = PIUserFactory(username="pi")
    MembershipFactory(project=project, user=pi, role=Role.PI)
    only = UserFactory(username="onlycoder")
    MembershipFactory(project=project, user=only, role=Role.CODER)
    source = SourceFactory(project=project)
    coding = CodingFactory(source=source, coder=only)
    DoneAssignmentFactory(source=source, coder=only)
    accept(pi, project, [coding], coding)
    calibration.mark_training(project, [source.pk], pi)
    login("pi")
    page.goto(f"{live_server.url}/projects/{project.slug}/calibration/")
    expect(page.get_by_role("button", name="Assign training set")).to_have_count(0)
    expect(page.locator("#calibration-no-trainee")).to_contain_text(
        "the project's only coder (onlycoder) coded training sources before they became"
    )
    screenshot("calibration-fixes-no-trainee")
