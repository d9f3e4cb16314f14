"""Playwright against Debian's Chromium, on pytest-django's live server."""

import os
from pathlib import Path

import pytest

from tests.services import CHROMIUM, chromium_available, require

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    require(chromium_available(), "Chromium at /usr/bin/chromium")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 860}}


@pytest.fixture
def screenshot(page):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def login(page, live_server):
    def as_user(username: str, password: str = "pw") -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{live_server.url}/projects/")

    return as_user


@pytest.fixture(autouse=True)
def csp_violations(request):
    """Every browser test fails if the page broke the Content-Security-Policy (a refused script,
    style or image is logged to the console by Chromium)."""
    if "page" not in request.fixturenames:
        yield []
        return
    page = request.getfixturevalue("page")
    seen: list[str] = []
    page.on(
        "console",
        lambda m: (
            seen.append(f"{page.url}: {m.text[:90]}")
            if "Content Security Policy" in m.text
            else None
        ),
    )
    yield seen
    assert not seen, f"Content-Security-Policy violations: {seen[:5]}"
