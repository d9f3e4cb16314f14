"""Ingestion in Chromium, with a real Celery worker: an item held for an encoding counted once
although the sweeper ran while it waited, an empty upload failing alone, and refused URLs
without a retry button."""

import pytest
from playwright.sync_api import expect

from coding.models import Role
from sources.jobs import ingest
from sources.jobs.sweeper import sweep
from sources.models import IngestJob, ItemStatus
from tests.factories import MembershipFactory, PIUserFactory, ProjectFactory
from tests.services import celery_worker
from tests.sources.fetching.encoding_corpus import TEXTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RU = TEXTS["ru"]


@pytest.fixture
def worker(tmp_path, monkeypatch):
    """A real worker; the web thread's jobs and released items are sent to it."""
    with celery_worker("embedded", tmp_path) as sender:

        def send_items(job, ids=None):
            pending = job.items.filter(status=ItemStatus.PENDING)
            for pk in pending.values_list("pk", flat=True):
                sender.send_task("sources.ingest_item", args=[pk])

        monkeypatch.setattr(ingest, "enqueue_job", send_items)
        monkeypatch.setattr(ingest, "enqueue", lambda name, *args: sender.send_task(name, args))
        yield sender


@pytest.fixture
def pi_project():
    pi = PIUserFactory(username="pi")
    project = ProjectFactory(slug="ties", name="Security ties pilot")
    MembershipFactory(project=project, user=pi, role=Role.PI)
    return project


def test_a_held_item_chosen_after_a_sweep_is_counted_once(
    page, live_server, login, screenshot, tmp_path, pi_project, worker
):
    visit = tmp_path / "visit.html"  # declared windows-1251, written in KOI8-R
    visit.write_bytes(
        (
            '<html><head><meta charset="windows-1251"><title>Визит</title></head>'
            f"<body><article><p>{RU}</p></article></body></html>"
        ).encode("koi8_r")
    )
    letter = tmp_path / "letter.txt"
    letter.write_bytes(("Письмо\n\n" + RU[::-1]).encode("cp1251"))
    note = tmp_path / "note.txt"
    note.write_bytes("Привет".encode("cp1251"))  # six letters: held
    login("pi")
    page.goto(f"{live_server.url}/projects/ties/sources/add/")
    page.locator("#id_html_files").set_input_files(str(visit))
    page.locator("#id_text_files").set_input_files([str(letter), str(note)])
    page.get_by_role("button", name="Add sources").click()
    job = page.locator("#job")
    expect(job.locator('[data-field="held"]')).to_have_text("1", timeout=60_000)
    expect(job.locator('[data-field="new"]')).to_have_text("2", timeout=60_000)
    sweep()  # beat's sweeper runs while the item waits for its choice
    page.reload()
    expect(job.locator('[data-field="status_label"]')).to_have_text("Running")
    expect(job.locator('[data-field="remaining"]')).to_have_text("1")
    page.locator("#items tbody tr").nth(2).get_by_role("link", name="Choose the encoding").click()
    page.get_by_label("windows-1251 (Cyrillic)").check()
    page.get_by_role("button", name="Store with the selected encoding").click()
    expect(job.locator('[data-field="status_label"]')).to_have_text("Done", timeout=60_000)
    sweep()
    page.reload()
    expect(job.locator('[data-field="new"]')).to_have_text("3")
    expect(job.locator('[data-field="remaining"]')).to_have_text("0")
    expect(job.locator(".progress-text")).to_contain_text("remaining of 3")
    screenshot("ingest-held-counted-once")
    page.goto(f"{live_server.url}/projects/ties/ingest/")
    expect(page.locator("#jobs tbody tr").first.locator("td").nth(4)).to_have_text("3")
    stored = IngestJob.objects.get()
    assert (stored.total, stored.done, stored.failed) == (3, 3, 0)


def test_an_empty_upload_fails_alone_and_the_others_are_ingested(
    page, live_server, login, screenshot, tmp_path, pi_project, worker
):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    full = tmp_path / "note.txt"
    full.write_text("A note on joint naval drills.\n\nIn two paragraphs.", encoding="utf-8")
    login("pi")
    page.goto(f"{live_server.url}/projects/ties/sources/add/")
    page.locator("#id_text_files").set_input_files([str(empty), str(full)])
    page.get_by_role("button", name="Add sources").click()
    expect(page.get_by_role("heading", name="Ingestion #")).to_be_visible()
    job = page.locator("#job")
    expect(job.locator('[data-field="status_label"]')).to_have_text("Done", timeout=60_000)
    expect(job.locator('[data-field="new"]')).to_have_text("1")
    expect(job.locator('[data-field="failed"]')).to_have_text("1")
    rows = page.locator("#items tbody tr")
    expect(rows.nth(0)).to_contain_text("empty file")
    expect(rows.nth(1)).to_contain_text("A note on joint naval drills.")
    page.reload()
    expect(page.get_by_role("button", name="Retry failed items")).to_have_count(0)
    screenshot("ingest-empty-file-alone")


def test_urls_refused_for_what_they_are_offer_no_retry(
    page, live_server, login, screenshot, pi_project, worker
):
    login("pi")
    page.goto(f"{live_server.url}/projects/ties/sources/add/")
    page.get_by_label("URLs, one per line").fill(
        "http://localhost:9/page\nftp://example.org/file\nhttp://[::1/report\n"
    )
    page.get_by_role("button", name="Add sources").click()
    job = page.locator("#job")
    expect(job.locator('[data-field="status_label"]')).to_have_text("Done", timeout=60_000)
    expect(job.locator('[data-field="failed"]')).to_have_text("3")
    rows = page.locator("#items tbody tr")
    expect(rows.nth(0)).to_contain_text("refused: loopback address")
    expect(rows.nth(1)).to_contain_text("not an http(s) URL")
    expect(rows.nth(2)).to_contain_text("invalid URL")
    page.reload()
    expect(page.get_by_role("button", name="Retry failed items")).to_have_count(0)
    screenshot("ingest-refused-no-retry")
