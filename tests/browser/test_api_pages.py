"""The browsable API and the API's Swagger UI in Chromium, under the Content-Security-Policy
(the autouse `csp_violations` fixture fails a test on any refused script or style)."""

import pytest
from playwright.sync_api import expect

from tests.factories import PIUserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_pages_draw_without_breaking_the_policy(page, live_server, login, screenshot):
    PIUserFactory(username="pi")
    login("pi")
    page.goto(f"{live_server.url}/api/projects/")
    expect(page.get_by_role("heading", name="Project List")).to_be_visible()
    expect(page.locator(".response-info pre")).to_contain_text('"count": 0')
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.get_by_role("heading", name="Security-ties coding API")).to_be_visible()
    expect(page.locator(".opblock-tag", has_text="projects")).to_be_visible()
    screenshot("api-docs")
