"""Second layout round, at a phone's width (390 px) and a desktop's (1280 px): the actor-names
page fits the window, a project's members keep their controls on the screen, an ingestion job's
file names break only where they must, a coder's name is written as it is. Screenshots go to
/tmp/layout2-shots/."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from coding.demo import seed_demo
from coding.models import Membership, Role
from sources.models import ItemStatus
from tests.factories import (
    IngestItemFactory,
    IngestJobFactory,
    MembershipFactory,
    PIUserFactory,
    ProjectFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 860}
SHOTS = Path("/tmp/layout2-shots")


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


# Is the element within the window's width and not cut off by a box around it that scrolls
# sideways (measured before anything is scrolled: seen without scrolling sideways).
REACHABLE = """(el) => {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.left < 0 || r.right > innerWidth) return false;
    for (let box = el.parentElement; box; box = box.parentElement) {
        if (!/auto|scroll|hidden|clip/.test(getComputedStyle(box).overflowX)) continue;
        const b = box.getBoundingClientRect();
        if (r.left < b.left - 0.5 || r.right > b.right + 0.5) return false;
    }
    return true;
}"""


# The number of lines a cell's text takes.
LINES = """(el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
}"""


@pytest.fixture
def pi_project(db):
    pi = PIUserFactory(username="pi")
    project = ProjectFactory(slug="ties", name="Security ties pilot")
    MembershipFactory(project=project, user=pi, role=Role.PI)
    return project


def test_actor_names_page_fits_a_desktop_window(page, live_server, login, db):
    demo = seed_demo()
    login("pi", "pi-demo-2024")
    url = f"{live_server.url}/projects/{demo.slug}/codebook/names/"
    for width in (1280, 1000, 390):
        page.set_viewport_size({"width": width, "height": 860})
        page.goto(url)
        assert page_width(page) <= width, width
        shot(page, f"names-{width}")
    # at 1280 every column is in the window, the table needs no scrolling of its own
    page.set_viewport_size(DESKTOP)
    page.goto(url)
    table = page.locator("table.aliases")
    assert table.evaluate("(t) => t.scrollWidth <= t.clientWidth")
    assert table.evaluate("(t) => t.getBoundingClientRect().right") <= DESKTOP["width"]
    assert page.locator("table.aliases textarea").first.evaluate(REACHABLE)


def member_row(page, name: str):
    name_cell = page.locator("td:first-child", has_text=re.compile(f"^\\s*{re.escape(name)}\\s*$"))
    return page.locator("#members tbody tr").filter(has=name_cell)


def test_members_keep_their_controls_on_a_phone(page, live_server, login, pi_project):
    for name in ("coder1", "a-coder-with-a-rather-long-username"):
        MembershipFactory(project=pi_project, user=UserFactory(username=name), role=Role.CODER)
    login("pi")
    for viewport, tag in ((PHONE, "390"), (DESKTOP, "1280")):
        page.set_viewport_size(viewport)
        page.goto(f"{live_server.url}/projects/ties/")
        assert page_width(page) <= viewport["width"], tag
        for name in ("coder1", "a-coder-with-a-rather-long-username", "pi"):
            row = member_row(page, name)
            controls = [
                row.locator("select[name=role]"),
                row.locator("input[name=can_ingest]"),
                row.get_by_role("button", name="Save"),
                row.get_by_role("link", name="Remove"),
            ]
            for control in controls:
                assert control.evaluate(REACHABLE), (tag, name, control)
        shot(page, f"members-{tag}")
    # on a phone, with no column headers, the checkbox says what it is
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/projects/ties/")
    expect(page.locator("#members tbody tr").first.get_by_text("may add sources")).to_be_visible()

    # the row's controls still send its form
    page.set_viewport_size(PHONE)
    member = Membership.objects.get(project=pi_project, user__username="coder1")
    assert not member.can_ingest
    row = member_row(page, "coder1")
    row.get_by_label("may add sources").check()
    row.get_by_label("Role of coder1").select_option("pi")
    with page.expect_navigation():
        row.get_by_role("button", name="Save").click()
    member.refresh_from_db()
    assert (member.role, member.can_ingest) == (Role.PI, True)


LONG_URL = (
    "https://www.example-news-agency.example/world/asia/2024/06/19/"
    "russia-north-korea-sign-comprehensive-strategic-partnership-treaty.html"
)
NAMES = ["a1.txt", "a2.txt", "b-report-2024-final.txt", "Russia_North_Korea_pact_signed_2024.txt"]


def test_job_items_break_only_where_they_must(page, live_server, login, pi_project):
    job = IngestJobFactory(
        project=pi_project, status="done", total=len(NAMES) + 1, done=len(NAMES), failed=1
    )
    IngestItemFactory(
        job=job, position=0, label=LONG_URL, status=ItemStatus.FAILED, reason="host not found"
    )
    for position, name in enumerate(NAMES, start=1):
        source = SourceFactory(
            project=pi_project,
            title=f"China and Russia held joint naval drills near Vladivostok ({name})",
        )
        IngestItemFactory(
            job=job, position=position, kind="text", label=name, status=ItemStatus.OK,
            source=source,
        )  # fmt: skip
    login("pi")
    for viewport, tag in ((PHONE, "390"), (DESKTOP, "1280")):
        page.set_viewport_size(viewport)
        page.goto(f"{live_server.url}/projects/ties/ingest/{job.pk}/")
        expect(page.locator("#items tbody tr")).to_have_count(len(NAMES) + 1)
        assert page_width(page) <= viewport["width"], tag
        labels = page.locator("#items td.item-label")
        for i, name in enumerate(NAMES, start=1):
            # a file name that fits the screen's width is never broken ("a1.t|xt"); one of
            # 39 letters without a space is wider than a phone
            if tag == "1280" or len(name) < 30:
                assert labels.nth(i).evaluate(LINES) == 1, (tag, name)
        for i in range(len(NAMES) + 1):
            assert labels.nth(i).evaluate(REACHABLE), (tag, i)
            assert page.locator("#items .item-badge").nth(i).evaluate(REACHABLE), (tag, i)
        # the long URL takes a few lines, not a column of syllables
        assert labels.first.evaluate(LINES) <= (6 if tag == "390" else 4), tag
        shot(page, f"job-items-{tag}")


def test_coder_names_are_written_as_they_are(page, live_server, login, pi_project, monkeypatch):
    rates = [
        {"coder": "coder2", "accepted": 3, "dismissed": 1, "rate": 0.75},
        {"coder": "Mixed.Case", "accepted": 0, "dismissed": 2, "rate": 0.0},
    ]
    monkeypatch.setattr("coding.suggestions.report.decision_rates", lambda project: rates)
    login("pi")
    for viewport, tag in ((PHONE, "390"), (DESKTOP, "1280")):
        page.set_viewport_size(viewport)
        page.goto(f"{live_server.url}/projects/ties/suggestions/")
        names = page.locator(".rates-table tbody tr > :first-child")
        expect(names).to_have_count(2)
        # innerText is the text as drawn, text-transform included
        assert names.evaluate_all("(cells) => cells.map((c) => c.innerText)") == [
            "coder2",
            "Mixed.Case",
        ]
        assert page_width(page) <= viewport["width"], tag
        shot(page, f"suggestions-{tag}")
