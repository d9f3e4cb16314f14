"""An empty file in a submission (or a CSV list without URLs) becomes a failed item of its own
("empty file"); the other files, URLs and texts of the submission are ingested as usual."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from sources.inputs import file_specs
from sources.jobs import ingest
from sources.jobs.ingest import ingest_item
from sources.models import IngestJob, ItemKind, ItemStatus, JobStatus
from tests.sources.httpserver import PAGES
from tests.sources.zips import make_zip

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch):
    sent: list[int] = []
    monkeypatch.setattr(ingest, "enqueue", lambda name, *args: sent.append(args[0]))
    return sent


def items_of(job: IngestJob) -> list[tuple[str, str, str]]:
    return list(job.items.order_by("position").values_list("label", "status", "reason"))


def test_an_empty_file_among_others_is_a_failed_item_and_the_rest_goes_ahead(
    client_for, project, pi, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(pi).post(
            reverse("source-add", args=[project.slug]),
            {
                "html_files": [
                    SimpleUploadedFile("zh.html", (PAGES / "zh_news.html").read_bytes()),
                    SimpleUploadedFile("blank.html", b""),
                ],
                "text_files": [
                    SimpleUploadedFile("empty.txt", b""),
                    SimpleUploadedFile("a.txt", b"A note.\n\nIn two paragraphs."),
                ],
                "paste_title": "Pasted",
                "paste_text": "Pasted body.",
            },
        )
    job = IngestJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert items_of(job) == [
        ("zh.html", ItemStatus.PENDING, ""),
        ("blank.html", ItemStatus.FAILED, "empty file"),
        ("empty.txt", ItemStatus.FAILED, "empty file"),
        ("a.txt", ItemStatus.PENDING, ""),
        ("Pasted", ItemStatus.PENDING, ""),
    ]
    assert (job.total, job.failed) == (5, 2)
    pending = job.items.filter(status=ItemStatus.PENDING).order_by("position")
    assert sent == [item.pk for item in pending]  # the empty ones are not sent
    for item in pending:
        ingest_item(item)
    job.refresh_from_db()
    assert (job.status, job.done, job.failed) == (JobStatus.DONE, 3, 2)
    page = client_for(pi).get(job.get_absolute_url()).content.decode()
    assert page.count('<span class="reason">empty file</span>') == 2
    assert "Retry failed items" not in page  # an empty file stays empty


def test_an_empty_zip_is_a_failed_item_too(client_for, project, pi, sent):
    response = client_for(pi).post(
        reverse("source-add", args=[project.slug]),
        {
            "zip_file": SimpleUploadedFile("batch.zip", b""),
            "text_files": [SimpleUploadedFile("a.txt", b"A note.")],
        },
    )
    job = IngestJob.objects.get()
    assert response.status_code == 302
    assert items_of(job) == [
        ("a.txt", ItemStatus.PENDING, ""),
        ("batch.zip", ItemStatus.FAILED, "empty file"),
    ]


def test_only_empty_files_make_a_job_of_failed_items(client_for, project, pi, sent):
    response = client_for(pi).post(
        reverse("source-add", args=[project.slug]),
        {"text_files": [SimpleUploadedFile("empty.txt", b"")]},
    )
    job = IngestJob.objects.get()
    assert response.status_code == 302
    assert items_of(job) == [("empty.txt", ItemStatus.FAILED, "empty file")]
    assert (job.status, job.failed, job.remaining) == (JobStatus.DONE, 1, 0)
    assert sent == []


def test_empty_files_in_a_zip_and_an_mbox(sent):
    specs = file_specs("batch.zip", make_zip({"a.txt": b"A note.", "b.html": b""}))
    assert [(s.kind, s.label, s.error) for s in specs] == [
        (ItemKind.TEXT, "a.txt", None),
        (ItemKind.HTML, "b.html", "empty file"),
    ]
    (mbox,) = file_specs("letters.mbox", b"")
    assert (mbox.kind, mbox.error, mbox.payload) == (ItemKind.EMAIL, "empty file", None)


def test_the_api_takes_an_empty_file_as_a_failed_item(project, pi, sent):
    client = APIClient()
    client.force_authenticate(pi)
    files = [
        SimpleUploadedFile("a.txt", b"A note.\n\nIn two paragraphs."),
        SimpleUploadedFile("empty.txt", b""),
    ]
    answer = client.post(
        f"/api/projects/{project.slug}/ingest-jobs/", {"files": files}, format="multipart"
    )
    assert answer.status_code == 201, answer.content
    job = IngestJob.objects.get()
    assert items_of(job) == [
        ("a.txt", ItemStatus.PENDING, ""),
        ("empty.txt", ItemStatus.FAILED, "empty file"),
    ]


@pytest.mark.parametrize(
    ("data", "reason"),
    [(b"", "empty file"), (b"url,title\n,No link\n", "no URLs in its “url” column")],
)
def test_a_csv_without_urls_is_a_failed_item_and_the_rest_goes_ahead(
    client_for, project, pi, sent, data, reason, django_capture_on_commit_callbacks
):
    """The form keeps the files chosen beside it: one empty list refuses nothing else."""
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(pi).post(
            reverse("source-add", args=[project.slug]),
            {
                "csv_file": SimpleUploadedFile("list.csv", data),
                "text_files": [SimpleUploadedFile("a.txt", b"A note.\n\nIn two paragraphs.")],
            },
        )
    assert response.status_code == 302
    job = IngestJob.objects.get()
    assert items_of(job) == [
        ("list.csv", ItemStatus.FAILED, reason),
        ("a.txt", ItemStatus.PENDING, ""),
    ]
    assert not job.items.get(label="list.csv").retryable  # fetching "list.csv" makes no sense
    assert len(sent) == 1
