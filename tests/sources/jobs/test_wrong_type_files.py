"""A file of the wrong type in a typed field of the form (or in the API) becomes a failed item
of its own, "unsupported file type (.docx)", not retried, and the rest of the submission goes
ahead, as it does inside a zip (docs/ingestion.md, "What happens to an item")."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from sources.jobs import ingest
from sources.jobs.ingest import retry_failed
from sources.models import IngestJob, ItemStatus, JobStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def sent(monkeypatch):
    sent: list[int] = []
    monkeypatch.setattr(ingest, "enqueue", lambda name, *args: sent.append(args[0]))
    return sent


def add(client, project, data):
    return client.post(reverse("source-add", args=[project.slug]), data)


def upload(name: str, data: bytes = b"some bytes") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def test_a_docx_among_text_files_fails_alone_and_the_rest_goes_ahead(client_for, project, pi):
    """The walkthrough: "notes.docx" in the text-files field refused the whole submission."""
    response = add(
        client_for(pi),
        project,
        {
            "text_files": [upload("notes.docx", b"PK\x03\x04docx"), upload("a.txt", b"A text.")],
            "urls": "https://a.example/1",
        },
    )
    job = IngestJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    outcomes = {item.label: item for item in job.items.all()}
    docx = outcomes["notes.docx"]
    assert docx.status == ItemStatus.FAILED and not docx.retryable
    assert docx.reason == "unsupported file type (.docx); expected .txt, .md, .markdown"
    assert docx.payload_compressed is None  # nothing kept: nothing will run it
    assert outcomes["a.txt"].status == ItemStatus.PENDING
    assert outcomes["https://a.example/1"].status == ItemStatus.PENDING
    assert (job.total, job.done, job.failed, job.status) == (3, 0, 1, JobStatus.QUEUED)
    assert retry_failed(job) == 0  # the same file would be refused the same way
    page = client_for(pi).get(job.get_absolute_url()).content.decode()
    assert "unsupported file type (.docx)" in page


@pytest.mark.parametrize(
    ("field", "name", "reason"),
    [
        ("html_files", "a.pdf", "unsupported file type (.pdf); expected .html, .htm, .xhtml"),
        ("text_files", "notes.docx", "unsupported file type (.docx); expected .txt, .md"),
        ("text_files", "bundle.zip", "unsupported file type (.zip); expected .txt"),  # not opened
        ("pdf_files", "scan.tiff", "unsupported file type (.tiff); expected .pdf"),
        ("email_files", "letter.msg", "unsupported file type (.msg); expected .eml, .mbox"),
        ("zip_file", "notes.docx", "unsupported file type (.docx); expected .zip"),
        ("zip_file", "a.txt", "unsupported file type (.txt); expected .zip"),
        ("text_files", "README", "unsupported file type (without extension); expected .txt"),
    ],
)
def test_each_typed_field_turns_a_wrong_file_into_a_failed_item(
    client_for, project, pi, field, name, reason
):
    files = upload(name) if field == "zip_file" else [upload(name)]
    response = add(client_for(pi), project, {field: files, "urls": "https://a.example/1"})
    assert response.status_code == 302
    job = IngestJob.objects.get()
    wrong = job.items.get(label=name)
    assert wrong.status == ItemStatus.FAILED and wrong.reason.startswith(reason)
    assert not wrong.retryable
    assert job.items.get(label="https://a.example/1").status == ItemStatus.PENDING


def test_a_wrong_file_alone_makes_a_job_that_is_finished_at_once(client_for, project, pi, sent):
    response = add(client_for(pi), project, {"text_files": [upload("notes.docx")]})
    assert response.status_code == 302
    job = IngestJob.objects.get()
    assert (job.status, job.total, job.done, job.failed) == (JobStatus.DONE, 1, 0, 1)
    assert sent == []  # nothing to run


def test_the_right_files_of_a_field_still_go_in(client_for, project, pi):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("in.txt", "Text in a zip.")
        z.writestr("notes.docx", "not read")
    data = {
        "text_files": [upload("a.md", b"# Title\n\nBody.")],
        "zip_file": upload("bundle.zip", archive.getvalue()),
    }
    assert add(client_for(pi), project, data).status_code == 302
    job = IngestJob.objects.get()
    statuses = dict(job.items.values_list("label", "status"))
    # inside a zip a member of another type is a failed item of its own (sources.archive)
    assert statuses == {
        "a.md": ItemStatus.PENDING,
        "in.txt": ItemStatus.PENDING,
        "bundle.zip: notes.docx": ItemStatus.FAILED,
    }


def test_a_damaged_zip_is_still_a_form_error_not_a_500(client_for, project, pi):
    response = add(client_for(pi), project, {"zip_file": upload("a.zip", b"not a zip")})
    assert response.status_code == 200 and "not a zip file" in response.content.decode()
    assert not IngestJob.objects.exists()


def test_the_api_makes_a_wrong_file_a_failed_item_too(project, pi):
    client = APIClient()
    client.force_authenticate(pi)
    response = client.post(
        f"/api/projects/{project.slug}/ingest-jobs/",
        {"files": [upload("notes.docx"), upload("a.txt", b"A text.")]},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    job = IngestJob.objects.get()
    docx = job.items.get(label="notes.docx")
    assert docx.status == ItemStatus.FAILED and docx.reason == "unsupported file type (.docx)"
    assert not docx.retryable
    assert job.items.get(label="a.txt").status == ItemStatus.PENDING
    assert response.json()["failed"] == 1 and response.json()["total"] == 2


def test_more_items_than_a_job_takes_is_a_form_error_not_a_500(client_for, project, pi, settings):
    """The form did not check the job's limit: create_job refused it with a ValueError (500)."""
    settings.INGEST_MAX_ITEMS = 3
    urls = "\n".join(f"https://a.example/{n}" for n in range(3))
    response = add(client_for(pi), project, {"urls": urls, "text_files": [upload("a.txt")]})
    assert response.status_code == 200
    assert "At most 3 items per job, and this adds 4: add them in several jobs." in (
        response.content.decode()
    )
    assert not IngestJob.objects.exists()
    assert add(client_for(pi), project, {"urls": urls}).status_code == 302  # at the limit


def test_the_api_refuses_more_items_than_a_job_takes_in_the_same_words(project, pi, settings):
    settings.INGEST_MAX_ITEMS = 3
    client = APIClient()
    client.force_authenticate(pi)
    urls = [f"https://a.example/{n}" for n in range(4)]
    answer = client.post(f"/api/projects/{project.slug}/ingest-jobs/", {"urls": urls}, "json")
    assert answer.status_code == 400
    assert answer.json() == {
        "urls": ["At most 3 items per job, and this adds 4: add them in several jobs."]
    }
    assert not IngestJob.objects.exists()
