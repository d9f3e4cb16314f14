"""PI review in Chromium: the queue, the review page, accepting a group, the event, undo."""

import datetime as dt
import io
import zipfile

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from coding.models import Activity, Coding, Event, Role
from coding.review import decisions
from tests.browser.review_study import two_coders_done
from tests.factories import (
    CodingFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = (
    "Beijing, 21 March 2023. Xi Jinping and Vladimir Putin met in Moscow and signed a joint "
    "statement on strategic coordination.\n\n"
    "Separately, the navies of China, Russia and Iran began the Maritime Security Belt drill "
    "in the Gulf of Oman (海上安全带 / کمربند امنیت دریایی).\n\n"
    "Analysts in Seoul said North Korean shells may have reached Russia."
)


@pytest.fixture
def study(db):
    project, source, coders = two_coders_done(
        title="Xi in Moscow; drills in the Gulf", outlet="Example Wire", text=TEXT,
        published_date=dt.date(2023, 3, 22),
    )  # fmt: skip
    codebook = project.codebook
    heads = Activity.objects.get(area__codebook=codebook, slug="heads_of_state")
    drills = Activity.objects.get(area__codebook=codebook, slug="military_exercises")
    arms = Activity.objects.get(area__codebook=codebook, slug="arms_sales")
    summit = TEXT.index("Xi Jinping"), TEXT.index(" on strategic")
    drill = TEXT.index("the navies"), TEXT.index(" (海上")
    shells = TEXT.index("North Korean"), len(TEXT) - 1

    def code(coder, span, activity, **kw):
        c = CodingFactory(source=source, coder=coder, start=span[0], end=span[1],
                          activity=activity, area=activity.area,
                          event_date=dt.date(2023, 3, 21), date_precision="day", **kw)  # fmt: skip
        return c

    code(coders[0], summit, heads, confidence=3)
    code(coders[1], (summit[0], summit[1] - 10), heads, confidence=3)  # agrees, shorter span
    rus, irn, chn, prk = (codebook.actors.get(iso3=x) for x in ("RUS", "IRN", "CHN", "PRK"))
    for coder, confidence in zip(coders, (2, 3), strict=True):
        c = code(coder, drill, drills, dyad_type="multilateral", side_a=None, side_b=None,
                 setting="multilateral", confidence=confidence)  # fmt: skip
        c.participants.set([chn, rus, irn])
    code(coders[1], shells, arms, dyad_type="directed", side_a=prk, side_b=rus, confidence=1)
    return project, source


def test_pi_reviews_accepts_a_group_and_sees_the_event(page, live_server, login, screenshot, study):
    login("pi")
    page.goto(f"{live_server.url}/projects/pilot/review/")
    expect(page.get_by_role("link", name="Xi in Moscow; drills in the Gulf")).to_be_visible()
    screenshot("review-queue")

    page.get_by_role("link", name="Xi in Moscow; drills in the Gulf").click()
    expect(page.locator("#group-1")).to_be_visible()
    expect(page.locator("#group-2").get_by_text("confidence differs")).to_be_visible()
    expect(page.locator("#group-3").get_by_text("only one coder")).to_be_visible()
    expect(page.locator("mark.grp")).to_have_count(4)  # group 1 is cut where the shorter span ends
    screenshot("review-page")

    group = page.locator("#group-2")
    group.get_by_placeholder("Comment (optional)").fill("coder2 read the sources better")
    group.get_by_role("button", name="Accept").nth(1).click()
    expect(page.get_by_text("Accepted a coder's coding → event PILOT-000001.")).to_be_visible()
    event = Event.objects.get()
    assert event.confidence == 3 and event.dyad_type == "multilateral"
    expect(page.locator("#group-2 .decision")).to_contain_text("PILOT-000001")
    screenshot("review-page-accepted")

    page.get_by_role("button", name="Approve all fully agreeing groups").click()
    expect(page.get_by_text("Approved 1 fully agreeing group.")).to_be_visible()
    assert Event.objects.count() == 2

    page.locator("#group-2 .decision").get_by_role("link", name="PILOT-000001").click()
    expect(page.get_by_role("heading", name="PILOT-000001")).to_be_visible()
    expect(page.locator("#evidence")).to_contain_text("Maritime Security Belt")
    expect(page.locator("#event-fields")).to_contain_text("CHN, IRN, RUS")
    screenshot("event-detail")

    page.goto(f"{live_server.url}/projects/pilot/events/")
    expect(page.locator("#events tbody tr")).to_have_count(2)
    screenshot("event-list")
    page.goto(f"{live_server.url}/projects/pilot/export/?dyad=CHN-RUS")
    expect(page.get_by_text("2 events match.")).to_be_visible()
    screenshot("export-page")
    with page.expect_download() as download:  # its events.xlsx comes from the child process
        page.locator("#download-zip").click()
    archive = zipfile.ZipFile(download.value.path())
    sheet = load_workbook(io.BytesIO(archive.read("events.xlsx")), read_only=True)["events"]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == sorted(
        Event.objects.values_list("event_id", flat=True)
    )


def test_pi_undoes_a_decision(page, live_server, login, study):
    _, source = study
    login("pi")
    page.goto(f"{live_server.url}/projects/pilot/review/sources/{source.pk}/")
    page.locator("#group-3").get_by_role("button", name="Reject").click()
    expect(page.locator("#group-3 .decision")).to_contain_text("Rejected")
    page.locator("#group-3 .decision").get_by_role("button", name="Undo").click()
    expect(page.get_by_text("Undone: Rejected.")).to_be_visible()
    expect(page.locator("#group-3").get_by_role("button", name="Reject")).to_be_visible()


def test_coder_sees_feedback_but_not_the_review(page, live_server, login, study, screenshot):
    project, source = study
    drill = list(Coding.objects.filter(source=source, activity__slug="military_exercises"))
    chosen = next(c for c in drill if c.coder.username == "coder2")
    pi = project.memberships.get(role=Role.PI).user
    decisions.accept(pi, project, drill, chosen, comment="Two navies' statements say high.")
    login("coder1")
    response = page.goto(f"{live_server.url}/projects/pilot/review/")
    assert response.status == 403
    page.goto(f"{live_server.url}/projects/pilot/feedback/")
    expect(page.get_by_role("heading", name="The PI's decisions on my codings")).to_be_visible()
    expect(page.locator("#feedback tbody tr")).to_have_count(2)
    expect(page.locator("#feedback")).to_contain_text("Two navies' statements say high.")
    expect(page.locator("#feedback")).not_to_contain_text("coder2")
    screenshot("coder-feedback")
