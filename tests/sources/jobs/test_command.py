"""python manage.py ingest: files, folders and URLs, with a progress bar and a summary."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from sources.models import IngestJob, Source
from tests.sources.extraction.pdfs import REPORT_TEXT, two_column_report
from tests.sources.httpserver import PAGES, running_server

pytestmark = pytest.mark.django_db


@override_settings(INGEST_ALLOW_HOSTS=["127.0.0.1"])
def test_ingest_files_folders_and_urls(project, pi, tmp_path):
    folder = tmp_path / "articles"
    (folder / "sub").mkdir(parents=True)
    (folder / "one.txt").write_text("One\n\nFirst article text.", encoding="utf-8")
    (folder / "sub" / "two.md").write_text("# Two\n\nSecond article.", encoding="utf-8")
    (folder / "report.pdf").write_bytes(two_column_report())
    (folder / "empty.txt").write_bytes(b"")
    single = tmp_path / "zh.html"
    single.write_bytes((PAGES / "zh_news.html").read_bytes())
    out = StringIO()
    with running_server() as server:
        call_command(
            "ingest",
            "--project",
            project.slug,
            "--user",
            pi.username,
            str(folder),
            str(single),
            server.url("/page"),
            server.url("/pdf"),
            stdout=out,
        )
    text = out.getvalue()
    assert "[" + "#" * 30 + "] 7/7" in text
    assert "Job #" in text and "5 added, 0 duplicate, 2 failed, 0 held of 7." in text
    assert "added      report.pdf" in text
    assert "empty file" in text and "this PDF is damaged and cannot be read" in text
    assert Source.objects.filter(project=project).count() == 5
    assert Source.objects.get(original_filename="report.pdf").text == REPORT_TEXT
    assert set(Source.objects.values_list("ingested_by", flat=True)) == {pi.pk}
    job = IngestJob.objects.get()
    assert job.kind == "cli" and job.status == "done"


def test_second_run_reports_duplicates(project, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Same\n\nSame article.", encoding="utf-8")
    call_command("ingest", "--project", project.slug, str(path), stdout=StringIO())
    out = StringIO()
    call_command("ingest", "--project", project.slug, str(path), stdout=out)
    assert "0 added, 1 duplicate, 0 failed, 0 held of 1." in out.getvalue()
    assert "duplicate of “Same” (#" in out.getvalue()


def test_async_only_queues(project, tmp_path, monkeypatch):
    from sources.jobs import tasks

    sent = []
    monkeypatch.setattr(
        tasks.ingest_item_task, "apply_async", lambda args, kwargs=None, **_: sent.append(*args)
    )
    path = tmp_path / "a.txt"
    path.write_text("Text\n\nBody.", encoding="utf-8")
    out = StringIO()
    call_command("ingest", "--project", project.slug, "--async", str(path), stdout=out)
    assert "Queued job" in out.getvalue() and len(sent) == 1
    assert not Source.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--project", "nope", "x.txt"], "No project"),
        (["--project", "{slug}", "/no/such/file.txt"], "no such file"),
        (["--project", "{slug}", "--user", "ghost", "x"], "No user"),
    ],
)
def test_bad_arguments(project, args, message):
    args = [a.format(slug=project.slug) for a in args]
    with pytest.raises(CommandError, match=message):
        call_command("ingest", *args, stdout=StringIO())
