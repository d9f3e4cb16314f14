"""Items whose encoding detection cannot settle are held; a person picks it on the job page."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from coding.models import Role
from sources.inputs import file_specs
from sources.jobs.ingest import create_job, ingest_item
from sources.models import IngestJob, ItemStatus, JobStatus
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

# a short note in windows-1251: these bytes read as well in ISO-8859-5
NOTE = "Итоги визита в Пхеньян"


@pytest.fixture
def held_job(project, pi) -> IngestJob:
    job = create_job(project, pi, file_specs("note.txt", NOTE.encode("cp1251")), enqueue=False)
    ingest_item(job.items.get())
    job.refresh_from_db()
    return job


def choice_url(job: IngestJob) -> str:
    return reverse("ingest-item-encoding", args=[job.project.slug, job.pk, 0])


def test_unsure_item_is_held_with_its_candidates_and_the_job_waits(held_job) -> None:
    item = held_job.items.get()
    assert item.status == ItemStatus.HELD
    assert item.reason.startswith("encoding unsure (windows-1251 (Cyrillic)")
    assert item.candidates[:2] == ["cp1251", "iso8859_5"]
    assert item.payload == NOTE.encode("cp1251")  # kept for the choice
    assert held_job.status == JobStatus.RUNNING and held_job.remaining == 1


def test_job_page_and_status_link_to_the_choice(client_for, held_job, pi) -> None:
    client = client_for(pi)
    page = client.get(held_job.get_absolute_url()).content.decode()
    assert choice_url(held_job) in page and "Choose the encoding" in page
    status = client.get(reverse("ingest-job-status", args=[held_job.project.slug, held_job.pk]))
    state = status.json()
    assert state["counts"]["held"] == 1 and not state["finished"]
    assert state["items"][0]["choice_url"] == choice_url(held_job)


def test_choice_page_previews_each_candidate(client_for, held_job, pi) -> None:
    page = client_for(pi).get(choice_url(held_job)).content.decode()
    assert NOTE in page  # windows-1251
    assert NOTE.encode("cp1251").decode("iso8859_5") in page
    assert "windows-1251 (Cyrillic)" in page and "ISO-8859-5 (Cyrillic)" in page


def test_another_encoding_can_be_previewed(client_for, held_job, pi) -> None:
    page = client_for(pi).get(choice_url(held_job), {"encoding": "koi8_r"}).content.decode()
    assert NOTE.encode("cp1251").decode("koi8_r") in page


def test_choosing_stores_the_text_with_that_encoding(client_for, held_job, pi) -> None:
    response = client_for(pi).post(choice_url(held_job), {"encoding": "cp1251"})
    assert response.status_code == 302 and response["Location"] == held_job.get_absolute_url()
    item = held_job.items.get()
    assert item.status == ItemStatus.PENDING and item.encoding == "cp1251"
    ingest_item(item)
    item.refresh_from_db()
    assert item.status == ItemStatus.OK
    assert item.source.text == NOTE
    assert item.source.provenance["encoding"] == "windows-1251 (Cyrillic)"
    held_job.refresh_from_db()
    assert held_job.status == JobStatus.DONE


def test_an_unknown_encoding_is_a_form_error(client_for, held_job, pi) -> None:
    response = client_for(pi).post(choice_url(held_job), {"encoding": "rot13"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert held_job.items.get().status == ItemStatus.HELD


def test_an_item_not_held_sends_back_to_the_job(client_for, held_job, pi) -> None:
    client = client_for(pi)
    client.post(choice_url(held_job), {"encoding": "cp1251"})
    response = client.post(choice_url(held_job), {"encoding": "iso8859_5"})
    assert response.status_code == 302
    assert held_job.items.get().encoding == "cp1251"  # the first choice stands


def test_anonymous_is_sent_to_log_in(client, held_job) -> None:
    response = client.get(choice_url(held_job))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_outsider_gets_404_and_coder_403(client_for, held_job, outsider, coder) -> None:
    assert (
        client_for(outsider).post(choice_url(held_job), {"encoding": "cp1251"}).status_code == 404
    )
    assert client_for(coder).post(choice_url(held_job), {"encoding": "cp1251"}).status_code == 403
    assert held_job.items.get().status == ItemStatus.HELD


def test_ingesting_coder_cannot_choose_for_the_pis_job(client_for, project, held_job) -> None:
    user = UserFactory(username="coder-ingest")
    MembershipFactory(project=project, user=user, role=Role.CODER, can_ingest=True)
    assert client_for(user).get(choice_url(held_job)).status_code == 404


# --- command line -------------------------------------------------------------------------


def test_command_holds_then_resumes_with_the_chosen_encoding(project, pi, tmp_path) -> None:
    note = tmp_path / "note.txt"
    note.write_bytes(NOTE.encode("cp1251"))
    out = StringIO()
    call_command("ingest", "--project", project.slug, str(note), stdout=out)
    text = out.getvalue()
    job = IngestJob.objects.get()
    assert "held       note.txt: encoding unsure" in text
    assert f"--job {job.pk} --encoding CODEC (one of cp1251, iso8859_5)" in text
    out = StringIO()
    args = ["--project", project.slug, "--job", str(job.pk), "--encoding", "cp1251"]
    call_command("ingest", *args, stdout=out)
    assert "1 added, 0 duplicate, 0 failed, 0 held of 1." in out.getvalue()
    assert job.items.get().source.text == NOTE


def test_command_encoding_option_skips_detection(project, tmp_path) -> None:
    note = tmp_path / "note.txt"
    note.write_bytes(NOTE.encode("koi8_r"))
    out = StringIO()
    call_command("ingest", "--project", project.slug, "--encoding", "koi8_r", str(note), stdout=out)
    assert IngestJob.objects.get().items.get().source.text == NOTE


# --- API ----------------------------------------------------------------------------------


def api_url(job: IngestJob) -> str:
    return f"/api/projects/{job.project.slug}/ingest-jobs/{job.pk}/choose-encoding/"


def test_api_lists_candidates_and_takes_the_choice(held_job, pi) -> None:
    client = APIClient()
    client.force_authenticate(pi)
    detail = client.get(f"/api/projects/{held_job.project.slug}/ingest-jobs/{held_job.pk}/")
    item = detail.json()["items"][0]
    assert item["status"] == "held" and item["candidates"][:2] == ["cp1251", "iso8859_5"]
    bad = client.post(api_url(held_job), {"position": 0, "encoding": "rot13"}, "json")
    assert bad.status_code == 400 and "encoding" in bad.json()
    missing = client.post(api_url(held_job), {"position": 7, "encoding": "cp1251"}, "json")
    assert missing.status_code == 404
    chosen = client.post(api_url(held_job), {"position": 0, "encoding": "cp1251"}, "json")
    assert chosen.status_code == 200 and chosen.json()["status"] == "pending"
    again = client.post(api_url(held_job), {"position": 0, "encoding": "cp1251"}, "json")
    assert again.status_code == 409
    ingest_item(held_job.items.get())
    source_id = held_job.items.get().source_id
    source = client.get(f"/api/projects/{held_job.project.slug}/sources/{source_id}/").json()
    assert source["text"] == NOTE and source["provenance"]["encoding_codec"] == "cp1251"


def test_api_refuses_coders_and_outsiders(held_job, coder, outsider) -> None:
    for user, expected in [(coder, 403), (outsider, 404)]:
        client = APIClient()
        client.force_authenticate(user)
        response = client.post(api_url(held_job), {"position": 0, "encoding": "cp1251"}, "json")
        assert response.status_code == expected
    assert held_job.items.get().status == ItemStatus.HELD
