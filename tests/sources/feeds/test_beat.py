"""A feed served by a local test server, polled by a real Celery worker sent to by a real
Celery beat: new items appear once, a repeat poll adds nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import contextmanager

import pytest
from django.utils import timezone

from sources.models import Feed, FeedEntry, IngestJob, ItemStatus
from tests import services
from tests.services import ROOT, celery_worker, wait_for
from tests.sources.httpserver import running_server

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@contextmanager
def celery_beat(queue: str, tmp_path):
    """Celery beat with the project's schedule, every second, sending to the test's queue."""
    env = {**os.environ, "DATABASE_URL": services.test_database_url(), "CELERY_QUEUE": queue}
    env.setdefault("SECRET_KEY", "test-only-secret-key-for-the-worker-process-0123456789")
    env.pop("REDIS_URL", None)
    env.update(VAR_DIR=str(tmp_path), FEED_BEAT_SECONDS="1")
    command = [sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel=WARNING",
               "-s", str(tmp_path / "beat-schedule")]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def test_beat_and_worker_poll_a_feed_once_per_entry(tmp_path, monkeypatch, project, pi):
    monkeypatch.setenv("INGEST_ALLOW_HOSTS", "127.0.0.1")
    with running_server() as server:
        feed = Feed.objects.create(
            project=project, url=server.url("/feed.xml"), added_by=pi, next_poll_at=timezone.now()
        )
        with (
            celery_worker("embedded", tmp_path) as sender,
            celery_beat(sender.conf.task_default_queue, tmp_path),
        ):
            added = wait_for(lambda: project.sources.count() == 2, timeout=90)
            assert added, f"feed not ingested: {Feed.objects.get(pk=feed.pk).last_error}"
            first_poll = Feed.objects.get(pk=feed.pk).last_polled_at
            # make it due again: the next beat polls it, and finds nothing new
            Feed.objects.filter(pk=feed.pk).update(next_poll_at=timezone.now())
            polled_again = wait_for(
                lambda: Feed.objects.get(pk=feed.pk).last_polled_at != first_poll, timeout=60
            )
    assert polled_again
    feed.refresh_from_db()
    assert (feed.items_added, feed.failures, feed.last_error) == (2, 0, "")
    assert project.sources.count() == 2
    assert FeedEntry.objects.filter(feed=feed).count() == 2
    job = IngestJob.objects.get(feed=feed)  # one job: the second poll queued nothing
    assert sorted(job.items.values_list("status", flat=True)) == [ItemStatus.OK] * 2
