"""Jobs under faults, with real workers and real brokers: every item ends done or failed
exactly once, no source is stored twice, and the job closes.

- a busy pool process killed (kill -9): the worker rejects its task, which comes back;
- a whole worker killed mid-job: a new worker and the sweeper finish the job;
- the broker (our own redis-server) stopped during enqueue and restarted: the job is kept,
  the sweeper sends it once the broker is back;
- the database's connections terminated (PostgreSQL): the items go back to pending and are
  retried.

Each runs on the embedded default and on Redis (the broker-stop test on Redis only: the
embedded broker is a file, there is no server to stop). Each takes well under a minute.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest
from django.db import connection
from django.test import override_settings

from sources.inputs import ItemSpec, paste_spec
from sources.jobs import ingest
from sources.jobs.ingest import BrokerUnavailable, create_job
from sources.jobs.sweeper import sweep
from sources.models import IngestJob, ItemKind, ItemStatus, JobStatus
from tests.services import TRANSPORTS, WorkerSetup, descendants, require, worker_setup
from tests.sources.httpserver import Server, running_server

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

FINAL = {ItemStatus.OK, ItemStatus.DUPLICATE, ItemStatus.FAILED}
DEADLINE = 50.0  # seconds for a job to finish after the fault


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with running_server() as running:
        yield running


@pytest.fixture
def faults_env(monkeypatch):
    monkeypatch.setenv("INGEST_ALLOW_HOSTS", "127.0.0.1")
    with override_settings(SWEEP_PENDING_AFTER=3):
        yield


def send_through(monkeypatch, setup: WorkerSetup) -> None:
    """This process (create_job, the sweeper) sends to the test's broker and queue."""
    monkeypatch.setattr(
        ingest, "enqueue", lambda name, *args: setup.sender.send_task(name, args=list(args))
    )


def slow_specs(server: Server, n: int, *, wait: float = 1.5, tag: str = "") -> list[ItemSpec]:
    specs = [ItemSpec(ItemKind.URL, server.url(f"/slow-article?n={tag}{i}&wait={wait}"))
             for i in range(n)]  # fmt: skip
    return specs + [paste_spec(f"Pasted {tag}{i}", f"Pasted text {tag}{i}.") for i in range(3)]


def running_claimant_pid(job: IngestJob, timeout: float = 30.0) -> int:
    """The pid of a process running one of the job's items, once one runs."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        claimed = (
            job.items.filter(status=ItemStatus.RUNNING, kind=ItemKind.URL)
            .values_list("claimed_by", flat=True)
            .first()
        )
        if claimed:
            return int(claimed.rsplit(":", 2)[1])
        time.sleep(0.05)
    raise AssertionError("no item of the job started running")


def finish(jobs: list[IngestJob], *, sweeping: bool = True) -> None:
    """Wait for the jobs to close, running the sweeper every second as beat would."""
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        if sweeping:
            sweep()
        if all(IngestJob.objects.get(pk=j.pk).status == JobStatus.DONE for j in jobs):
            return
        time.sleep(1.0)
    states = {j.pk: list(j.items.values_list("status", "attempts", "claimed_by")) for j in jobs}
    raise AssertionError(f"jobs did not finish in {DEADLINE:.0f} s: {states}")


def assert_each_item_final_once(job: IngestJob) -> None:
    job.refresh_from_db()
    items = list(job.items.all())
    assert job.status == JobStatus.DONE
    assert all(item.status in FINAL for item in items), [i.status for i in items]
    failed = sum(item.status == ItemStatus.FAILED for item in items)
    # counted once each: a second outcome of an item would push done + failed past total
    assert (job.total, job.done, job.failed) == (len(items), len(items) - failed, failed)
    ok = [item.source_id for item in items if item.status == ItemStatus.OK]
    assert len(set(ok)) == len(ok)
    assert job.project.sources.filter(pk__in=ok).count() == len(ok)


def assert_no_source_twice(project) -> None:
    hashes = list(project.sources.values_list("text_hash", flat=True))
    assert len(hashes) == len(set(hashes))
    urls = [u for u in project.sources.values_list("url", flat=True) if u]
    assert len(urls) == len(set(urls))


def kill_tree(pid: int) -> None:
    for victim in [pid, *descendants(pid)]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(victim, signal.SIGKILL)


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_a_busy_pool_process_killed(transport, tmp_path, server, faults_env, monkeypatch,
                                    project, pi):  # fmt: skip
    setup = worker_setup(transport, tmp_path)
    send_through(monkeypatch, setup)
    setup.start(pool="prefork", concurrency=2)
    try:
        job = create_job(project, pi, slow_specs(server, 6))
        victim = running_claimant_pid(job)
        os.kill(victim, signal.SIGKILL)
        finish([job], sweeping=False)  # the worker itself puts the task back
    finally:
        setup.stop_all()
    assert_each_item_final_once(job)
    assert_no_source_twice(project)
    assert job.items.filter(attempts__gte=2).exists()  # the killed one ran again
    assert job.items.filter(status=ItemStatus.FAILED).count() == 0


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_a_whole_worker_killed_mid_job(transport, tmp_path, server, faults_env, monkeypatch,
                                       project, pi):  # fmt: skip
    setup = worker_setup(transport, tmp_path)
    send_through(monkeypatch, setup)
    first = setup.start(pool="prefork", concurrency=2)
    try:
        job = create_job(project, pi, slow_specs(server, 6))
        running_claimant_pid(job)
        kill_tree(first.pid)
        first.wait()
        setup.start(pool="prefork", concurrency=2)
        finish([job])
    finally:
        setup.stop_all()
    assert_each_item_final_once(job)
    assert_no_source_twice(project)
    assert job.items.filter(status=ItemStatus.FAILED).count() == 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_redis(port: int, folder) -> subprocess.Popen:
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return process
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise AssertionError("redis-server did not start")


def test_the_broker_stopped_during_enqueue_and_restarted(tmp_path, server, faults_env,
                                                         monkeypatch, project, pi):  # fmt: skip
    require(shutil.which("redis-server") is not None, "redis-server")
    port = free_port()
    redis = start_redis(port, tmp_path)
    setup = worker_setup("redis", tmp_path, broker_url=f"redis://127.0.0.1:{port}/0")
    send_through(monkeypatch, setup)
    setup.start(pool="prefork", concurrency=2)
    try:
        running = create_job(project, pi, slow_specs(server, 4, tag="a"))
        running_claimant_pid(running)
        redis.terminate()  # its queued messages are lost with it (no persistence)
        redis.wait(timeout=10)
        with pytest.raises(BrokerUnavailable) as refused:
            create_job(project, pi, slow_specs(server, 3, wait=0.2, tag="b"))
        stored = refused.value.job
        stored.refresh_from_db()
        assert stored.status == JobStatus.QUEUED and stored.queue_error
        assert stored.items.filter(status=ItemStatus.PENDING).count() == stored.total
        redis = start_redis(port, tmp_path)
        finish([running, stored])
    finally:
        setup.stop_all()
        redis.terminate()
        redis.wait(timeout=10)
    for job in (running, stored):
        assert_each_item_final_once(job)
        assert job.items.filter(status=ItemStatus.FAILED).count() == 0
    stored.refresh_from_db()
    assert stored.queue_error == ""
    assert_no_source_twice(project)


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_the_database_connections_terminated(transport, tmp_path, server, faults_env,
                                             monkeypatch, project, pi):  # fmt: skip
    if connection.vendor != "postgresql":
        pytest.skip("terminating connections needs a database server (PostgreSQL)")
    setup = worker_setup(transport, tmp_path)
    send_through(monkeypatch, setup)
    setup.start(pool="prefork", concurrency=2)
    try:
        job = create_job(project, pi, slow_specs(server, 8, wait=1.0))
        running_claimant_pid(job)
        for _ in range(2):
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            time.sleep(1.0)
        finish([job])
    finally:
        setup.stop_all()
    assert_each_item_final_once(job)
    assert_no_source_twice(project)
    assert job.items.filter(status=ItemStatus.FAILED).count() == 0
    assert job.items.filter(attempts__gte=2).exists()  # the cut items were taken again
