"""The workspace's coder filter in Chromium (a PI's): a coder removed from the project is listed
as "coder2 (former member)" and a coder who became a PI as "eve (now PI)", as on the review
pages; choosing them still filters by their username."""

import pytest
from playwright.sync_api import expect

from coding.models import Membership, Role
from coding.projects import remove_member, set_member
from tests.browser.review_study import two_coders_done
from tests.factories import CodingFactory, DoneAssignmentFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_coder_filter_marks_a_former_member(page, live_server, login):
    project, source, (coder1, coder2) = two_coders_done(title="Patrol", text="A joint patrol.")
    eve = UserFactory(username="eve")
    MembershipFactory(project=project, user=eve, role=Role.CODER)
    DoneAssignmentFactory(source=source, coder=eve)
    for user in (coder1, coder2):
        CodingFactory(source=source, coder=user, start=0, end=7)
    remove_member(project, Membership.objects.get(project=project, user=coder2))
    set_member(project, eve, Role.PI)

    login("pi")
    page.goto(f"{live_server.url}/projects/{project.slug}/sources/{source.pk}/code/")
    expect(page.locator("#reader[data-ready]")).to_have_count(1)
    options = page.locator("#coder-filter option")
    expect(options).to_have_text(["everyone", "coder1", "coder2 (former member)", "eve (now PI)"])
    page.locator("#coder-filter").select_option(label="coder2 (former member)")
    expect(page.locator("#coding-list li")).to_have_count(1)
    expect(page.locator("#coding-list li")).to_contain_text("coder2")
