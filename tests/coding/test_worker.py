"""A real Celery task, sent through a real broker to a real worker, writes to the database."""

import uuid

import pytest

from coding.health import record_heartbeat
from coding.models import WorkerHeartbeat
from tests.services import TRANSPORTS, celery_worker, wait_for


@pytest.mark.django_db
def test_record_heartbeat_without_a_worker():
    beat = record_heartbeat("abc")
    assert WorkerHeartbeat.objects.get(token="abc") == beat


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("transport", TRANSPORTS)
def test_task_runs_in_a_real_worker(transport, tmp_path):
    token = uuid.uuid4().hex
    with celery_worker(transport, tmp_path) as sender:
        sender.send_task("coding.heartbeat", args=[token])
        arrived = wait_for(lambda: WorkerHeartbeat.objects.filter(token=token).exists())
    assert arrived, f"the worker on {transport} did not record the heartbeat"
