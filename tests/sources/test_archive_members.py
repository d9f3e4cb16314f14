"""Members of a zip whose type is not read become one failed item named after the archive that
names them, so the user sees what of the archive did not go in (docs/ingestion.md, "What happens
to an item"); directories, hidden, macOS and system files and a saved page's own folder stay
silent, and the other members go in as before."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from coding.models import Role
from sources.archive import read_zip
from sources.errors import IngestError
from sources.inputs import NAMED_UNSUPPORTED, ZIP_MEMBER_SUFFIXES, file_specs
from sources.jobs import ingest
from sources.jobs.ingest import ingest_item, retry_failed
from sources.jobs.sweeper import sweep
from sources.models import IngestJob, ItemStatus, JobStatus
from tests.factories import MembershipFactory, UserFactory
from tests.sources.zips import make_zip

SUPPORTED = ", ".join(ZIP_MEMBER_SUFFIXES)
TEXT = b"Joint naval exercise in the Sea of Japan.\n\nA second paragraph."


def unsupported(suffix: str) -> str:
    return f"not a supported type: {suffix}; supported: {SUPPORTED}"


REFUSED_LABEL = (
    "archive.zip: 4 members not read: photos/map.png, notes.docx, tools/setup.exe, README"
)
REFUSED_REASON = (
    f"not supported types: 1 .png, 1 .docx, 1 .exe, 1 no file extension; supported: {SUPPORTED}"
)


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
    contents = read_zip(make_zip(MIXED))
    assert contents.members == [("articles/visit.txt", TEXT)]
    assert contents.unsupported == ["photos/map.png", "notes.docx", "tools/setup.exe", "README"]


def test_a_saved_pages_own_folder_stays_silent_but_other_folders_do_not() -> None:
    contents = read_zip(
        make_zip(
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
    contents = read_zip(make_zip({"photos/map.png": b"png", "dir/": b""}))
    assert (contents.members, contents.unsupported) == ([], ["photos/map.png"])
    with pytest.raises(IngestError) as info:
        read_zip(make_zip({"dir/": b"", ".DS_Store": b"x", "__MACOSX/._a.txt": b"x"}))
    assert info.value.reason == "zip has no .html, .htm, .txt, .md files"


def test_unsupported_members_do_not_count_towards_the_file_cap_nor_are_read() -> None:
    # 2 articles and 30 images pass a cap of 2 articles; a huge unsupported member is not read
    members = {"a.txt": TEXT, "b.txt": TEXT}
    members |= {f"img/{i}.png": b"png" for i in range(30)}
    members["video.mp4"] = b"\0" * (3 * 1024 * 1024)  # past max_member and the bomb ratio
    contents = read_zip(make_zip(members), max_files=2, max_member=1024 * 1024)
    assert len(contents.members) == 2 and len(contents.unsupported) == 31
    with pytest.raises(IngestError) as info:  # the cap on wanted members is as before
        read_zip(make_zip(members | {"c.txt": TEXT}), max_files=2)
    assert info.value.reason == "zip has too many files (max 2)"


def test_file_specs_name_the_unsupported_members_in_one_item_after_the_archive() -> None:
    specs = file_specs("archive.zip", make_zip(MIXED | {"in.zip": b""}))
    assert [(s.label, s.error) for s in specs] == [
        ("articles/visit.txt", None),
        (
            "archive.zip: 5 members not read: photos/map.png, notes.docx, tools/setup.exe, "
            "README, in.zip",
            "not supported types: 1 .png, 1 .docx, 1 .exe, 1 no file extension, 1 .zip; "
            f"supported: {SUPPORTED}",
        ),
    ]
    assert specs[1].payload is None


def test_one_unsupported_member_is_named_with_its_type() -> None:
    specs = file_specs("archive.zip", make_zip({"a.txt": TEXT, "photos/map.png": b"png"}))
    assert [(s.label, s.error) for s in specs] == [
        ("a.txt", None),
        ("archive.zip: photos/map.png", unsupported(".png")),
    ]
    [mbox] = file_specs("mail.zip", make_zip({"a.txt": TEXT, "letters.mbox": b"From x\n"}))[1:]
    assert mbox.error == f"an .mbox is read on its own, not inside a zip; {unsupported('.mbox')}"


def test_thousands_of_unsupported_members_make_one_item_naming_the_first() -> None:
    members = {"a.txt": TEXT}
    members |= {f"site/img{i}.png": b"png" for i in range(1800)}
    members |= {f"site/s{i}.css": b"p{}" for i in range(150)}
    members |= {f"bin/t{i}.exe": b"MZ" for i in range(20)}
    members |= {f"x.{suffix}": b"x" for suffix in ("a1", "a2", "a3", "a4")}
    specs = file_specs("site.zip", make_zip(members))
    assert len(specs) == 2 and specs[0].label == "a.txt" and specs[0].error is None
    refused = specs[1]
    named = ", ".join(f"site/img{i}.png" for i in range(NAMED_UNSUPPORTED))
    assert refused.label == f"site.zip: 1974 members not read: {named} and 1954 more"
    assert refused.error == (
        "not supported types: 1800 .png, 150 .css, 20 .exe, 1 .a1, 1 .a2 and 2 other types; "
        f"supported: {SUPPORTED}"
    )
    assert refused.payload is None and len(refused.error) <= 300


# --- the job --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_unsupported_members_are_failed_items_of_the_job_and_the_rest_goes_in(
    client_for, project, pi, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = add_zip(
            client_for(pi), project, "archive.zip", make_zip(MIXED), urls="https://a.example/1"
        )
    job = IngestJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert items_of(job) == [
        ("https://a.example/1", ItemStatus.PENDING, ""),
        ("articles/visit.txt", ItemStatus.PENDING, ""),
        (REFUSED_LABEL, ItemStatus.FAILED, REFUSED_REASON),
    ]
    assert (job.total, job.done, job.failed, job.status) == (3, 0, 1, JobStatus.QUEUED)
    refused = job.items.filter(status=ItemStatus.FAILED)
    assert not any(item.retryable or item.payload_compressed for item in refused)
    assert all(item.finished_at for item in refused)
    pending = job.items.filter(status=ItemStatus.PENDING).order_by("position")
    assert sent == [item.pk for item in pending]  # the refused ones are never sent
    assert retry_failed(job) == 0  # the same member would be refused the same way

    page = client_for(pi).get(job.get_absolute_url()).content.decode()
    assert REFUSED_LABEL in page
    assert f'<span class="reason">{REFUSED_REASON}</span>' in page
    assert '<span data-field="failed">1</span> failed' in page

    text_item = job.items.get(label="articles/visit.txt")
    ingest_item(text_item)
    job.refresh_from_db()
    assert (job.status, job.done, job.failed, job.remaining) == (JobStatus.RUNNING, 1, 1, 1)
    assert job.items.get(pk=text_item.pk).status == ItemStatus.OK


@pytest.mark.django_db
def test_the_job_finishes_exactly_once(project, pi, sent):
    """The pending member ends the job; a second delivery and a sweep change nothing."""
    client = APIClient()
    client.force_authenticate(pi)
    data = make_zip({"a.txt": TEXT, "photos/map.png": b"png", "notes.docx": b"docx"})
    answer = client.post(
        f"/api/projects/{project.slug}/ingest-jobs/",
        {"files": [SimpleUploadedFile("archive.zip", data)]},
        format="multipart",
    )
    assert answer.status_code == 201, answer.content
    assert (answer.json()["total"], answer.json()["failed"]) == (2, 1)
    job = IngestJob.objects.get()
    item = job.items.get(label="a.txt")
    ingest_item(item)
    job.refresh_from_db()
    finished = job.finished_at
    assert (job.status, job.done, job.failed, job.remaining) == (JobStatus.DONE, 1, 1, 0)
    assert finished is not None
    ingest_item(job.items.get(pk=item.pk))  # delivered twice
    sweep()
    job.refresh_from_db()
    assert (job.status, job.done, job.failed, job.finished_at) == (JobStatus.DONE, 1, 1, finished)

    detail = client.get(f"/api/projects/{project.slug}/ingest-jobs/{job.pk}/").json()
    assert (detail["done"], detail["failed"]) == (1, 1)
    rows = {row["label"]: row for row in detail["items"]}
    refused = rows["archive.zip: 2 members not read: photos/map.png, notes.docx"]
    assert refused["status"] == ItemStatus.FAILED
    assert refused["reason"] == f"not supported types: 1 .png, 1 .docx; supported: {SUPPORTED}"


@pytest.mark.django_db
def test_a_zip_of_only_unsupported_members_is_a_job_of_failed_items(client_for, project, sent):
    uploader = UserFactory(username="uploader")  # any PI of the project
    MembershipFactory(project=project, user=uploader, role=Role.PI)
    data = make_zip({"photos/map.png": b"png", "notes.docx": b"docx", "photos/": b""})
    response = add_zip(client_for(uploader), project, "archive.zip", data)
    assert response.status_code == 302
    job = IngestJob.objects.get()
    assert items_of(job) == [
        (
            "archive.zip: 2 members not read: photos/map.png, notes.docx",
            ItemStatus.FAILED,
            f"not supported types: 1 .png, 1 .docx; supported: {SUPPORTED}",
        ),
    ]
    assert (job.status, job.total, job.done, job.failed) == (JobStatus.DONE, 1, 0, 1)
    assert job.finished_at is not None and sent == []
    status = client_for(uploader).get(reverse("ingest-job-status", args=[project.slug, job.pk]))
    assert status.status_code == 200 and status.json()["failed"] == 1


@pytest.mark.django_db
def test_thousands_of_unsupported_members_make_a_bounded_job(client_for, project, pi, sent):
    members = {"a.txt": TEXT} | {f"img/{i}.png": b"png" for i in range(3000)}
    response = add_zip(client_for(pi), project, "site.zip", make_zip(members))
    assert response.status_code == 302
    job = IngestJob.objects.get()
    assert (job.total, job.failed) == (2, 1)
    last = job.items.order_by("position").last()
    assert last.label.startswith("site.zip: 3000 members not read: img/0.png, img/1.png, ")
    assert last.label.endswith(" and 2980 more") and last.status == ItemStatus.FAILED
    assert last.reason.startswith("not supported types: 3000 .png; supported: .html")


@pytest.mark.django_db
def test_a_zip_of_only_noise_is_still_a_form_error_not_a_500(client_for, project, pi, sent):
    data = make_zip({"dir/": b"", "__MACOSX/._a.txt": b"x", ".DS_Store": b"x"})
    response = add_zip(client_for(pi), project, "noise.zip", data)
    assert response.status_code == 200
    assert "noise.zip: zip has no .html" in response.content.decode()
    assert not IngestJob.objects.exists()
