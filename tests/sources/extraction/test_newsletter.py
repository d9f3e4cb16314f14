"""E-mail newsletters (.eml, .mbox): the HTML or text part, sender as outlet, subject and
date as metadata, tracking links, promos and the mailing footer removed."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from sources.errors import IngestError
from sources.extraction.newsletter import extract_email
from sources.inputs import InputError, file_specs
from sources.jobs.ingest import create_job, ingest_item
from sources.models import ItemKind, ItemStatus, Origin
from tests.sources.extraction.newsletters import (
    DATE,
    EXPECTED,
    PROMOS,
    RUSSIAN,
    SUBJECT,
    TRACKER,
    mbox,
    newsletter,
    russian_plain,
)


@pytest.mark.parametrize("html", [True, False], ids=["html-part", "text-part"])
def test_eml_text_and_metadata(html: bool) -> None:
    extracted = extract_email(newsletter(html=html))
    assert extracted.title == SUBJECT
    assert extracted.outlet == "The Caspian Brief"
    assert extracted.date == DATE.date()
    email = extracted.provenance["email"]
    assert email["address"] == "brief@caspianbrief.example"
    assert email["message_id"] == "<issue-41@caspianbrief.example>"
    assert "click.caspianbrief" not in extracted.text and TRACKER not in extracted.text


def test_mis_declared_charset_of_a_part_loses_to_its_bytes() -> None:
    assert extract_email(russian_plain("koi8-r")).text == RUSSIAN
    assert extract_email(russian_plain("iso-8859-1")).text == RUSSIAN


@pytest.mark.parametrize("data", [b"", b"just some bytes\n", b"%PDF-1.7"])
def test_not_an_email_is_refused(data: bytes) -> None:
    with pytest.raises(IngestError):
        extract_email(data)


@pytest.mark.django_db
@pytest.mark.parametrize("html", [True, False], ids=["html-part", "text-part"])
def test_eml_is_ingested_without_promos_or_footer(project, pi, html: bool) -> None:
    job = create_job(project, pi, file_specs("issue41.eml", newsletter(html=html)), enqueue=False)
    item = job.items.get()
    assert item.kind == ItemKind.EMAIL
    ingest_item(item)
    item.refresh_from_db()
    assert item.status == ItemStatus.OK, item.reason
    source = item.source
    assert source.text == EXPECTED
    assert (source.title, source.outlet, source.published_date) == (
        SUBJECT,
        "The Caspian Brief",
        DATE.date(),
    )
    assert source.origin == Origin.EMAIL and source.outlet_key == "brief@caspianbrief.example"
    removed = {line["text"] for line in source.provenance["removed"]}
    for promo in PROMOS[3:6] if not html else PROMOS[:6]:
        assert promo in removed and promo not in source.text


@pytest.mark.django_db
def test_mbox_becomes_one_item_per_message(project, pi) -> None:
    data = mbox(newsletter(), russian_plain("windows-1251"))
    specs = file_specs("brief.mbox", data)
    assert [s.label for s in specs] == [f"brief.mbox #1: {SUBJECT}", "brief.mbox #2: Caspian"]
    job = create_job(project, pi, specs, enqueue=False)
    for item in job.items.all():
        ingest_item(item)
    assert sorted(project.sources.values_list("text", flat=True)) == sorted([EXPECTED, RUSSIAN])


def test_a_file_named_mbox_that_is_not_one_is_refused() -> None:
    with pytest.raises(InputError, match="not an mbox"):
        file_specs("brief.mbox", b"hello")


@pytest.mark.django_db
def test_eml_through_the_api(project, pi) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = APIClient()
    client.force_authenticate(pi)
    upload = SimpleUploadedFile("issue41.eml", newsletter(), "message/rfc822")
    response = client.post(
        f"/api/projects/{project.slug}/ingest-jobs/", {"files": [upload]}, format="multipart"
    )
    assert response.status_code == 201, response.content
    item = project.ingest_jobs.get().items.get()
    ingest_item(item)
    detail = client.get(f"/api/projects/{project.slug}/sources/{item.source_id}/").json()
    assert detail["origin"] == "email" and detail["text"] == EXPECTED
    assert detail["provenance"]["email"]["subject"] == SUBJECT
