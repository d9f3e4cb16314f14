"""Members of a zip whose type is not read become failed items named after the archive and the
member, so the user sees what of the archive did not go in (docs/ingestion.md, "What happens
to an item"); directories, hidden, macOS and system files and a saved page's own folder stay
silent, and the other members go in as before."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from coding.models import Role
from sources.archive import read_zip
from sources.errors import IngestError
from sources.inputs import MAX_UNSUPPORTED_LISTED, ZIP_MEMBER_SUFFIXES, file_specs
from sources.jobs import ingest
from sources.jobs.ingest import ingest_item, retry_failed
from sources.jobs.sweeper import sweep
from sources.models import IngestJob, ItemStatus, JobStatus
from tests.factories import MembershipFactory, UserFactory

SUPPORTED = ", ".join(ZIP_MEMBER_SUFFIXES)
TEXT = b"Joint naval exercise in the Sea of Japan.\n\nA second paragraph."


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def unsupported(suffix: str) -> str:
    return f"not a supported type: {suffix}; supported: {SUPPORTED}"


MIXED = {
    "articles/": b"",
    "articles/visit.txt": TEXT,
    "photos/map.png": b"\x89PNG\r\n\x1a\n",
    "notes.docx": b"PK\x03\x04docx",
    "tools/setup.exe": b"MZ\x90\x00",
    "README": b"read me",
    "__MACOSX/articles/._visit.txt": b"\x00\x05\x16\x07",
    "articles/.DS_Store": b"\x00\x00\x00\x01Bud1",
    "Thumbs.db": b"\xd0\xcf\x11\xe0",
    "~$notes.docx": b"lock",
}


@pytest.fixture
def sent(monkeypatch):
    sent: list[int] = []
    monkeypatch.setattr(ingest, "enqueue", lambda name, *args: sent.append(args[0]))
    return sent


def items_of(job: IngestJob) -> list[tuple[str, str, str]]:
    return list(job.items.order_by("position").values_list("label", "status", "reason"))


def add_zip(client, project, name: str, data: bytes, **more):
    return client.post(
        reverse("source-add", args=[project.slug]),
        {"zip_file": SimpleUploadedFile(name, data), **more},
    )


# --- reading the archive ------------------------------------------------------------------


def test_read_zip_lists_the_members_it_does_not_read() -> None:
    contents = read_zip(zipped(MIXED))
    assert contents.members == [("articles/visit.txt", TEXT)]
    assert contents.unsupported == ["photos/map.png", "notes.docx", "tools/setup.exe", "README"]


def test_a_saved_pages_own_folder_stays_silent_but_other_folders_do_not() -> None:
    contents = read_zip(
        zipped(
            {
                "saved/Report.html": b"<p>Report</p>",
                "saved/Report_files/logo.png": b"png",
                "saved/Report_files/css/site.css": b"p{}",
                "saved/Other_files/orphan.png": b"png",  # no Other.html beside it
                "photos/map.png": b"png",
            }
        )
    )
    assert [label for label, _ in contents.members] == ["saved/Report.html"]
    assert contents.unsupported == ["saved/Other_files/orphan.png", "photos/map.png"]


def test_only_unsupported_members_is_no_error_but_only_noise_still_is() -> None:
    contents = read_zip(zipped({"photos/map.png": b"png", "dir/": b""}))
    assert (contents.members, contents.unsupported) == ([], ["photos/map.png"])
    with pytest.raises(IngestError) as info:
        read_zip(zipped({"dir/": b"", ".DS_Store": b"x", "__MACOSX/._a.txt": b"x"}))
    assert info.value.reason == "zip has no .html, .htm, .txt, .md files"


def test_unsupported_members_do_not_count_towards_the_file_cap_nor_are_read() -> None:
    # 2 articles and 30 images pass a cap of 2 articles; a huge unsupported member is not read
    members = {"a.txt": TEXT, "b.txt": TEXT}
    members |= {f"img/{i}.png": b"png" for i in range(30)}
    members["video.mp4"] = b"\0" * (3 * 1024 * 1024)  # past max_member and the bomb ratio
    contents = read_zip(zipped(members), max_files=2, max_member=1024 * 1024)
    assert len(contents.members) == 2 and len(contents.unsupported) == 31
    with pytest.raises(IngestError) as info:  # the cap on wanted members is as before
        read_zip(zipped(members | {"c.txt": TEXT}), max_files=2)
    assert info.value.reason == "zip has too many files (max 2)"


def test_file_specs_name_each_unsupported_member_after_the_archive() -> None:
    specs = file_specs("archive.zip", zipped(MIXED | {"letters.mbox": b"From x\n", "in.zip": b""}))
    assert [(s.label, s.error) for s in specs] == [
        ("articles/visit.txt", None),
        ("archive.zip: photos/map.png", unsupported(".png")),
        ("archive.zip: notes.docx", unsupported(".docx")),
        ("archive.zip: tools/setup.exe", unsupported(".exe")),
        ("archive.zip: README", unsupported("no file extension")),
        (
            "archive.zip: letters.mbox",
            f"an .mbox is not read inside a zip: upload it on its own; supported: {SUPPORTED}",
        ),
        ("archive.zip: in.zip", unsupported(".zip")),
    ]
    assert all(s.payload is None for s in specs[1:])


def test_thousands_of_unsupported_members_make_one_summary_item_beyond_the_listed() -> None:
    members = {"a.txt": TEXT}
    members |= {f"site/img{i}.png": b"png" for i in range(1800)}
    members |= {f"site/s{i}.css": b"p{}" for i in range(150)}
    members |= {f"bin/t{i}.exe": b"MZ" for i in range(20)}
    specs = file_specs("site.zip", zipped(members))
    assert len(specs) == 1 + MAX_UNSUPPORTED_LISTED + 1
    assert specs[0].label == "a.txt" and specs[0].error is None
    listed = specs[1:-1]
    assert [s.label for s in listed] == [f"site.zip: site/img{i}.png" for i in range(50)]
    summary = specs[-1]
    assert summary.label == "site.zip: and 1920 more unsupported members"
    assert (
        summary.error
        == f"not supported types: 1750 .png, 150 .css, 20 .exe; supported: {SUPPORTED}"
    )
    assert summary.payload is None and len(summary.error) <= 300


# --- the job --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_unsupported_members_are_failed_items_of_the_job_and_the_rest_goes_in(
    client_for, project, pi, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = add_zip(
            client_for(pi), project, "archive.zip", zipped(MIXED), urls="https://a.example/1"
        )
    job = IngestJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert items_of(job) == [
        ("https://a.example/1", ItemStatus.PENDING, ""),
        ("articles/visit.txt", ItemStatus.PENDING, ""),
        ("archive.zip: photos/map.png", ItemStatus.FAILED, unsupported(".png")),
        ("archive.zip: notes.docx", ItemStatus.FAILED, unsupported(".docx")),
        ("archive.zip: tools/setup.exe", ItemStatus.FAILED, unsupported(".exe")),
        ("archive.zip: README", ItemStatus.FAILED, unsupported("no file extension")),
    ]
    assert (job.total, job.done, job.failed, job.status) == (6, 0, 4, JobStatus.QUEUED)
    refused = job.items.filter(status=ItemStatus.FAILED)
    assert not any(item.retryable or item.payload_compressed for item in refused)
    assert all(item.finished_at for item in refused)
    pending = job.items.filter(status=ItemStatus.PENDING).order_by("position")
    assert sent == [item.pk for item in pending]  # the refused ones are never sent
    assert retry_failed(job) == 0  # the same member would be refused the same way

    page = client_for(pi).get(job.get_absolute_url()).content.decode()
    assert "archive.zip: photos/map.png" in page
    assert f'<span class="reason">{unsupported(".png")}</span>' in page
    assert '<span data-field="failed">4</span> failed' in page

    text_item = job.items.get(label="articles/visit.txt")
    ingest_item(text_item)
    job.refresh_from_db()
    assert (job.status, job.done, job.failed, job.remaining) == (JobStatus.RUNNING, 1, 4, 1)
    assert job.items.get(pk=text_item.pk).status == ItemStatus.OK


@pytest.mark.django_db
def test_the_job_finishes_exactly_once(project, pi, sent):
    """The pending member ends the job; a second delivery and a sweep change nothing."""
    client = APIClient()
    client.force_authenticate(pi)
    data = zipped({"a.txt": TEXT, "photos/map.png": b"png", "notes.docx": b"docx"})
    answer = client.post(
        f"/api/projects/{project.slug}/ingest-jobs/",
        {"files": [SimpleUploadedFile("archive.zip", data)]},
        format="multipart",
    )
    assert answer.status_code == 201, answer.content
    assert (answer.json()["total"], answer.json()["failed"]) == (3, 2)
    job = IngestJob.objects.get()
    item = job.items.get(label="a.txt")
    ingest_item(item)
    job.refresh_from_db()
    finished = job.finished_at
    assert (job.status, job.done, job.failed, job.remaining) == (JobStatus.DONE, 1, 2, 0)
    assert finished is not None
    ingest_item(job.items.get(pk=item.pk))  # delivered twice
    sweep()
    job.refresh_from_db()
    assert (job.status, job.done, job.failed, job.finished_at) == (JobStatus.DONE, 1, 2, finished)

    detail = client.get(f"/api/projects/{project.slug}/ingest-jobs/{job.pk}/").json()
    assert (detail["done"], detail["failed"]) == (1, 2)
    rows = {row["label"]: row for row in detail["items"]}
    assert rows["archive.zip: photos/map.png"]["status"] == ItemStatus.FAILED
    assert rows["archive.zip: photos/map.png"]["reason"] == unsupported(".png")
    assert rows["archive.zip: notes.docx"]["reason"] == unsupported(".docx")


@pytest.mark.django_db
def test_a_zip_of_only_unsupported_members_is_a_job_of_failed_items(client_for, project, sent):
    uploader = UserFactory(username="uploader")  # any PI of the project
    MembershipFactory(project=project, user=uploader, role=Role.PI)
    data = zipped({"photos/map.png": b"png", "notes.docx": b"docx", "photos/": b""})
    response = add_zip(client_for(uploader), project, "archive.zip", data)
    assert response.status_code == 302
    job = IngestJob.objects.get()
    assert items_of(job) == [
        ("archive.zip: photos/map.png", ItemStatus.FAILED, unsupported(".png")),
        ("archive.zip: notes.docx", ItemStatus.FAILED, unsupported(".docx")),
    ]
    assert (job.status, job.total, job.done, job.failed) == (JobStatus.DONE, 2, 0, 2)
    assert job.finished_at is not None and sent == []
    status = client_for(uploader).get(reverse("ingest-job-status", args=[project.slug, job.pk]))
    assert status.status_code == 200 and status.json()["failed"] == 2


@pytest.mark.django_db
def test_thousands_of_unsupported_members_make_a_bounded_job(client_for, project, pi, sent):
    members = {"a.txt": TEXT} | {f"img/{i}.png": b"png" for i in range(3000)}
    response = add_zip(client_for(pi), project, "site.zip", zipped(members))
    assert response.status_code == 302
    job = IngestJob.objects.get()
    assert (job.total, job.failed) == (MAX_UNSUPPORTED_LISTED + 2, MAX_UNSUPPORTED_LISTED + 1)
    last = job.items.order_by("position").last()
    assert (last.label, last.status) == ("site.zip: and 2950 more unsupported members", "failed")
    assert last.reason.startswith("not supported types: 2950 .png; supported: .html")


@pytest.mark.django_db
def test_a_zip_of_only_noise_is_still_a_form_error_not_a_500(client_for, project, pi, sent):
    data = zipped({"dir/": b"", "__MACOSX/._a.txt": b"x", ".DS_Store": b"x"})
    response = add_zip(client_for(pi), project, "noise.zip", data)
    assert response.status_code == 200
    assert "noise.zip: zip has no .html" in response.content.decode()
    assert not IngestJob.objects.exists()
