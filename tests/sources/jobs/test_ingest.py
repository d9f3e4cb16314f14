"""sources.jobs.ingest: one item at a time, against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import override_settings

from sources.errors import TransientFetchError
from sources.inputs import InputError, ItemSpec, csv_url_specs, file_specs, paste_spec, url_specs
from sources.jobs.ingest import create_job, ingest_item, reextract
from sources.models import (
    IngestItem,
    IngestJob,
    ItemKind,
    ItemStatus,
    JobStatus,
    Origin,
    Source,
)
from tests.factories import SourceFactory
from tests.sources.extraction.pdfs import two_column_report
from tests.sources.httpserver import PAGES, Server, running_server
from tests.sources.zips import make_zip

pytestmark = pytest.mark.django_db

LOCAL = override_settings(INGEST_ALLOW_HOSTS=["127.0.0.1"], INGEST_TIMEOUT=2)


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with running_server() as running:
        yield running


def run(project, user, *specs: ItemSpec) -> list:
    job = create_job(project, user, list(specs), enqueue=False)
    return [ingest_item(item) for item in job.items.order_by("position")]


def url(server: Server, path: str) -> ItemSpec:
    return ItemSpec(ItemKind.URL, server.url(path))


def html_file(name: str) -> ItemSpec:
    return ItemSpec(ItemKind.HTML, name, (PAGES / name).read_bytes())


# --- URLs -------------------------------------------------------------------------------


@LOCAL
def test_url_becomes_a_source_with_metadata_and_kept_original(server, project, pi):
    (item,) = run(project, pi, url(server, "/page"))
    assert item.status == ItemStatus.OK, item.reason
    source = item.source
    assert source.title.startswith("Drills Without an Alliance")
    assert source.author == "Lena Whitcombe"
    assert source.outlet == "Meridian Centre for Strategic Studies"
    assert str(source.published_date) == "2025-03-14"
    assert source.language == "en"
    assert source.url == server.url("/page")
    assert source.canonical_url.startswith("https://meridian-centre.example/analysis/")
    assert source.origin == Origin.URL and source.ingested_by == pi
    assert source.original == (PAGES / "en_thinktank_note.html").read_bytes()
    assert "\n\n" in source.text  # paragraph breaks kept
    job = item.job
    job.refresh_from_db()
    assert (job.status, job.done, job.failed) == (JobStatus.DONE, 1, 0)


@LOCAL
def test_scripts_handlers_and_iframes_yield_plain_text_only(server, project, pi):
    (item,) = run(project, pi, url(server, "/page"))
    text = item.source.text
    for marker in [
        "scriptInjectedParagraph",
        "gtag",
        "onclick",
        "acceptCookies",
        "iframeFallbackText",
        "initShareButtons",
        "share-bar-style-rule",
        "<",
    ]:
        assert marker not in text


@LOCAL
def test_windows_1251_page_declared_only_in_meta_decodes(server, project, pi):
    (item,) = run(project, pi, url(server, "/ru-meta"))
    assert item.status == ItemStatus.OK, item.reason
    assert any("\u0430" <= ch <= "\u044f" for ch in item.source.text)  # Cyrillic, not mojibake
    assert "Ð" not in item.source.text and "Ã" not in item.source.text


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("ftp://127.0.0.1/file", "not an http(s) URL"),
        ("javascript:alert(1)", "not an http(s) URL"),
        ("file:///etc/passwd", "not an http(s) URL"),
    ],
)
def test_non_http_urls_fail_with_a_reason(project, pi, address, reason):
    (item,) = run(project, pi, ItemSpec(ItemKind.URL, address))
    assert (item.status, item.reason) == (ItemStatus.FAILED, reason)


@override_settings(INGEST_ALLOW_HOSTS=[])
def test_private_address_is_refused_without_the_allow_list(server, project, pi):
    (item,) = run(project, pi, url(server, "/page"))
    assert item.status == ItemStatus.FAILED
    assert item.reason == "refused: loopback address"


@LOCAL
def test_private_address_is_refused_after_a_redirect(server, project, pi):
    # 127.0.0.1 is allowed, "localhost" is not: the redirect target is judged again
    target = server.url("/page", host="localhost")
    (item,) = run(project, pi, url(server, f"/redirect?to={target}"))
    assert item.status == ItemStatus.FAILED
    assert item.reason == "refused: loopback address"
    assert not Source.objects.exists()


@override_settings(INGEST_ALLOW_HOSTS=["127.0.0.1"], INGEST_MAX_BYTES=100_000)
@pytest.mark.parametrize("path", ["/big-length", "/big-stream"])
def test_too_large_download_fails(server, project, pi, path):
    (item,) = run(project, pi, url(server, path))
    assert (item.status, item.reason) == (ItemStatus.FAILED, "too large")


@override_settings(INGEST_ALLOW_HOSTS=["127.0.0.1"], INGEST_TIMEOUT=1)
def test_timeout_fails_the_item_on_the_last_attempt(server, project, pi):
    (item,) = run(project, pi, url(server, "/slow-headers"))
    assert (item.status, item.reason) == (ItemStatus.FAILED, "timed out")


@override_settings(INGEST_ALLOW_HOSTS=["127.0.0.1"], INGEST_TIMEOUT=1)
def test_timeout_before_the_last_attempt_is_raised_for_a_retry(server, project, pi):
    job = create_job(project, pi, [url(server, "/slow-headers")], enqueue=False)
    item = job.items.get()
    with pytest.raises(TransientFetchError):
        ingest_item(item, final_attempt=False)
    item.refresh_from_db()
    assert item.status == ItemStatus.PENDING and item.attempts == 1
    assert "retrying" in item.reason
    job.refresh_from_db()
    assert (job.done, job.failed, job.status) == (0, 0, JobStatus.RUNNING)


@LOCAL
def test_not_html_and_empty_responses_fail(server, project, pi):
    pdf, binary, empty, missing = run(
        project,
        pi,
        url(server, "/pdf"),
        url(server, "/binary"),
        url(server, "/empty"),
        url(server, "/nowhere"),
    )
    assert pdf.reason == "this PDF is damaged and cannot be read"  # a truncated PDF
    assert binary.reason == "not HTML or PDF (application/octet-stream)"
    assert empty.reason == "empty response"
    assert missing.reason == "HTTP 404"
    job = pdf.job
    job.refresh_from_db()
    assert (job.status, job.done, job.failed) == (JobStatus.DONE, 0, 4)


@LOCAL
def test_page_without_article_text_fails(server, project, pi):
    (item,) = run(project, pi, html_file("section_front.html"))
    assert (item.status, item.reason) == (ItemStatus.FAILED, "no article text found")


# --- duplicates -------------------------------------------------------------------------


@LOCAL
def test_same_url_twice_reports_the_existing_source(server, project, pi):
    first, second = run(project, pi, url(server, "/page"), url(server, "/page"))
    assert first.status == ItemStatus.OK
    assert second.status == ItemStatus.DUPLICATE
    assert second.source == first.source
    assert second.reason == "already in the project"
    assert Source.objects.count() == 1


@LOCAL
def test_same_text_from_a_file_reports_the_url_source(server, project, pi):
    (first,) = run(project, pi, url(server, "/page"))
    (again,) = run(project, pi, html_file("en_thinktank_note.html"))
    assert (again.status, again.source) == (ItemStatus.DUPLICATE, first.source)


def test_same_pasted_text_is_a_duplicate_but_other_projects_are_independent(project, pi):
    existing = SourceFactory(project=project, text="Exact same words.\n\nSecond paragraph.")
    (dup,) = run(project, pi, paste_spec("Copy", "Exact same words.\r\n\r\nSecond paragraph.  "))
    assert (dup.status, dup.source) == (ItemStatus.DUPLICATE, existing)
    other = SourceFactory().project
    (fresh,) = run(other, pi, paste_spec("Copy", "Exact same words.\n\nSecond paragraph."))
    assert fresh.status == ItemStatus.OK


# --- files and pasted text --------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        ("Заголовок\n\nПекин и Москва провели учения.".encode("cp1251"), "Пекин"),  # noqa: RUF001
        ("Título\n\nCafé con leche.".encode(), "Café"),
        ("\ufeffTitle\n\nWith a BOM: naïve.".encode(), "naïve"),
    ],
    ids=["windows-1251", "utf-8", "utf-8-bom"],
)
def test_text_files_decode(project, pi, data, needle):
    (item,) = run(project, pi, ItemSpec(ItemKind.TEXT, "note.txt", data))
    assert item.status == ItemStatus.OK, item.reason
    assert needle in item.source.text
    assert not item.source.text.startswith("\ufeff")
    assert item.source.origin == Origin.TEXT and item.source.original_filename == "note.txt"


def test_markdown_title_comes_from_the_heading(project, pi):
    data = b"# Joint patrol\n\nTwo navies sailed together.\n"
    (item,) = run(project, pi, ItemSpec(ItemKind.TEXT, "patrol.md", data))
    assert item.source.title == "Joint patrol"
    assert "#" not in item.source.text


@pytest.mark.parametrize(
    ("kind", "name", "data", "reason"),
    [
        (ItemKind.TEXT, "empty.txt", b"", "empty file"),
        (ItemKind.TEXT, "blank.txt", b"  \n\n ", "empty file"),
        (ItemKind.TEXT, "photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, "not text"),
        (ItemKind.HTML, "empty.html", b"", "empty file"),
        (ItemKind.HTML, "binary.html", b"\x00\x01\x02\x03" * 100, "not HTML"),
    ],
)
def test_empty_and_binary_files_fail(project, pi, kind, name, data, reason):
    (item,) = run(project, pi, ItemSpec(kind, name, data))
    assert (item.status, item.reason) == (ItemStatus.FAILED, reason)


def test_html_file_windows_1251_undeclared(project, pi):
    (item,) = run(project, pi, html_file("ru_cp1251_undeclared.html"))
    assert item.status == ItemStatus.OK, item.reason
    assert any("\u0430" <= ch <= "\u044f" for ch in item.source.text)


def test_uploaded_html_becomes_the_original_and_leaves_the_item(project, pi):
    (item,) = run(project, pi, html_file("ru_cp1251_undeclared.html"))
    assert item.status == ItemStatus.OK, item.reason
    assert item.source.original == (PAGES / "ru_cp1251_undeclared.html").read_bytes()
    item.refresh_from_db()
    assert item.payload_compressed is None


def test_an_item_finished_elsewhere_meanwhile_leaves_no_source_behind(project, pi, monkeypatch):
    """A worker presumed dead finishes the item while ours extracts: its outcome stands."""
    import sources.jobs.ingest

    job = create_job(project, pi, [html_file("zh_news.html")], enqueue=False)
    item = job.items.get()
    extract_html = sources.jobs.ingest.extract_html

    def extract_while_the_other_worker_finishes(*args, **kwargs):
        IngestItem.objects.filter(pk=item.pk).update(status=ItemStatus.FAILED, reason="timed out")
        return extract_html(*args, **kwargs)

    monkeypatch.setattr(
        sources.jobs.ingest, "extract_html", extract_while_the_other_worker_finishes
    )
    ingest_item(item)
    assert (item.status, item.reason, item.source) == (ItemStatus.FAILED, "timed out", None)
    assert not project.sources.exists()
    job.refresh_from_db()
    assert (job.done, job.failed, job.status) == (0, 0, JobStatus.RUNNING)


def test_pasted_text_keeps_title_and_is_stored_canonical(project, pi):
    (item,) = run(project, pi, paste_spec("My title", "Line one\r\n\r\n\r\nLine two\u0301"))
    assert item.source.title == "My title"
    assert item.source.text == "Line one\n\nLine two\u0301".replace("o\u0301", "ó")
    assert item.source.origin == Origin.PASTE


def test_a_text_that_declares_no_language_gets_the_one_identified(project, pi):
    persian = "ایران و روسیه روز دوشنبه رزمایش مشترک دریایی برگزار کردند، به گفته مقامات."
    (pasted,) = run(project, pi, paste_spec("رزمایش", persian))
    assert pasted.source.language == "fa"
    (unsure,) = run(project, pi, paste_spec("Short", "Xi met Putin."))
    assert unsure.source.language == ""


def test_a_declared_language_is_kept(project, pi):
    page = b'<html lang="ru-RU"><body><article><p>' + b"Joint drills went on. " * 40
    (item,) = run(project, pi, ItemSpec(ItemKind.HTML, "a.html", page + b"</p></article>"))
    assert item.status == ItemStatus.OK, item.reason
    assert item.source.language == "ru-RU"  # what the page says, though its words are English


# --- inputs -----------------------------------------------------------------------------


def test_url_lines_and_csv():
    assert [s.label for s in url_specs(" https://a.example/1 \n\n# note\nhttps://b.example/")] == [
        "https://a.example/1",
        "https://b.example/",
    ]
    data = b"title;URL\nOne;https://a.example/1\nTwo;\nThree;https://c.example/\n"
    assert [s.label for s in csv_url_specs(data)] == ["https://a.example/1", "https://c.example/"]
    with pytest.raises(InputError, match="url"):
        csv_url_specs(b"title,link\nx,https://a.example/\n")


def test_zip_members_become_items(project, pi):
    data = make_zip(
        {
            "a/one.txt": b"One\n\nFirst text.",
            "two.md": b"# Two\n\nSecond.",
            "page.html": (PAGES / "zh_news.html").read_bytes(),
            "report.pdf": two_column_report(),
            "skip.docx": b"PK",
            "../evil.txt": b"x",
        }
    )
    specs = file_specs("batch.zip", data)
    ok = [s for s in specs if not s.error]
    assert sorted(s.label for s in ok) == ["a/one.txt", "page.html", "report.pdf", "two.md"]
    [refused] = [s for s in specs if s.error]
    assert refused.label == "batch.zip: skip.docx"
    assert refused.error.startswith("not a supported type: .docx; supported: .html")
    items = run(project, pi, *ok)
    assert [i.status for i in items] == [ItemStatus.OK] * 4, [i.reason for i in items]


@override_settings(INGEST_ZIP_MAX_FILES=3)
def test_zip_with_too_many_files_is_refused():
    data = make_zip({f"{n}.txt": b"text" for n in range(5)})
    with pytest.raises(InputError, match="too many files"):
        file_specs("many.zip", data)


@override_settings(INGEST_ZIP_MAX_TOTAL_BYTES=5 * 1024 * 1024, INGEST_MAX_BYTES=50 * 1024 * 1024)
def test_zip_bomb_is_refused():
    data = make_zip({"bomb.txt": b"\0" * (20 * 1024 * 1024)})
    assert len(data) < 100_000
    with pytest.raises(InputError, match=r"bomb\.zip: zip"):
        file_specs("bomb.zip", data)


def test_unsupported_upload_becomes_a_failed_item(project, pi):
    job = create_job(project, pi, file_specs("slides.pptx", b"PK\x03\x04"), enqueue=False)
    item = job.items.get()
    assert (item.status, item.reason) == (ItemStatus.FAILED, "unsupported file type (.pptx)")
    assert (job.status, job.failed) == (JobStatus.DONE, 1)


@override_settings(INGEST_MAX_BYTES=1000)
def test_too_large_file_becomes_a_failed_item():
    (spec,) = file_specs("long.txt", b"a" * 2000)
    assert spec.error == "too large"


# --- re-extraction ----------------------------------------------------------------------


def test_reextract_of_unchanged_html_reports_the_same_source(project, pi):
    (item,) = run(project, pi, html_file("zh_news.html"))
    stored = reextract(item.source, pi)
    assert stored.duplicate and stored.source == item.source


def test_reextract_creates_a_new_source_when_the_text_changed(project, pi):
    (item,) = run(project, pi, html_file("zh_news.html"))
    Source.objects.filter(pk=item.source.pk).update(text="old text", text_hash="x")
    stored = reextract(Source.objects.get(pk=item.source.pk), pi)
    assert not stored.duplicate
    assert stored.source.pk != item.source.pk
    assert stored.source.text == item.source.text
    assert Source.objects.get(pk=item.source.pk).text == "old text"


def test_job_counts_add_up(project, pi):
    job = create_job(
        project,
        pi,
        [
            paste_spec("A", "Alpha text."),
            paste_spec("B", "Alpha text."),
            ItemSpec(ItemKind.TEXT, "e.txt", b""),
        ],
        enqueue=False,
    )
    for item in job.items.all():
        ingest_item(item)
    job = IngestJob.objects.get(pk=job.pk)
    assert (job.total, job.done, job.failed, job.remaining) == (3, 2, 1, 0)
    assert job.status == JobStatus.DONE and job.finished_at is not None
    # running an item again changes nothing
    ingest_item(job.items.first())
    job.refresh_from_db()
    assert (job.done, job.failed) == (2, 1)
