"""The sweeper, without a worker: what it releases, sends again, gives up and closes."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from sources.inputs import paste_spec
from sources.jobs import ingest
from sources.jobs.ingest import HOSTNAME, create_job, ingest_item
from sources.jobs.sweeper import SEND_GRACE, sweep
from sources.models import IngestItem, ItemStatus, JobStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch):
    sent: list[int] = []
    monkeypatch.setattr(ingest, "enqueue", lambda name, *args: sent.append(args[0]))
    return sent


def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def job_of(project, pi, n=2):
    specs = [paste_spec(f"T{i}", f"Text number {i}.") for i in range(n)]
    return create_job(project, pi, specs, enqueue=False)


def test_an_item_of_a_dead_process_is_released_and_sent_again(project, pi, sent):
    job = job_of(project, pi)
    item = job.items.first()
    IngestItem.objects.filter(pk=item.pk).update(
        status=ItemStatus.RUNNING, claimed_by=f"{HOSTNAME}:{dead_pid()}:1", attempts=1
    )
    alive = job.items.last()  # held by this very process's other thread: left alone
    IngestItem.objects.filter(pk=alive.pk).update(
        status=ItemStatus.RUNNING, claimed_by=f"{HOSTNAME}:{os.getpid()}:1"
    )
    result = sweep()
    assert result.released_ids == [item.pk] and sent == [item.pk]
    item.refresh_from_db()
    assert item.status == ItemStatus.PENDING and item.queued_at is not None
    ingest_item(item)  # the worker that takes the sent task
    item.refresh_from_db()
    assert (item.status, item.attempts) == (ItemStatus.OK, 2)
    alive.refresh_from_db()
    assert alive.status == ItemStatus.RUNNING


def test_an_item_on_another_host_is_released_once_stale(project, pi, sent):
    job = job_of(project, pi, 1)
    item = job.items.get()
    IngestItem.objects.filter(pk=item.pk).update(
        status=ItemStatus.RUNNING, claimed_by="elsewhere:123:1", attempts=1
    )
    assert sweep().released_ids == []  # may still run there
    later = timezone.now() + dt.timedelta(seconds=3 * django_settings.INGEST_TIMEOUT + 61)
    assert sweep(later).released_ids == [item.pk]


def test_an_item_whose_worker_keeps_dying_fails_after_max_attempts(project, pi, sent, settings):
    settings.INGEST_MAX_ATTEMPTS = 3
    job = job_of(project, pi, 1)
    item = job.items.get()
    IngestItem.objects.filter(pk=item.pk).update(
        status=ItemStatus.RUNNING, claimed_by=f"{HOSTNAME}:{dead_pid()}:1", attempts=3
    )
    result = sweep()
    assert result.given_up == 1 and sent == []
    item.refresh_from_db()
    job.refresh_from_db()
    assert item.status == ItemStatus.FAILED and "worker stopped" in item.reason
    assert (job.status, job.done, job.failed) == (JobStatus.DONE, 0, 1)


def test_a_redelivered_task_takes_over_from_a_dead_process(project, pi):
    job = job_of(project, pi, 1)
    item = job.items.get()
    IngestItem.objects.filter(pk=item.pk).update(
        status=ItemStatus.RUNNING, claimed_by=f"{HOSTNAME}:{dead_pid()}:1", attempts=1
    )
    ingest.run_item(item.pk)  # what the task does when Celery redelivers it
    item.refresh_from_db()
    assert (item.status, item.attempts) == (ItemStatus.OK, 2)
    job.refresh_from_db()
    assert (job.status, job.done) == (JobStatus.DONE, 1)


def test_pending_items_are_sent_once_then_again_after_the_limit(project, pi, sent, settings):
    settings.SWEEP_PENDING_AFTER = 60
    job = job_of(project, pi)
    assert sweep().sent == 0  # just stored: its own enqueue is due
    soon = timezone.now() + SEND_GRACE + dt.timedelta(seconds=1)
    assert sweep(soon).sent == 2
    assert sweep(soon).sent == 0
    assert sweep(soon + dt.timedelta(seconds=61)).sent == 2  # the messages were lost
    assert sorted(sent) == sorted(list(job.items.values_list("pk", flat=True)) * 2)


def test_an_open_job_with_only_final_items_is_counted_and_closed(project, pi, sent):
    job = job_of(project, pi)
    for item in job.items.all():
        ingest_item(item)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    type(job).objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, done=0)  # a lost count
    assert sweep().closed == 1
    job.refresh_from_db()
    assert (job.status, job.done, job.failed, job.total) == (JobStatus.DONE, 2, 0, 2)


def test_beat_runs_the_sweeper_and_the_heartbeat():
    from config.celery import app

    schedule = django_settings.CELERY_BEAT_SCHEDULE
    tasks = {entry["task"] for entry in schedule.values()}
    assert {"sources.sweep_jobs", "coding.heartbeat"} <= tasks
    app.loader.import_default_modules()
    assert tasks <= set(app.tasks)
