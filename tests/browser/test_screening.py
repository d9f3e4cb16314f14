"""A screening round in Chromium: the PI requires screening, a coder answers by keyboard, and
only the relevant source goes on to coding."""

import pytest
from playwright.sync_api import expect

from coding.detection.codebooks import add_shipped_aliases
from coding.models import Role, ScreeningStatus, SourceScreening
from sources.assignments import assign
from tests.factories import (
    MembershipFactory,
    PIUserFactory,
    ProjectFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_screening_round(page, live_server, login, screenshot):
    project = ProjectFactory(slug="screen", name="Screening study")
    MembershipFactory(project=project, user=PIUserFactory(username="pi"), role=Role.PI)
    add_shipped_aliases([project.codebook.pk])
    coder = UserFactory(username="coder1")
    MembershipFactory(project=project, user=coder, role=Role.CODER)

    login("pi")
    page.goto(f"{live_server.url}/projects/screen/screening/")
    page.get_by_label("Screen new sources before coding").check()
    page.get_by_label("Double-screened share (%)").fill("0")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Screening settings saved.")).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    project.refresh_from_db()
    assert project.screening_required
    quiet = SourceFactory(project=project, title="Harvest", text="Wheat prices rose in Lisbon.")
    tie = SourceFactory(
        project=project,
        title="Joint drill",
        text="🚢 Китай и Россия провели учения; 中俄 — 中国和俄罗斯. Iran observed.",
    )

    login("coder1")
    page.goto(f"{live_server.url}/projects/screen/")
    page.get_by_role("link", name="screening").click()
    page.get_by_role("link", name="Screen 2 sources").click()
    expect(page.get_by_role("heading", name="Joint drill")).to_be_visible()  # most relevant first
    marks = page.locator("article mark.actor")
    # 中俄 is China and Russia, one character each
    expect(marks).to_have_text(["Китай", "Россия", "中", "俄", "中国", "俄罗斯", "Iran"])
    screenshot("screening-source")
    page.keyboard.press("r")
    expect(page.get_by_role("heading", name="Harvest")).to_be_visible()
    page.get_by_label("Note (optional)").fill("farm prices only; r and n typed here are text")
    expect(page.get_by_role("heading", name="Harvest")).to_be_visible()
    page.locator("article").click()
    page.keyboard.press("n")
    expect(page.get_by_role("heading", name="Nothing to screen")).to_be_visible()

    screenings = {s.source_id: s for s in SourceScreening.objects.all()}
    assert screenings[tie.pk].status == ScreeningStatus.RELEVANT
    assert screenings[quiet.pk].status == ScreeningStatus.NOT_RELEVANT
    assert screenings[quiet.pk].decisions.get().note.startswith("farm prices only")
    result = assign([tie, quiet], [coder])
    assert result.created == 1 and result.held_back == 1
    page.goto(f"{live_server.url}/projects/screen/screening/")
    expect(page.locator(".screening-counts")).to_contain_text("Relevant")
    screenshot("screening-overview-coder")
