"""PDFs: a two-column report read in order, running headers and page numbers removed,
hyphenation mended, page offsets kept; a scan, a damaged or an encrypted file refused."""

from __future__ import annotations

import io

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from sources.errors import IngestError
from sources.extraction.pdf import extract_pdf
from sources.inputs import file_specs
from sources.jobs.ingest import create_job, ingest_item
from sources.models import ItemKind, ItemStatus, Origin
from sources.text import canonicalize
from tests.sources.extraction.pdfs import (
    HEADER,
    PAGE_TWO_STARTS,
    REPORT_TEXT,
    many_pages,
    scanned,
    two_column_report,
)


def test_two_column_report_reads_in_order_with_words_mended() -> None:
    extracted = extract_pdf(two_column_report(), "report.pdf", max_pages=10)
    assert extracted.text == REPORT_TEXT
    assert canonicalize(extracted.text) == extracted.text
    assert "security cooperation" in extracted.text  # "secu-" + "rity"
    assert "Sino-Russian" in extracted.text  # a compound keeps its hyphen
    assert extracted.title == "Caspian drills report"
    assert extracted.author == "Meridian Centre"
    assert extracted.date is None  # the file's creation date is not the publication date


def test_page_offsets_and_removed_lines_are_provenance() -> None:
    extracted = extract_pdf(two_column_report(), "report.pdf", max_pages=10)
    pages = extracted.provenance["pages"]
    assert pages == [{"page": 1, "offset": 0}, {"page": 2, "offset": PAGE_TWO_STARTS}]
    assert extracted.text[pages[1]["offset"] :].startswith("A second round of talks")
    removed = {(line["text"], line["why"]) for line in extracted.provenance["removed"]}
    assert (HEADER, "running header or footer (repeats on most pages)") in removed
    assert ("Page 1 of 2", "running header or footer (repeats on most pages)") in removed
    assert HEADER not in extracted.text and "Page 2 of 2" not in extracted.text


def test_a_scan_is_refused_with_its_reason() -> None:
    with pytest.raises(IngestError) as raised:
        extract_pdf(scanned(), "scan.pdf", max_pages=10)
    assert "no text layer" in raised.value.reason and "OCR" in raised.value.reason


def test_too_many_pages_is_refused() -> None:
    with pytest.raises(IngestError, match="more than 3 pages"):
        extract_pdf(many_pages(5), "annex.pdf", max_pages=3)


def test_encrypted_pdf_is_refused() -> None:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, encrypt="secret")
    canvas.drawString(50, 700, "A confidential note on the talks in Moscow.")
    canvas.showPage()
    canvas.save()
    with pytest.raises(IngestError, match="encrypted"):
        extract_pdf(buffer.getvalue(), "locked.pdf", max_pages=10)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"<html>not a pdf</html>", "not a PDF"),
        (b"%PDF-1.7\n1 0 obj\n<<>>\n", "damaged"),
        (two_column_report()[:900], "damaged"),
    ],
)
def test_broken_input_is_refused(data: bytes, reason: str) -> None:
    with pytest.raises(IngestError, match=reason):
        extract_pdf(data, "broken.pdf", max_pages=10)


@pytest.mark.django_db
def test_pdf_upload_is_ingested_with_provenance(project, pi) -> None:
    specs = file_specs("report.pdf", two_column_report())
    specs += file_specs("scan.pdf", scanned())
    assert [spec.kind for spec in specs] == [ItemKind.PDF, ItemKind.PDF]
    job = create_job(project, pi, specs, enqueue=False)
    for item in job.items.all():
        ingest_item(item)
    report, scan = job.items.order_by("position")
    assert report.status == ItemStatus.OK
    source = report.source
    assert source.text == REPORT_TEXT and source.origin == Origin.PDF
    assert source.original.startswith(b"%PDF")  # the file is kept as the original
    assert source.provenance["pages"][1] == {"page": 2, "offset": PAGE_TWO_STARTS}
    assert scan.status == ItemStatus.FAILED and "no text layer" in scan.reason
    assert project.sources.count() == 1


@pytest.mark.django_db
def test_pdf_through_the_api(project, pi) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(pi)
    upload = SimpleUploadedFile("report.pdf", two_column_report(), "application/pdf")
    response = client.post(
        f"/api/projects/{project.slug}/ingest-jobs/", {"files": [upload]}, format="multipart"
    )
    assert response.status_code == 201, response.content
    item = project.ingest_jobs.get().items.get()
    assert item.kind == ItemKind.PDF
    ingest_item(item)
    detail = client.get(f"/api/projects/{project.slug}/sources/{item.source_id}/").json()
    assert detail["origin"] == "pdf" and detail["text"] == REPORT_TEXT
    assert detail["provenance"]["pages"][1]["offset"] == PAGE_TWO_STARTS
