"""The broker down when a job is submitted (API 503, form message, CLI exit 1) and the retry
of failed items (job page button and API), per role."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.test import APIClient

from sources.inputs import ItemSpec, paste_spec
from sources.jobs import tasks
from sources.jobs.ingest import create_job, ingest_item
from sources.models import IngestJob, ItemKind, ItemStatus, JobStatus

REFUSED = "Error 111 connecting to 127.0.0.1:6379. Connection refused."


@pytest.fixture
def broker_down(monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError(REFUSED)

    monkeypatch.setattr(tasks.ingest_item_task, "apply_async", down)


@pytest.fixture
def sent(monkeypatch):
    sent: list[int] = []
    monkeypatch.setattr(
        tasks.ingest_item_task, "apply_async", lambda args, kwargs=None, **_: sent.append(*args)
    )
    return sent


@pytest.mark.django_db(transaction=True)
def test_api_answers_503_with_the_reason_and_keeps_the_job(broker_down, project, pi):
    client = APIClient()
    client.force_authenticate(pi)
    response = client.post(
        f"/api/projects/{project.slug}/ingest-jobs/",
        {"texts": [{"title": "T", "text": "Body text."}]},
        "json",
    )
    assert response.status_code == 503, response.content
    assert response["Retry-After"] == "30"
    body = response.json()
    assert "Connection refused" in body["reason"]
    assert "will start by themselves" in body["detail"]
    job = IngestJob.objects.get(pk=body["job"]["id"])
    assert (job.status, job.total, body["job"]["queue_error"]) == (
        JobStatus.QUEUED, 1, job.queue_error
    )  # fmt: skip
    assert job.items.get().status == ItemStatus.PENDING


@pytest.mark.django_db(transaction=True)
def test_the_form_says_the_queue_is_unreachable(broker_down, client_for, project, pi):
    client = client_for(pi)
    response = client.post(
        reverse("source-add", args=[project.slug]),
        {"paste_title": "Pasted", "paste_text": "Some article text."},
        follow=True,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "task queue is unreachable" in html
    assert "queued." not in html
    assert "Connection refused" in html  # on the job page too


@pytest.mark.django_db(transaction=True)
def test_the_cli_exits_non_zero_without_a_traceback(broker_down, project, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Text\n\nBody.", encoding="utf-8")
    out = StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("ingest", "--project", project.slug, "--async", str(path), stdout=out)
    assert "task queue is unreachable" in str(refused.value)
    assert "Queued job" not in out.getvalue()
    assert IngestJob.objects.get().items.get().status == ItemStatus.PENDING


def failed_job(project, pi):
    job = create_job(
        project,
        pi,
        [ItemSpec(ItemKind.URL, "https://a.example/a"), paste_spec("B", "Text B."),
         ItemSpec(ItemKind.TEXT, "x.pdf", error="unsupported file type")],
        enqueue=False,
    )  # fmt: skip
    items = job.items.order_by("position")
    ingest_item(items[1])
    url_item = items[0]
    url_item.status, url_item.reason = ItemStatus.RUNNING, ""
    url_item.save()
    from sources.jobs.ingest import _record

    _record(url_item, ItemStatus.FAILED, "HTTP 503", None)
    job.refresh_from_db()
    assert (job.status, job.done, job.failed) == (JobStatus.DONE, 1, 2)
    return job


@pytest.mark.django_db(transaction=True)
def test_retry_button_queues_the_failed_items_again(sent, client_for, project, pi, coder):
    job = failed_job(project, pi)
    retry = reverse("ingest-job-retry", args=[project.slug, job.pk])
    page = client_for(pi).get(job.get_absolute_url()).content.decode()
    assert retry in page and "Retry failed items" in page
    assert client_for(coder).post(retry).status_code == 403
    assert client_for(pi).get(retry).status_code == 405
    response = client_for(pi).post(retry, follow=True)
    assert "1 failed item queued again." in response.content.decode()
    job.refresh_from_db()
    url_item = job.items.get(position=0)
    assert sent == [url_item.pk]
    assert (url_item.status, url_item.reason, url_item.attempts) == (ItemStatus.PENDING, "", 0)
    # the item refused at submission has nothing to retry
    assert job.items.get(position=2).status == ItemStatus.FAILED
    assert (job.status, job.done, job.failed, job.remaining) == (JobStatus.QUEUED, 1, 1, 1)


@pytest.mark.django_db(transaction=True)
def test_retry_over_the_api(sent, project, pi, outsider):
    job = failed_job(project, pi)
    endpoint = f"/api/projects/{project.slug}/ingest-jobs/{job.pk}/retry/"
    client = APIClient()
    client.force_authenticate(outsider)
    assert client.post(endpoint).status_code == 404
    client.force_authenticate(pi)
    response = client.post(endpoint)
    assert response.status_code == 202, response.content
    assert response.json()["retried"] == 1 and response.json()["status"] == "queued"
    assert client.post(endpoint).json()["retried"] == 0  # nothing failed any more
    assert len(sent) == 1
