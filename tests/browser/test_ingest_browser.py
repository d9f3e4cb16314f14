"""A PI adds sources in Chromium and watches the job finish, with a real Celery worker."""

import pytest
from playwright.sync_api import expect

from coding.models import Assignment, Role
from sources.jobs import ingest
from sources.models import IngestJob, ItemStatus, Source
from tests.factories import (
    MembershipFactory,
    PIUserFactory,
    ProjectFactory,
    SourceFactory,
    UserFactory,
)
from tests.services import celery_worker
from tests.sources.httpserver import PAGES, running_server

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def send_items(sender, job) -> None:
    for pk in job.items.filter(status=ItemStatus.PENDING).values_list("pk", flat=True):
        sender.send_task("sources.ingest_item", args=[pk])


def test_pi_pastes_urls_uploads_a_file_and_sees_the_outcomes(
    page, live_server, login, screenshot, tmp_path, monkeypatch, settings
):
    pi = PIUserFactory(username="pi")
    project = ProjectFactory(slug="ties", name="Security ties pilot")
    MembershipFactory(project=project, user=pi, role=Role.PI)
    MembershipFactory(project=project, user=UserFactory(username="coder1"), role=Role.CODER)
    SourceFactory(project=project, title="Already here", text="Already here.\n\nSame text.")
    upload = tmp_path / "same.txt"
    upload.write_text("Already here.\n\nSame text.", encoding="utf-8")
    settings.INGEST_ALLOW_HOSTS = ["127.0.0.1"]
    monkeypatch.setenv("INGEST_ALLOW_HOSTS", "127.0.0.1")  # for the worker process
    with running_server() as server, celery_worker("embedded", tmp_path) as sender:
        # the web thread queues the job's items to this test's worker (Celery's current app
        # is per thread, so patch the module function rather than the task object)
        monkeypatch.setattr(ingest, "enqueue_job", lambda job, ids=None: send_items(sender, job))
        login("pi")
        page.goto(f"{live_server.url}/projects/ties/sources/")
        page.get_by_role("link", name="Add sources").click()
        page.get_by_label("URLs, one per line").fill(
            f"{server.url('/page')}\n{server.url('/pdf')}\nftp://example.org/file\n"
        )
        page.locator("#id_html_files").set_input_files(str(PAGES / "zh_news.html"))
        page.locator("#id_text_files").set_input_files(str(upload))
        screenshot("ingest-add-sources")
        page.get_by_role("button", name="Add sources").click()
        expect(page.get_by_role("heading", name="Ingestion #")).to_be_visible()
        job = page.locator("#job")
        expect(job.locator('[data-field="status_label"]')).to_have_text("Done", timeout=60_000)
        expect(job.locator('[data-field="remaining"]')).to_have_text("0")
        expect(job.locator('[data-field="new"]')).to_have_text("2")
        expect(job.locator('[data-field="duplicate"]')).to_have_text("1")
        expect(job.locator('[data-field="failed"]')).to_have_text("2")
        screenshot("ingest-job-done")

    rows = page.locator("#items tbody tr")
    expect(rows).to_have_count(5)
    expect(rows.nth(0)).to_contain_text("Drills Without an Alliance")
    expect(rows.nth(1)).to_contain_text("this PDF is damaged and cannot be read")
    expect(rows.nth(2)).to_contain_text("not an http(s) URL")
    expect(rows.nth(4)).to_contain_text("duplicate of “Already here”")
    # the duplicate is finished but not a new source: amber, not green
    assert page.locator(".progress-done").evaluate("el => el.style.width") == "40%"
    assert page.locator(".progress-duplicate").evaluate("el => el.style.width") == "20%"
    rows.nth(0).get_by_role("link").click()
    expect(page.get_by_role("heading", name="Drills Without an Alliance")).to_be_visible()
    expect(page.get_by_text("Meridian Centre for Strategic Studies").first).to_be_visible()
    screenshot("ingest-source-page")
    page.goto(f"{live_server.url}/projects/ties/sources/?sort=title")
    expect(page.locator("#sources tbody tr")).to_have_count(3)
    page.get_by_label("Select all on this page").check()
    page.locator(".assign-panel").get_by_label("coder1").check()
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_text("3 assignments made.")).to_be_visible()
    expect(page.locator("#sources .assign-not_started")).to_have_count(3)
    screenshot("ingest-source-list")
    assert Assignment.objects.filter(coder__username="coder1").count() == 3
    assert IngestJob.objects.get().done == 3
    assert Source.objects.filter(project=project).count() == 3


def test_broker_down_then_retry_of_a_failed_item(page, live_server, login, screenshot,
                                                 monkeypatch):  # fmt: skip
    pi = PIUserFactory(username="pi")
    project = ProjectFactory(slug="ties", name="Security ties pilot")
    MembershipFactory(project=project, user=pi, role=Role.PI)

    def broker_down(name, *args):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(ingest, "enqueue", broker_down)
    login("pi")
    page.goto(f"{live_server.url}/projects/ties/sources/add/")
    page.get_by_label("Title").fill("A pasted note")
    page.locator("#id_paste_text").fill("A pasted note about a joint naval patrol.")
    page.get_by_role("button", name="Add sources").click()
    expect(page.get_by_text("the task queue is unreachable")).to_be_visible()
    expect(page.locator(".queue-error")).to_contain_text("Connection refused")
    screenshot("ingest-broker-down")

    sent = []
    monkeypatch.setattr(ingest, "enqueue", lambda name, *args: sent.append(args[0]))
    job = IngestJob.objects.get()
    item = job.items.get()
    item.status = ItemStatus.RUNNING
    item.save()
    ingest._record(item, ItemStatus.FAILED, "HTTP 503", None)
    page.reload()
    expect(page.locator('[data-field="failed"]')).to_have_text("1")
    screenshot("ingest-retry-button")
    page.get_by_role("button", name="Retry failed items").click()
    expect(page.get_by_text("1 failed item queued again.")).to_be_visible()
    assert sent == [item.pk]
    job.refresh_from_db()
    assert (job.status, job.failed, job.remaining) == ("queued", 0, 1)


def test_pi_picks_the_encoding_of_a_held_file_after_seeing_the_text(
    page, live_server, login, screenshot, tmp_path, monkeypatch
):
    pi = PIUserFactory(username="pi")
    project = ProjectFactory(slug="ties", name="Security ties pilot")
    MembershipFactory(project=project, user=pi, role=Role.PI)
    note = "Итоги визита в Пхеньян"
    upload = tmp_path / "note.txt"
    upload.write_bytes(note.encode("cp1251"))  # reads as well in ISO-8859-5: held
    with celery_worker("embedded", tmp_path) as sender:
        monkeypatch.setattr(ingest, "enqueue_job", lambda job, ids=None: send_items(sender, job))
        monkeypatch.setattr(ingest, "enqueue", lambda name, *args: sender.send_task(name, args))
        login("pi")
        page.goto(f"{live_server.url}/projects/ties/sources/add/")
        page.locator("#id_text_files").set_input_files(str(upload))
        page.get_by_role("button", name="Add sources").click()
        job = page.locator("#job")
        expect(job.locator('[data-field="held"]')).to_have_text("1", timeout=60_000)
        row = page.locator("#items tbody tr").first
        expect(row).to_contain_text("encoding unsure (windows-1251 (Cyrillic), ISO-8859-5")
        screenshot("ingest-job-held")
        row.get_by_role("link", name="Choose the encoding").click()
        previews = page.locator(".encoding-preview")
        expect(previews.first).to_contain_text(note)
        expect(previews.nth(1)).to_contain_text(note.encode("cp1251").decode("iso8859_5"))
        screenshot("ingest-choose-encoding")
        page.get_by_label("windows-1251 (Cyrillic)").check()
        page.get_by_role("button", name="Store with the selected encoding").click()
        expect(job.locator('[data-field="status_label"]')).to_have_text("Done", timeout=60_000)
        expect(job.locator('[data-field="held"]')).to_have_text("0")
        screenshot("ingest-job-after-choice")
    assert Source.objects.get(project=project).text == note
