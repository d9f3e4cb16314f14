"""A job with an item held for an encoding choice counts each item once, whenever the sweeper
runs: before the choice, between the choice and the task, or after it.

The tester's job: a mis-declared KOI8-R page, a windows-1251 letter and a six-letter
windows-1251 note (held) in one submission, the note then stored as windows-1251.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from sources.jobs import ingest
from sources.jobs.ingest import ingest_item, release_held_item
from sources.jobs.sweeper import sweep
from sources.models import IngestItem, IngestJob, ItemStatus, JobStatus
from tests.sources.jobs.held_job import counts, held_job

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch):
    sent: list[int] = []
    monkeypatch.setattr(ingest, "enqueue", lambda name, *args: sent.append(args[0]))
    return sent


@pytest.fixture
def job(project, pi, sent) -> IngestJob:
    return held_job(project, pi)


def choose(job: IngestJob) -> IngestItem:
    note = job.items.get(position=2)
    assert release_held_item(note, "cp1251")
    return note


def test_the_sweeper_leaves_a_job_open_while_an_item_waits_for_a_choice(job):
    assert sweep().closed == 0
    assert counts(job) == (JobStatus.RUNNING, 3, 2, 0)
    assert job.remaining == 1


@pytest.mark.parametrize("sweep_before_choice", [True, False])
@pytest.mark.parametrize("sweep_before_task", [True, False])
def test_the_chosen_item_is_counted_once_whenever_the_sweeper_runs(
    job, sweep_before_choice, sweep_before_task
):
    if sweep_before_choice:
        sweep()
    note = choose(job)
    if sweep_before_task:
        sweep()
    ingest_item(note)
    assert counts(job) == (JobStatus.DONE, 3, 3, 0)
    sweep()  # and after the task: nothing to change
    assert counts(job) == (JobStatus.DONE, 3, 3, 0)
    note.refresh_from_db()
    assert note.status == ItemStatus.OK and note.source.text == "Привет"


def test_the_job_page_status_and_list_agree_with_the_items(job, client_for, pi):
    sweep()
    note = choose(job)
    sweep()
    ingest_item(note)
    client = client_for(pi)
    state = client.get(reverse("ingest-job-status", args=[job.project.slug, job.pk])).json()
    picked = {key: state[key] for key in ("total", "done", "new", "failed", "remaining")}
    assert picked == {"total": 3, "done": 3, "new": 3, "failed": 0, "remaining": 0}
    assert state["finished"]
    page = client.get(job.get_absolute_url()).content.decode()
    assert '<span data-field="new">3</span> new' in page
    assert '<span data-field="remaining">0</span> remaining of 3' in page
    listing = client.get(reverse("ingest-jobs", args=[job.project.slug])).content.decode()
    assert "<td>3</td><td>0</td><td>3</td>" in listing


def test_a_job_closed_while_an_item_was_held_opens_again_with_its_items_counts(job):
    """A job an earlier sweeper closed with its held item counted as done (done 3 of 3)."""
    IngestJob.objects.filter(pk=job.pk).update(status=JobStatus.DONE, done=3)
    note = choose(job)
    assert counts(job) == (JobStatus.RUNNING, 3, 2, 0)
    ingest_item(note)
    assert counts(job) == (JobStatus.DONE, 3, 3, 0)
