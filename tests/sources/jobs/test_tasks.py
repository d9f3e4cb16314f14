"""The Celery path of ingestion: the task logic without a worker, then a real worker."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.test import override_settings
from django.utils import timezone

from sources.inputs import ItemSpec, paste_spec
from sources.jobs import tasks
from sources.jobs.ingest import create_job
from sources.models import IngestJob, ItemKind, ItemStatus, JobStatus
from tests.services import TRANSPORTS, celery_worker, wait_for
from tests.sources.httpserver import Server, running_server


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with running_server() as running:
        yield running


@pytest.mark.django_db
def test_create_job_queues_one_task_per_pending_item_after_commit(
    project, pi, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(
        tasks.ingest_item_task, "apply_async", lambda args, kwargs=None, **_: sent.append(*args)
    )
    with django_capture_on_commit_callbacks(execute=True):
        job = create_job(
            project,
            pi,
            [
                paste_spec("A", "First text."),
                ItemSpec(ItemKind.TEXT, "x.pdf", error="unsupported"),
                paste_spec("B", "Second text."),
            ],
        )
        assert sent == []  # nothing is sent before the job is committed
    pending = list(job.items.filter(status=ItemStatus.PENDING).values_list("pk", flat=True))
    assert sent == pending and len(sent) == 2


@pytest.mark.django_db
def test_broker_down_keeps_the_job_queued_with_the_reason_and_the_sweeper_sends_it_later(
    project, pi, monkeypatch, django_capture_on_commit_callbacks
):
    from sources.jobs.ingest import BrokerUnavailable, enqueue_job
    from sources.jobs.sweeper import SEND_GRACE, sweep

    def down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6415. Connection refused.")

    monkeypatch.setattr(tasks.ingest_item_task, "apply_async", down)
    with django_capture_on_commit_callbacks(execute=True):
        job = create_job(project, pi, [paste_spec("A", "Text."), paste_spec("B", "More.")])
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED  # not failed: nothing was tried yet
    assert "Connection refused" in job.queue_error
    with pytest.raises(BrokerUnavailable) as refused:  # sent when asked again: refused again
        enqueue_job(job)
    assert "will start by themselves" in refused.value.message()
    assert set(job.items.values_list("status", "queued_at")) == {(ItemStatus.PENDING, None)}

    later = timezone.now() + SEND_GRACE + dt.timedelta(seconds=1)
    assert sweep(later).broker_error  # still down: nothing sent, nothing lost
    sent = []
    monkeypatch.setattr(
        tasks.ingest_item_task, "apply_async", lambda args, kwargs=None, **_: sent.append(*args)
    )
    assert sweep(later).sent == 2
    assert sorted(sent) == sorted(job.items.values_list("pk", flat=True))
    job.refresh_from_db()
    assert job.queue_error == ""
    assert not job.items.filter(queued_at=None).exists()
    assert sweep(later).sent == 0  # sent once; again only after SWEEP_PENDING_AFTER


@pytest.mark.django_db
@override_settings(INGEST_ALLOW_HOSTS=["127.0.0.1"])
def test_task_retries_network_errors_then_records_the_failure(server, project, pi):
    job = create_job(
        project, pi, [ItemSpec(ItemKind.URL, server.url("/status/503"))], enqueue=False
    )
    item = job.items.get()
    tasks.ingest_item_task.apply(args=[item.pk])  # eager: retries run at once
    item.refresh_from_db()
    assert (item.status, item.reason) == (ItemStatus.FAILED, "HTTP 503")
    assert item.attempts == tasks.ingest_item_task.max_retries + 1
    job.refresh_from_db()
    assert (job.status, job.failed) == (JobStatus.DONE, 1)


@pytest.mark.django_db
@override_settings(INGEST_ALLOW_HOSTS=["127.0.0.1"])
def test_failing_item_does_not_fail_the_batch(server, project, pi):
    job = create_job(
        project,
        pi,
        [ItemSpec(ItemKind.URL, server.url("/pdf")), ItemSpec(ItemKind.URL, server.url("/page"))],
        enqueue=False,
    )
    for item in job.items.all():
        tasks.ingest_item_task.apply(args=[item.pk])
    job.refresh_from_db()
    assert (job.status, job.done, job.failed) == (JobStatus.DONE, 1, 1)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("transport", TRANSPORTS)
def test_job_runs_in_a_real_worker(transport, tmp_path, server, monkeypatch, project, pi):
    monkeypatch.setenv("INGEST_ALLOW_HOSTS", "127.0.0.1")
    job = create_job(
        project,
        pi,
        [
            ItemSpec(ItemKind.URL, server.url("/page")),
            ItemSpec(ItemKind.URL, server.url("/pdf")),
            paste_spec("Pasted", "A pasted article about a joint patrol."),
        ],
        enqueue=False,
    )
    with celery_worker(transport, tmp_path) as sender:
        for pk in job.items.values_list("pk", flat=True):
            sender.send_task("sources.ingest_item", args=[pk])
        finished = wait_for(
            lambda: IngestJob.objects.get(pk=job.pk).status == JobStatus.DONE, timeout=60
        )
    job.refresh_from_db()
    assert finished, f"the worker on {transport} did not finish the job: {job.status}"
    assert (job.done, job.failed) == (2, 1)
    outcomes = dict(job.items.values_list("position", "status"))
    assert outcomes == {0: ItemStatus.OK, 1: ItemStatus.FAILED, 2: ItemStatus.OK}


@pytest.mark.django_db
@override_settings(INGEST_ALLOW_HOSTS=["127.0.0.1"])
def test_run_job_in_process_retries_network_errors(server, project, pi):
    from sources.jobs.ingest import run_job

    job = create_job(
        project, pi, [ItemSpec(ItemKind.URL, server.url("/status/503"))], enqueue=False
    )
    run_job(job, retries=2, backoff=0)
    item = job.items.get()
    assert (item.status, item.reason, item.attempts) == (ItemStatus.FAILED, "HTTP 503", 3)
    assert job.status == JobStatus.DONE


@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_keep_the_counts(project, pi):
    """Items of one job run in parallel threads (each with its own connection), some twice."""
    import threading

    from django.db import connection

    from sources.jobs.ingest import ingest_item
    from sources.models import IngestItem

    specs = [paste_spec(f"T{n}", f"Text number {n}.") for n in range(12)]
    specs += [paste_spec("Same", "Identical text."), paste_spec("Same", "Identical text.")]
    job = create_job(project, pi, specs, enqueue=False)
    ids = list(job.items.values_list("pk", flat=True))
    errors = []

    def work(chunk):
        try:
            for pk in chunk:
                ingest_item(IngestItem.objects.select_related("job__project").get(pk=pk))
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    # every item is handed to two threads: only one may count it
    threads = [threading.Thread(target=work, args=(ids[i::3],)) for i in range(3)]
    threads += [threading.Thread(target=work, args=(list(reversed(ids)),))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    job.refresh_from_db()
    assert (job.total, job.done, job.failed, job.status) == (14, 14, 0, JobStatus.DONE)
    statuses = list(job.items.values_list("status", flat=True))
    assert statuses.count(ItemStatus.DUPLICATE) == 1
    assert project.sources.count() == 13


@pytest.mark.django_db
def test_a_running_item_is_left_alone_until_its_worker_is_presumed_dead(project, pi):
    import datetime as dt

    from django.utils import timezone

    from sources.jobs.ingest import ItemBusy, run_item
    from sources.models import IngestItem

    job = create_job(project, pi, [paste_spec("A", "Alpha text.")], enqueue=False)
    item = job.items.get()
    IngestItem.objects.filter(pk=item.pk).update(status=ItemStatus.RUNNING, attempts=1)
    with pytest.raises(ItemBusy):  # a live worker holds it: a redelivered task waits
        run_item(item.pk)
    item.refresh_from_db()
    assert (item.status, item.attempts) == (ItemStatus.RUNNING, 1)
    long_ago = timezone.now() - dt.timedelta(hours=1)
    IngestItem.objects.filter(pk=item.pk).update(updated_at=long_ago)
    run_item(item.pk)  # its worker died: taken over
    item.refresh_from_db()
    assert (item.status, item.attempts) == (ItemStatus.OK, 2)
    job.refresh_from_db()
    assert (job.done, job.status) == (1, JobStatus.DONE)
