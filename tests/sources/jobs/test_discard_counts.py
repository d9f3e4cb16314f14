"""Discarding a held item and cancelling a job count each item once, in whatever order the
other events come: the sweeper, a choice, the worker of a running item, a late task.

As tests/sources/jobs/test_held_counts.py does for the choice: the tester's job (a mis-declared
KOI8-R page and a windows-1251 letter stored, a six-letter windows-1251 note held).
"""

from __future__ import annotations

import itertools
import os
from unittest import mock

import pytest

from sources.inputs import paste_spec
from sources.jobs import ingest
from sources.jobs.counting import item_counts
from sources.jobs.ingest import create_job, ingest_item, release_held_item, run_item
from sources.jobs.stopping import cancel_job, discard_held_item
from sources.jobs.sweeper import sweep
from sources.models import IngestItem, IngestJob, ItemStatus, JobStatus
from tests.sources.jobs.held_job import counts, held_job

pytestmark = pytest.mark.django_db

FINAL = (ItemStatus.OK, ItemStatus.DUPLICATE, ItemStatus.FAILED)


@pytest.fixture(autouse=True)
def sent(monkeypatch):
    sent: list[int] = []
    monkeypatch.setattr(ingest, "enqueue", lambda name, *args: sent.append(args[0]))
    return sent


@pytest.fixture
def job(project, pi) -> IngestJob:
    return held_job(project, pi)


def assert_counts_match_items(job: IngestJob) -> None:
    """The job's counters are its items' (unfinished ones in neither), and it is open exactly
    while one of them is unfinished."""
    by_items = item_counts(job.pk)
    job.refresh_from_db()
    assert (job.total, job.done, job.failed) == (by_items.total, by_items.done, by_items.failed)
    assert (job.status == JobStatus.DONE) == (by_items.unfinished == 0)


def note(job: IngestJob) -> IngestItem:
    return job.items.get(position=2)


@pytest.mark.parametrize("sweep_before", [True, False])
@pytest.mark.parametrize("sweep_after", [True, False])
def test_a_discarded_item_is_counted_once_whenever_the_sweeper_runs(
    job, pi, sweep_before, sweep_after
):
    if sweep_before:
        sweep()
    assert counts(job) == (JobStatus.RUNNING, 3, 2, 0)
    assert discard_held_item(note(job), pi)
    if sweep_after:
        sweep()
    assert counts(job) == (JobStatus.DONE, 3, 2, 1)
    assert not discard_held_item(note(job), pi)  # twice: nothing more
    sweep()
    assert counts(job) == (JobStatus.DONE, 3, 2, 1)


def test_discarding_in_a_job_closed_while_the_item_was_held_corrects_its_counts(job, pi):
    """A job an earlier sweeper closed counting its held item as done (done 3 of 3)."""
    IngestJob.objects.filter(pk=job.pk).update(status=JobStatus.DONE, done=3)
    assert discard_held_item(note(job), pi)
    assert counts(job) == (JobStatus.DONE, 3, 2, 1)


@pytest.mark.parametrize("first", ["choose", "discard"])
def test_of_a_choice_and_a_discard_the_first_wins_and_is_counted_once(job, pi, first):
    if first == "choose":
        assert release_held_item(note(job), "cp1251")
        assert not discard_held_item(note(job), pi)
        ingest_item(note(job))
        assert counts(job) == (JobStatus.DONE, 3, 3, 0)
        assert note(job).status == ItemStatus.OK
    else:
        assert discard_held_item(note(job), pi)
        assert not release_held_item(note(job), "cp1251")
        run_item(note(job).pk)  # a task sent anyway does nothing
        assert counts(job) == (JobStatus.DONE, 3, 2, 1)
        assert note(job).status == ItemStatus.FAILED


# --- cancelling, under every order of events ----------------------------------------------


@pytest.fixture
def busy_job(job, project, pi) -> IngestJob:
    """The tester's job grown by two items: one a worker is running, one not started."""
    IngestItem.objects.bulk_create(
        [
            IngestItem(job=job, position=3, kind="paste", label="Running", payload=b"Being run."),
            IngestItem(job=job, position=4, kind="paste", label="Pending", payload=b"Not run."),
        ]
    )
    IngestJob.objects.filter(pk=job.pk).update(total=5)
    running = job.items.get(position=3)
    with as_the_worker():
        assert ingest._take_item(running.pk, running.updated_at)
    assert_counts_match_items(job)
    return job


WORKER = f"{ingest.HOSTNAME}:{os.getppid()}:7"
"""The running item's worker: a live process of this host (the sweeper leaves its item)."""


def as_the_worker():
    return mock.patch.object(ingest, "_claimant", lambda: WORKER)


def worker_finishes(job: IngestJob) -> None:
    with as_the_worker():
        ingest_item(job.items.get(position=3))


def events(job: IngestJob, pi) -> dict:
    return {
        "cancel": lambda: cancel_job(job, pi),
        "worker finishes": lambda: worker_finishes(job),
        "task of the pending item": lambda: run_item(job.items.get(position=4).pk),
        "choice": lambda: release_held_item(note(job), "cp1251"),
        "sweeper": sweep,
    }


@pytest.mark.parametrize("order", list(itertools.permutations(range(5))))
def test_cancelling_counts_each_item_once_in_any_order(busy_job, pi, order):
    happenings = list(events(busy_job, pi).items())
    for index in order:
        _, happen = happenings[index]
        happen()
        assert_counts_match_items(busy_job)
    for item in busy_job.items.filter(status=ItemStatus.PENDING):  # tasks delivered late
        run_item(item.pk)
        assert_counts_match_items(busy_job)
    sweep()
    assert_counts_match_items(busy_job)
    items = list(busy_job.items.order_by("position"))
    assert all(item.status in FINAL for item in items)
    assert items[3].status == ItemStatus.OK  # running when cancelled, or before: it finished
    cancelled = [item for item in items if item.reason == "cancelled by pi-user"]
    assert all(not item.retryable for item in cancelled)
    before = {name for name, _ in (happenings[i] for i in order[: order.index(0)])}
    # what had not started when the job was cancelled was cancelled, and nothing else: the
    # note, held or chosen (pending: its task runs only after all these), and the pending
    # item unless its task took it first
    expected = {2}
    if "task of the pending item" not in before:
        expected.add(4)
    assert {item.position for item in cancelled} == expected
    status, total, done, failed = counts(busy_job)
    assert (status, total, done + failed) == (JobStatus.DONE, 5, 5)
    assert failed == len(cancelled)


def test_a_paste_job_cancelled_before_any_worker_ran_is_done_at_once(
    project, pi, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = create_job(project, pi, [paste_spec("One", "Text one."), paste_spec("Two", "Two.")])
    assert len(sent) == 2
    assert cancel_job(job, pi) == 2
    assert counts(job) == (JobStatus.DONE, 2, 0, 2)
    for pk in sent:  # the tasks, delivered after the cancel
        run_item(pk)
    assert counts(job) == (JobStatus.DONE, 2, 0, 2)
    sweep()
    assert counts(job) == (JobStatus.DONE, 2, 0, 2)
