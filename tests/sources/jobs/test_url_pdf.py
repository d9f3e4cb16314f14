"""PDFs given as URLs: fetched through the SSRF-guarded fetcher, read like uploaded PDFs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import override_settings

from sources.errors import IngestError
from sources.inputs import ItemSpec
from sources.jobs.ingest import create_job, ingest_item, reextract
from sources.models import ItemKind, ItemStatus, Origin
from tests.sources.extraction.pdfs import PAGE_TWO_STARTS, REPORT_TEXT
from tests.sources.httpserver import Server, running_server

pytestmark = pytest.mark.django_db

LOCAL = override_settings(INGEST_ALLOW_HOSTS=["127.0.0.1"], INGEST_TIMEOUT=5)
SCAN_REASON = (
    "this PDF has no text layer (a scan or images): run OCR on it and upload the result, "
    "or paste the text"
)


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with running_server() as running:
        yield running


def run(project, user, *paths: str, server: Server) -> list:
    specs = [ItemSpec(ItemKind.URL, server.url(path)) for path in paths]
    job = create_job(project, user, specs, enqueue=False)
    return [ingest_item(item) for item in job.items.order_by("position")]


@LOCAL
def test_pdf_url_is_read_like_an_uploaded_pdf(server, project, pi):
    (item,) = run(project, pi, "/report.pdf", server=server)
    assert item.status == ItemStatus.OK, item.reason
    source = item.source
    assert source.text == REPORT_TEXT  # two columns in order, header and page numbers gone
    assert source.title == "Caspian drills report" and source.author == "Meridian Centre"
    assert source.origin == Origin.URL
    assert source.url == source.canonical_url == server.url("/report.pdf")
    assert source.original.startswith(b"%PDF-") and source.original.rstrip().endswith(b"%%EOF")
    assert source.outlet_key == "127.0.0.1"
    provenance = source.provenance
    assert provenance["format"] == "pdf"
    assert [page["offset"] for page in provenance["pages"]] == [0, PAGE_TWO_STARTS]
    assert any(line["why"] for line in provenance["removed"])


@LOCAL
@pytest.mark.parametrize("path", ["/download", "/untyped-report"])
def test_pdf_without_its_content_type_is_known_by_its_bytes(server, project, pi, path):
    (item,) = run(project, pi, path, server=server)
    assert item.status == ItemStatus.OK, item.reason
    assert item.source.text == REPORT_TEXT


@LOCAL
def test_scanned_pdf_url_is_refused_with_its_message(server, project, pi):
    (item,) = run(project, pi, "/scan.pdf", server=server)
    assert (item.status, item.reason) == (ItemStatus.FAILED, SCAN_REASON)
    assert item.source is None and not project.sources.exists()


@LOCAL
@override_settings(INGEST_PDF_MAX_PAGES=3)
def test_pdf_url_page_limit_as_for_files(server, project, pi):
    (item,) = run(project, pi, "/long.pdf", server=server)
    assert (item.status, item.reason) == (ItemStatus.FAILED, "PDF has more than 3 pages")


@LOCAL
@override_settings(INGEST_MAX_BYTES=1000)
def test_pdf_url_size_limit_as_for_files(server, project, pi):
    (item,) = run(project, pi, "/report.pdf", server=server)
    assert (item.status, item.reason) == (ItemStatus.FAILED, "too large")


@LOCAL
def test_pdf_url_twice_is_a_duplicate(server, project, pi):
    (first,) = run(project, pi, "/report.pdf", server=server)
    (second,) = run(project, pi, "/report.pdf", server=server)
    assert second.status == ItemStatus.DUPLICATE and second.source == first.source


@LOCAL
def test_fetched_pdf_is_not_reextracted_as_html(server, project, pi):
    (item,) = run(project, pi, "/report.pdf", server=server)
    with pytest.raises(IngestError, match="no original HTML"):
        reextract(item.source, pi)


def test_pdf_url_on_a_private_address_is_refused_before_fetching(project, pi, server):
    (item,) = run(project, pi, "/report.pdf", server=server)  # not allow-listed
    assert (item.status, item.reason) == (ItemStatus.FAILED, "refused: loopback address")
