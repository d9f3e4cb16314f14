"""Logging in, creating a project and adding a member, in Chromium."""

import pytest
from playwright.sync_api import expect

from coding.models import Membership, Project, Role
from tests.factories import CodebookFactory, PIUserFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pi_creates_project_and_adds_a_coder(page, live_server, login, screenshot):
    pi = PIUserFactory(username="pi")
    CodebookFactory(name="Security ties", version="1.0")
    UserFactory(username="coder1")
    login("pi")
    screenshot("project-list-empty")
    page.get_by_role("link", name="New project").click()
    page.get_by_label("Name").fill("Naval ties 2024")
    page.get_by_label("Slug").fill("naval-2024")
    page.get_by_role("button", name="Create project").click()
    expect(page.get_by_role("heading", name="Naval ties 2024")).to_be_visible()
    form = page.locator("#add-member")
    form.get_by_label("Username").fill("coder1")
    form.get_by_role("button", name="Add").click()
    expect(page.get_by_text("coder1 is now a member of Naval ties 2024.")).to_be_visible()
    screenshot("project-detail-pi")
    project = Project.objects.get(slug="naval-2024")
    assert Membership.objects.get(project=project, user=pi).role == Role.PI
    assert Membership.objects.get(project=project, user__username="coder1").role == Role.CODER

    page.get_by_role("link", name="read the definitions").click()
    expect(page.get_by_role("heading", name="Security ties v1.0")).to_be_visible()
    screenshot("codebook")


def test_coder_sees_only_own_projects_and_logs_out(page, live_server, login):
    coder = UserFactory(username="coder2")
    mine = Project.objects.create(slug="mine", name="My study", codebook=CodebookFactory())
    Project.objects.create(slug="theirs", name="Their study", codebook=mine.codebook)
    Membership.objects.create(project=mine, user=coder, role=Role.CODER)
    login("coder2")
    expect(page.get_by_role("link", name="My study")).to_be_visible()
    expect(page.get_by_text("Their study")).to_have_count(0)
    expect(page.get_by_role("link", name="New project")).to_have_count(0)
    page.get_by_role("button", name="Log out").click()
    page.goto(f"{live_server.url}/projects/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/projects/")
