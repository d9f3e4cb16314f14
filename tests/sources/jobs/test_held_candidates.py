"""A held item's candidate encodings are one list wherever they are shown: the job page's row
(its reason), its status JSON, the *Choose the encoding* page, the API and the command.

The walkthrough: "Салам" in windows-1251 is held with five candidates; the row named four,
the page offered five (Shift_JIS too).
"""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from sources.fetching.decode import encoding_label
from sources.inputs import file_specs
from sources.jobs.ingest import create_job, ingest_item
from sources.models import IngestItem, IngestJob, ItemStatus

pytestmark = pytest.mark.django_db

WORD = "Салам".encode("cp1251")
FIVE = ["cp1252", "cp1251", "iso8859_5", "cp1256", "cp932"]


@pytest.fixture
def held_job(project, pi) -> IngestJob:
    job = create_job(project, pi, file_specs("salam.txt", WORD), enqueue=False)
    ingest_item(job.items.get())
    item = job.items.get()
    assert item.status == ItemStatus.HELD and item.candidates == FIVE
    return job


def names(codecs: list[str]) -> str:
    return ", ".join(encoding_label(codec) for codec in codecs)


def offered_on_the_choice_page(client, job: IngestJob) -> list[str]:
    url = reverse("ingest-item-encoding", args=[job.project.slug, job.pk, 0])
    page = client.get(url).content.decode()
    form = page.split('id="encoding-choice"', 1)[1].split("</form>", 1)[0]
    return re.findall(r'name="encoding" value="([^"]+)"', form)


def test_the_row_and_the_choice_page_offer_the_same_candidates(client_for, held_job, pi):
    client = client_for(pi)
    reason = f"encoding unsure ({names(FIVE)}): choose one and check the text"
    assert "Shift_JIS (Japanese)" in reason
    row = client.get(held_job.get_absolute_url()).content.decode()
    assert f'<span class="reason">{reason}</span>' in row
    status_url = reverse("ingest-job-status", args=[held_job.project.slug, held_job.pk])
    assert client.get(status_url).json()["items"][0]["reason"] == reason
    assert offered_on_the_choice_page(client, held_job) == FIVE


def test_a_row_held_before_the_fix_names_every_candidate_too(client_for, held_job, pi):
    """Items held earlier keep a reason naming four: what is shown comes from the list."""
    old = f"encoding unsure ({names(FIVE[:4])}): choose one and check the text"
    IngestItem.objects.filter(job=held_job).update(reason=old)
    client = client_for(pi)
    row = client.get(held_job.get_absolute_url()).content.decode()
    assert old not in row and names(FIVE) in row
    assert offered_on_the_choice_page(client, held_job) == FIVE


def test_the_api_and_the_command_give_the_same_list(held_job, pi, project, tmp_path):
    client = APIClient()
    client.force_authenticate(pi)
    detail = client.get(f"/api/projects/{project.slug}/ingest-jobs/{held_job.pk}/").json()
    item = detail["items"][0]
    assert item["candidates"] == FIVE and names(FIVE) in item["reason"]
    (tmp_path / "salam.txt").write_bytes(WORD)
    out = StringIO()
    call_command("ingest", "--project", project.slug, str(tmp_path / "salam.txt"), stdout=out)
    text = out.getvalue()
    assert names(FIVE) in text and f"(one of {', '.join(FIVE)})" in text


def test_every_tied_candidate_is_named_even_past_the_stored_reasons_length(
    client_for, held_job, pi
):
    """Two letters tie in nine encodings: the stored reason is cut at 300 characters, the
    shown one is built from the list whole."""
    nine = ["cp1252", "cp1251", "koi8_r", "iso8859_5", "cp1256", "gb18030", "big5", "cp949"]
    nine.append("euc_jp")
    IngestItem.objects.filter(job=held_job).update(candidates=nine, reason="x" * 300)
    client = client_for(pi)
    assert names(nine) in client.get(held_job.get_absolute_url()).content.decode()
    assert offered_on_the_choice_page(client, held_job) == nine
