"""A held item can be discarded, and a job cancelled, by whoever may choose the encoding: the
item fails for good and the job closes once nothing else is left (no job stays Running for
ever because nobody chose)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from coding.models import Role
from sources.inputs import file_specs, paste_spec
from sources.jobs import ingest
from sources.jobs.ingest import create_job, ingest_item, retry_failed, run_item
from sources.models import IngestItem, IngestJob, ItemStatus, JobStatus
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

NOTE = "Итоги визита в Пхеньян".encode("cp1251")  # held: windows-1251 or ISO-8859-5


@pytest.fixture(autouse=True)
def sent(monkeypatch):
    sent: list[int] = []
    monkeypatch.setattr(ingest, "enqueue", lambda name, *args: sent.append(args[0]))
    return sent


@pytest.fixture
def held_job(project, pi) -> IngestJob:
    job = create_job(project, pi, file_specs("note.txt", NOTE), enqueue=False)
    ingest_item(job.items.get())
    job.refresh_from_db()
    assert job.items.get().status == ItemStatus.HELD and job.status == JobStatus.RUNNING
    return job


@pytest.fixture
def ingester(project):
    user = UserFactory(username="coder-ingest")
    MembershipFactory(project=project, user=user, role=Role.CODER, can_ingest=True)
    return user


def discard_url(job: IngestJob, position: int = 0) -> str:
    return reverse("ingest-item-discard", args=[job.project.slug, job.pk, position])


def cancel_url(job: IngestJob) -> str:
    return reverse("ingest-job-cancel", args=[job.project.slug, job.pk])


def state(job: IngestJob) -> tuple[str, int, int, int]:
    job.refresh_from_db()
    return job.status, job.total, job.done, job.failed


# --- discarding a held item ---------------------------------------------------------------


def test_discarding_fails_the_item_for_good_and_closes_the_job(client_for, held_job, pi):
    response = client_for(pi).post(discard_url(held_job))
    assert response.status_code == 302 and response["Location"] == held_job.get_absolute_url()
    item = held_job.items.get()
    assert item.status == ItemStatus.FAILED and item.reason == "discarded by pi-user"
    assert not item.retryable and item.finished_at is not None
    assert state(held_job) == (JobStatus.DONE, 1, 0, 1)
    assert retry_failed(held_job) == 0  # not sent again
    page = client_for(pi).get(held_job.get_absolute_url()).content.decode()
    assert "discarded by pi-user" in page and "“note.txt” discarded" in page


def test_the_job_page_and_its_status_offer_discard_for_a_held_item(client_for, held_job, pi):
    client = client_for(pi)
    page = client.get(held_job.get_absolute_url()).content.decode()
    assert f'action="{discard_url(held_job)}"' in page and ">Discard</button>" in page
    status_url = reverse("ingest-job-status", args=[held_job.project.slug, held_job.pk])
    item = client.get(status_url).json()["items"][0]
    assert item["discard_url"] == discard_url(held_job)
    choice = reverse("ingest-item-encoding", args=[held_job.project.slug, held_job.pk, 0])
    assert f'action="{discard_url(held_job)}"' in client.get(choice).content.decode()


def test_discarding_an_item_not_held_changes_nothing(client_for, held_job, pi, sent):
    client = client_for(pi)
    choice = reverse("ingest-item-encoding", args=[held_job.project.slug, held_job.pk, 0])
    client.post(choice, {"encoding": "cp1251"})  # chosen first: pending now
    response = client.post(discard_url(held_job), follow=True)
    assert "not waiting for an encoding any more" in response.content.decode()
    item = held_job.items.get()
    assert item.status == ItemStatus.PENDING and item.encoding == "cp1251"
    ingest_item(item)
    assert state(held_job) == (JobStatus.DONE, 1, 1, 0)


def test_discard_wants_a_post_and_a_real_item(client_for, held_job, pi):
    client = client_for(pi)
    assert client.get(discard_url(held_job)).status_code == 405
    assert client.post(discard_url(held_job, 7)).status_code == 404
    bad = f"/projects/{held_job.project.slug}/ingest/{held_job.pk}/items/x/discard/"
    assert client.post(bad).status_code == 404
    assert held_job.items.get().status == ItemStatus.HELD


def test_only_those_who_may_choose_may_discard(client, client_for, held_job, coder, outsider):
    assert "/accounts/login/" in client.post(discard_url(held_job))["Location"]
    assert client_for(outsider).post(discard_url(held_job)).status_code == 404
    assert client_for(coder).post(discard_url(held_job)).status_code == 403
    assert held_job.items.get().status == ItemStatus.HELD


def test_an_ingesting_coder_discards_in_own_jobs_only(client_for, project, held_job, ingester):
    client = client_for(ingester)
    assert client.post(discard_url(held_job)).status_code == 404  # the PI's job
    own = create_job(project, ingester, file_specs("mine.txt", NOTE), enqueue=False)
    ingest_item(own.items.get())
    assert client.post(discard_url(own)).status_code == 302
    assert own.items.get().reason == "discarded by coder-ingest"
    assert held_job.items.get().status == ItemStatus.HELD


# --- cancelling a job ---------------------------------------------------------------------


@pytest.fixture
def mixed_job(project, pi) -> IngestJob:
    """Four items: added, held, running (in this thread), pending."""
    specs = [
        paste_spec("Done", "A text already stored."),
        *file_specs("note.txt", NOTE),
        paste_spec("Running", "A text being stored."),
        paste_spec("Pending", "A text not started."),
    ]
    job = create_job(project, pi, specs, enqueue=False)
    ingest_item(job.items.get(position=0))
    ingest_item(job.items.get(position=1))
    running = job.items.get(position=2)
    assert ingest._take_item(running.pk, running.updated_at)  # a worker took it
    return job


def statuses(job: IngestJob) -> list[str]:
    return list(job.items.order_by("position").values_list("status", flat=True))


def test_cancelling_fails_what_has_not_started_and_running_items_finish(
    client_for, mixed_job, pi, sent
):
    response = client_for(pi).post(cancel_url(mixed_job), follow=True)
    assert "2 items cancelled. 1 running item will finish." in response.content.decode()
    assert statuses(mixed_job) == ["ok", "failed", "running", "failed"]
    cancelled = mixed_job.items.filter(status=ItemStatus.FAILED)
    assert set(cancelled.values_list("reason", flat=True)) == {"cancelled by pi-user"}
    assert not cancelled.filter(retryable=True).exists()
    assert state(mixed_job) == (JobStatus.RUNNING, 4, 1, 2)
    run_item(mixed_job.items.get(position=3).pk)  # its task, delivered late: does nothing
    assert mixed_job.items.get(position=3).status == ItemStatus.FAILED
    ingest_item(mixed_job.items.get(position=2))  # the running one finishes
    assert statuses(mixed_job) == ["ok", "failed", "ok", "failed"]
    assert state(mixed_job) == (JobStatus.DONE, 4, 2, 2)
    assert retry_failed(mixed_job) == 0


def test_the_job_page_offers_cancel_while_something_has_not_started(client_for, mixed_job, pi):
    client = client_for(pi)
    status_url = reverse("ingest-job-status", args=[mixed_job.project.slug, mixed_job.pk])
    assert f'action="{cancel_url(mixed_job)}"' in client.get(mixed_job.get_absolute_url()).text
    assert client.get(status_url).json()["can_cancel"] is True
    client.post(cancel_url(mixed_job))
    assert f'action="{cancel_url(mixed_job)}"' not in client.get(mixed_job.get_absolute_url()).text
    assert client.get(status_url).json()["can_cancel"] is False
    again = client.post(cancel_url(mixed_job), follow=True)
    assert "Nothing left to cancel" in again.content.decode()
    assert state(mixed_job) == (JobStatus.RUNNING, 4, 1, 2)


def test_a_job_of_held_and_pending_items_closes_when_cancelled(client_for, project, pi):
    """A job whose broker is down stays queued: cancelling ends it at once."""
    specs = [*file_specs("note.txt", NOTE), paste_spec("Pending", "Not started.")]
    job = create_job(project, pi, specs, enqueue=False)
    ingest_item(job.items.get(position=0))
    assert client_for(pi).post(cancel_url(job)).status_code == 302
    assert state(job) == (JobStatus.DONE, 2, 0, 2)


def test_cancel_is_refused_like_the_rest_of_the_job(client_for, mixed_job, coder, outsider):
    assert client_for(outsider).post(cancel_url(mixed_job)).status_code == 404
    assert client_for(coder).post(cancel_url(mixed_job)).status_code == 403
    assert client_for(coder).get(cancel_url(mixed_job)).status_code == 405  # a POST only
    assert statuses(mixed_job) == ["ok", "held", "running", "pending"]


# --- API ----------------------------------------------------------------------------------


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def api_url(job: IngestJob, action: str) -> str:
    return f"/api/projects/{job.project.slug}/ingest-jobs/{job.pk}/{action}/"


def test_api_discards_a_held_item(held_job, pi):
    client = api(pi)
    for bad in [{}, {"position": "x"}, {"position": -1}]:
        response = client.post(api_url(held_job, "discard-item"), bad, "json")
        assert response.status_code == 400 and "position" in response.json()
    missing = client.post(api_url(held_job, "discard-item"), {"position": 7}, "json")
    assert missing.status_code == 404
    done = client.post(api_url(held_job, "discard-item"), {"position": 0}, "json")
    assert done.status_code == 200
    body = done.json()
    assert body["status"] == "failed" and body["reason"] == "discarded by pi-user"
    again = client.post(api_url(held_job, "discard-item"), {"position": 0}, "json")
    assert again.status_code == 409
    job = client.get(f"/api/projects/{held_job.project.slug}/ingest-jobs/{held_job.pk}/").json()
    assert (job["status"], job["total"], job["done"], job["failed"]) == ("done", 1, 0, 1)


def test_api_cancels_a_job(mixed_job, pi):
    response = api(pi).post(api_url(mixed_job, "cancel"))
    assert response.status_code == 200
    body = response.json()
    assert body["cancelled"] == 2 and body["status"] == "running" and body["failed"] == 2
    assert api(pi).post(api_url(mixed_job, "cancel")).json()["cancelled"] == 0


def test_api_refuses_coders_and_outsiders(held_job, coder, outsider):
    for user, expected in [(coder, 403), (outsider, 404)]:
        client = api(user)
        response = client.post(api_url(held_job, "discard-item"), {"position": 0}, "json")
        assert response.status_code == expected
        assert client.post(api_url(held_job, "cancel")).status_code == expected
    assert IngestItem.objects.get(job=held_job).status == ItemStatus.HELD
