"""A PI edits the actors' names in Chromium (named to run after test_dashboard, whose demo needs
the data the migrations load, which a transactional test before it would flush)."""

import re

import pytest
from playwright.sync_api import expect

from coding.detection.codebooks import add_shipped_aliases
from coding.models import Role
from tests.factories import MembershipFactory, PIUserFactory, ProjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pi_adds_a_korean_name(page, live_server, login, screenshot):
    project = ProjectFactory(slug="names", name="Names study")
    MembershipFactory(project=project, user=PIUserFactory(username="pi"), role=Role.PI)
    add_shipped_aliases([project.codebook.pk])
    login("pi")
    page.goto(f"{live_server.url}/projects/names/codebook/")
    page.get_by_role("link", name="Edit the actors' names").click()
    korean = page.get_by_label("North Korea (Korean)")
    expect(korean).to_have_value(re.compile(r"^북한\s+조선민주주의인민공화국"))
    korean.fill(korean.input_value() + "\n북측")
    screenshot("actor-names")
    page.get_by_role("button", name="Save names").click()
    expect(page.get_by_text("Actor names saved.")).to_be_visible()
    assert "북측" in project.codebook.actors.get(iso3="PRK").aliases["ko"]
