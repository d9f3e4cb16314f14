"""Ingestion, second walkthrough in Chromium: a held item is discarded (from the job page, from
a row the page drew itself, from the *Choose the encoding* page) and a job is cancelled, so no
job stays Running for ever because nobody chose an encoding. Screenshots: /tmp/ingest2-shots/.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from coding.models import Role
from sources.inputs import file_specs, paste_spec
from sources.jobs.ingest import create_job, ingest_item
from sources.models import IngestJob, ItemStatus, JobStatus
from tests.factories import MembershipFactory, PIUserFactory, ProjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/ingest2-shots")
NOTE = "Итоги визита в Пхеньян".encode("cp1251")  # reads as well in ISO-8859-5: held
SALAM = "Салам".encode("cp1251")  # held with five candidates, Shift_JIS among them


@pytest.fixture
def shot(page):
    SHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        page.wait_for_timeout(500)  # the progress bar's widths ease in over .3 s
        path = SHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def project():
    pi = PIUserFactory(username="pi")
    project = ProjectFactory(slug="ties", name="Security ties pilot")
    MembershipFactory(project=project, user=pi, role=Role.PI)
    return project


def held_job(project, *specs) -> IngestJob:
    pi = project.memberships.get(role=Role.PI).user
    job = create_job(project, pi, list(specs), enqueue=False)
    for item in job.items.order_by("position"):
        ingest_item(item)
    return job


def test_pi_discards_a_held_item_on_the_job_page_and_the_job_closes(
    page, live_server, login, shot, project
):
    job = held_job(
        project,
        paste_spec("A pasted piece", "Some article text."),
        *file_specs("salam.txt", SALAM),
    )
    assert job.items.get(position=1).status == ItemStatus.HELD
    login("pi")
    page.goto(f"{live_server.url}{job.get_absolute_url()}")
    row = page.locator('#items tr[data-position="1"]')
    # the row names the five candidates the choice page offers (Shift_JIS too)
    expect(row).to_contain_text("Shift_JIS (Japanese)")
    expect(row.get_by_role("link", name="Choose the encoding")).to_be_visible()
    expect(row.get_by_role("button", name="Discard")).to_be_visible()
    expect(page.get_by_role("button", name="Cancel the job")).to_be_visible()
    expect(page.locator('#job [data-field="status_label"]')).to_have_text("Running")
    shot("job-held-with-discard")
    page.once("dialog", lambda dialog: dialog.dismiss())  # asked first; thought better of it
    row.get_by_role("button", name="Discard").click()
    expect(row.get_by_role("button", name="Discard")).to_be_visible()
    assert job.items.get(position=1).status == ItemStatus.HELD
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Discard").click()
    expect(page.get_by_text("“salam.txt” discarded")).to_be_visible()
    job_box = page.locator("#job")
    expect(job_box.locator('[data-field="status_label"]')).to_have_text("Done")
    expect(job_box.locator('[data-field="failed"]')).to_have_text("1")
    expect(job_box.locator('[data-field="held"]')).to_have_text("0")
    expect(row).to_contain_text("discarded by pi")
    expect(row.get_by_role("button", name="Discard")).to_have_count(0)
    expect(page.get_by_role("button", name="Cancel the job")).to_have_count(0)
    shot("job-after-discard")
    job.refresh_from_db()
    assert (job.status, job.total, job.done, job.failed) == (JobStatus.DONE, 2, 1, 1)


def test_a_row_held_while_the_page_is_open_gets_a_working_discard(
    page, live_server, login, shot, project
):
    """The page's script draws the held row (and its Discard form, with the CSRF token)."""
    pi = project.memberships.get(role=Role.PI).user
    job = create_job(project, pi, file_specs("note.txt", NOTE), enqueue=False)
    login("pi")
    page.goto(f"{live_server.url}{job.get_absolute_url()}")
    row = page.locator('#items tr[data-position="0"]')
    expect(row).to_contain_text("Pending")
    ingest_item(job.items.get())  # a worker holds it meanwhile
    expect(row.get_by_role("button", name="Discard")).to_be_visible(timeout=10_000)
    expect(row).to_contain_text("encoding unsure (windows-1251 (Cyrillic), ISO-8859-5")
    shot("job-row-held-by-script")
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Discard").click()
    expect(page.locator('#job [data-field="status_label"]')).to_have_text("Done")
    expect(row).to_contain_text("discarded by pi")
    assert job.items.get().status == ItemStatus.FAILED


def test_pi_discards_from_the_choose_the_encoding_page(page, live_server, login, shot, project):
    job = held_job(project, *file_specs("note.txt", NOTE))
    login("pi")
    page.goto(f"{live_server.url}{job.get_absolute_url()}")
    page.get_by_role("link", name="Choose the encoding").click()
    expect(page.get_by_role("heading", name="Choose the encoding")).to_be_visible()
    expect(page.get_by_role("button", name="Discard this item")).to_be_visible()
    shot("choose-encoding-with-discard")
    page.get_by_role("button", name="Discard this item").click()
    expect(page.get_by_role("heading", name=f"Ingestion #{job.pk}")).to_be_visible()
    expect(page.locator('#job [data-field="status_label"]')).to_have_text("Done")
    expect(page.locator("#items")).to_contain_text("discarded by pi")


def test_pi_cancels_a_job_after_confirming(page, live_server, login, shot, project):
    job = held_job(project, *file_specs("note.txt", NOTE))
    job.items.create(position=1, kind="paste", label="Not started", payload=b"Some text.")
    IngestJob.objects.filter(pk=job.pk).update(total=2)
    login("pi")
    page.goto(f"{live_server.url}{job.get_absolute_url()}")
    page.once("dialog", lambda dialog: dialog.dismiss())  # first: thought better of it
    page.get_by_role("button", name="Cancel the job").click()
    expect(page.locator('#job [data-field="status_label"]')).to_have_text("Running")
    assert job.items.filter(status=ItemStatus.FAILED).count() == 0
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Cancel the job").click()
    expect(page.get_by_text("2 items cancelled.")).to_be_visible()
    expect(page.locator('#job [data-field="status_label"]')).to_have_text("Done")
    expect(page.locator('#job [data-field="failed"]')).to_have_text("2")
    expect(page.get_by_text("cancelled by pi")).to_have_count(2)
    expect(page.get_by_role("button", name="Retry failed items")).to_have_count(0)
    shot("job-after-cancel")
