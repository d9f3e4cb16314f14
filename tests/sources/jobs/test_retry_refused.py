"""*Retry failed items* sends again only the failed items a retry may help.

A URL refused for what it is (loopback, not http(s), malformed), a file refused at submission
and a file that cannot be read fail the same way every time: they stay failed and are not
counted as queued. A time-out, an HTTP 5xx or 404, a worker that died and an internal error
may end otherwise, and are retried.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from sources.inputs import ItemSpec, file_specs, paste_spec
from sources.jobs import ingest
from sources.jobs.ingest import HOSTNAME, create_job, give_up, ingest_item, retry_failed
from sources.models import IngestItem, IngestJob, ItemKind, ItemStatus, JobStatus
from tests.factories import IngestItemFactory, IngestJobFactory
from tests.sources.extraction.pdfs import two_column_report
from tests.sources.httpserver import Server, running_server

pytestmark = pytest.mark.django_db

LOCAL = override_settings(INGEST_ALLOW_HOSTS=["127.0.0.1"], INGEST_TIMEOUT=2)


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with running_server() as running:
        yield running


@pytest.fixture
def sent(monkeypatch):
    sent: list[int] = []
    monkeypatch.setattr(ingest, "enqueue", lambda name, *args: sent.append(args[0]))
    return sent


def url_spec(url: str) -> ItemSpec:
    return ItemSpec(ItemKind.URL, url)


def ran(project, user, specs: list[ItemSpec]) -> IngestJob:
    job = create_job(project, user, specs, enqueue=False)
    for item in job.items.order_by("position"):
        ingest_item(item)
    job.refresh_from_db()
    return job


def outcomes(job: IngestJob) -> list[tuple[str, str]]:
    return list(job.items.order_by("position").values_list("status", "reason"))


def refused_urls(server: Server) -> list[ItemSpec]:
    return [
        url_spec(server.url("/page", host="localhost")),  # loopback, not allowed by name
        url_spec("ftp://example.org/report.html"),
        url_spec("http://[::1/report"),
    ]


REFUSED = [
    (ItemStatus.FAILED, "refused: loopback address"),
    (ItemStatus.FAILED, "not an http(s) URL"),
    (ItemStatus.FAILED, "invalid URL"),
]


@LOCAL
def test_urls_refused_for_what_they_are_are_not_retried(
    server, project, pi, client_for, sent, django_capture_on_commit_callbacks
):
    job = ran(project, pi, refused_urls(server))
    assert outcomes(job) == REFUSED
    assert (job.status, job.failed) == (JobStatus.DONE, 3)
    client = client_for(pi)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Retry failed items" not in page  # nothing it could change
    retry = reverse("ingest-job-retry", args=[project.slug, job.pk])
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(retry, follow=True).content.decode()
    assert "queued again" not in answer and "No failed item can be retried" in answer
    assert sent == []
    job.refresh_from_db()
    assert outcomes(job) == REFUSED
    assert (job.status, job.failed, job.remaining) == (JobStatus.DONE, 3, 0)


@LOCAL
def test_failures_a_retry_may_change_are_retried_and_only_they_counted(
    server, project, pi, client_for, sent, django_capture_on_commit_callbacks
):
    specs = [
        *refused_urls(server)[:1],
        url_spec(server.url("/status/503")),  # on its last attempt
        url_spec(server.url("/status/404")),
        paste_spec("Lost", "The worker running this one died each time."),
        paste_spec("Added", "A text that is stored."),
    ]
    job = create_job(project, pi, specs, enqueue=False)
    items = list(job.items.order_by("position"))
    for item in items[:3] + items[4:]:
        ingest_item(item)
    lost = items[3]
    IngestItem.objects.filter(pk=lost.pk).update(
        status=ItemStatus.RUNNING, claimed_by=f"{HOSTNAME}:1:1", attempts=3
    )
    assert give_up(lost, f"{HOSTNAME}:1:1", 3)
    job.refresh_from_db()
    assert [status for status, _ in outcomes(job)] == [ItemStatus.FAILED] * 4 + [ItemStatus.OK]
    assert (job.status, job.done, job.failed) == (JobStatus.DONE, 1, 4)

    client = client_for(pi)
    assert "Retry failed items" in client.get(job.get_absolute_url()).content.decode()
    retry = reverse("ingest-job-retry", args=[project.slug, job.pk])
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(retry, follow=True).content.decode()
    assert "3 failed items queued again." in answer
    assert sent == [item.pk for item in items[1:4]]
    job.refresh_from_db()
    assert outcomes(job)[0] == REFUSED[0]
    assert [status for status, _ in outcomes(job)[1:4]] == [ItemStatus.PENDING] * 3
    assert (job.status, job.done, job.failed, job.remaining) == (JobStatus.QUEUED, 1, 1, 3)


def test_files_that_cannot_be_read_or_were_refused_are_not_retried(project, pi, sent):
    big_pdf = two_column_report()
    with override_settings(INGEST_MAX_BYTES=len(big_pdf) - 1):
        refused = file_specs("report.pdf", big_pdf)  # too large: refused at submission
    specs = [
        *refused,
        *file_specs("empty.html", b""),
        *file_specs("photo.html", b"\x00\x01\x02\x03" * 100),  # read, and not HTML
        *file_specs("notes.docx", b"PK\x03\x04"),
    ]
    job = ran(project, pi, specs)
    assert outcomes(job) == [
        (ItemStatus.FAILED, "too large"),
        (ItemStatus.FAILED, "empty file"),
        (ItemStatus.FAILED, "not HTML"),
        (ItemStatus.FAILED, "unsupported file type (.docx)"),
    ]
    assert retry_failed(job) == 0 and sent == []
    job.refresh_from_db()
    assert (job.status, job.failed) == (JobStatus.DONE, 4)


def test_an_internal_error_on_a_file_is_retried(project, pi, sent, monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("a bug, fixed by the next deployment")

    monkeypatch.setattr(ingest, "extract_text_document", crash)
    job = ran(project, pi, file_specs("note.txt", b"A short note.\n\nIn two paragraphs."))
    assert outcomes(job) == [(ItemStatus.FAILED, "internal error while ingesting")]
    monkeypatch.undo()
    monkeypatch.setattr(ingest, "enqueue", lambda name, *args: sent.append(args[0]))
    assert retry_failed(job) == 1
    ingest_item(job.items.get())
    job.refresh_from_db()
    assert (job.status, job.done, job.failed) == (JobStatus.DONE, 1, 0)


@LOCAL
def test_the_api_counts_only_the_items_retried(
    server, project, pi, sent, django_capture_on_commit_callbacks
):
    job = ran(project, pi, [*refused_urls(server), url_spec(server.url("/status/404"))])
    client = APIClient()
    client.force_authenticate(pi)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(f"/api/projects/{project.slug}/ingest-jobs/{job.pk}/retry/")
    assert answer.status_code == 202
    assert (answer.json()["retried"], answer.json()["failed"]) == (1, 3)
    assert len(sent) == 1


def test_items_failed_before_the_flag_are_marked_by_their_reason():
    """The migration that adds the flag marks the failures a retry cannot change."""
    migration = importlib.import_module("sources.migrations.0005_ingestitem_retryable")
    job = IngestJobFactory()
    reasons = {
        (ItemKind.URL, "refused: private address"): False,
        (ItemKind.URL, "URL has credentials"): False,
        (ItemKind.URL, "HTTP 404"): True,
        (ItemKind.URL, "timed out"): True,
        (ItemKind.HTML, "not HTML"): False,
        (ItemKind.TEXT, "the worker stopped while ingesting it (3 attempts)"): True,
        (ItemKind.PDF, "internal error while ingesting"): True,
    }
    for kind, reason in reasons:
        IngestItemFactory(job=job, kind=kind, status=ItemStatus.FAILED, reason=reason)
    migration.mark_final_failures(apps, None)
    marked = {
        (kind, reason): retryable
        for kind, reason, retryable in job.items.values_list("kind", "reason", "retryable")
    }
    assert marked == reasons
