"""The browsable API and the API's Swagger UI in Chromium, under the Content-Security-Policy
(the autouse `csp_violations` fixture fails a test on any refused script or style)."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
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


def test_the_api_pages_lead_back_to_the_app(page, live_server, login, screenshot):
    """The API's root says what the API holds (not DRF's placeholder), and both API pages link
    back to the app and to each other."""
    PIUserFactory(username="pi")
    login("pi")
    page.goto(f"{live_server.url}/api/")
    expect(page.get_by_text("The study's REST API")).to_be_visible()
    expect(page.get_by_text("The default basic root view")).to_have_count(0)
    screenshot("api-root")
    page.get_by_role("link", name="API documentation").click()
    expect(page.locator(".opblock-tag", has_text="projects")).to_be_visible()
    screenshot("api-docs-bar")
    page.get_by_role("link", name="◆ Security-ties coder").click()
    expect(page).to_have_url(f"{live_server.url}/projects/")  # home sends on to the projects


def test_the_browsable_api_fits_a_phone(browser, live_server):
    """Without a viewport a phone laid the page out 980 px wide and shrank it. (Anonymous: the
    403 page, which says how to log in, is drawn by the same template.)"""
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        page = phone.new_page()
        page.goto(f"{live_server.url}/api/projects/")
        expect(page.get_by_role("link", name="Log in")).to_be_visible()
        assert page.evaluate("document.documentElement.clientWidth") == 390
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "api-phone.png"))
    finally:
        phone.close()
