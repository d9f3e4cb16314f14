"""The sources and ingestion-job API, per role, and its bad input."""

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from coding.models import Role
from sources.models import IngestJob, ItemStatus
from tests.factories import AssignmentFactory, MembershipFactory, SourceFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    def as_user(user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return as_user


def test_anonymous_is_refused(api, project):
    assert api().get(f"/api/projects/{project.slug}/sources/").status_code in (401, 403)
    assert api().post(f"/api/projects/{project.slug}/ingest-jobs/", {}).status_code in (401, 403)


def test_outsider_gets_404(api, project, outsider):
    source = SourceFactory(project=project)
    client = api(outsider)
    assert client.get(f"/api/projects/{project.slug}/sources/").status_code == 404
    assert client.get(f"/api/projects/{project.slug}/sources/{source.pk}/").status_code == 404
    assert client.get(f"/api/projects/{project.slug}/ingest-jobs/").status_code == 404


def test_coder_sees_assigned_sources_only(api, project, coder):
    mine = SourceFactory(project=project, title="Mine")
    other = SourceFactory(project=project, title="Other")
    AssignmentFactory(source=mine, coder=coder)
    client = api(coder)
    listing = client.get(f"/api/projects/{project.slug}/sources/").json()
    assert [s["title"] for s in listing["results"]] == ["Mine"]
    detail = client.get(f"/api/projects/{project.slug}/sources/{mine.pk}/").json()
    assert detail["text"] == mine.text
    assert client.get(f"/api/projects/{project.slug}/sources/{other.pk}/").status_code == 404
    assert client.get(f"/api/projects/{project.slug}/ingest-jobs/").status_code == 403
    response = client.post(
        f"/api/projects/{project.slug}/ingest-jobs/", {"urls": ["https://a.example/"]}, "json"
    )
    assert response.status_code == 403 and not IngestJob.objects.exists()


def test_pi_searches_all_sources(api, project, pi):
    SourceFactory(project=project, title="Alpha", outlet="Herald")
    SourceFactory(project=project, title="Beta")
    client = api(pi)
    results = client.get(f"/api/projects/{project.slug}/sources/", {"q": "herald"}).json()
    assert [s["title"] for s in results["results"]] == ["Alpha"]
    bad = client.get(f"/api/projects/{project.slug}/sources/", {"sort": "sideways"})
    assert bad.status_code == 400 and "sort" in bad.json()


@override_settings(CELERY_TASK_ALWAYS_EAGER=True)
def test_pi_creates_a_job_and_follows_it(api, project, pi, monkeypatch):
    from sources.jobs import tasks

    sent = []
    monkeypatch.setattr(
        tasks.ingest_item_task, "apply_async", lambda args, kwargs=None, **_: sent.append(*args)
    )
    client = api(pi)
    response = client.post(
        f"/api/projects/{project.slug}/ingest-jobs/",
        {"urls": ["ftp://a.example/x"], "texts": [{"title": "T", "text": "Body text."}]},
        "json",
    )
    assert response.status_code == 201, response.content
    job = IngestJob.objects.get(pk=response.json()["id"])
    assert job.total == 2 and job.kind == "api"
    from sources.jobs.ingest import ingest_item

    for item in job.items.all():
        ingest_item(item)
    state = client.get(f"/api/projects/{project.slug}/ingest-jobs/{job.pk}/").json()
    assert (state["status"], state["done"], state["failed"], state["remaining"]) == (
        "done",
        1,
        1,
        0,
    )
    assert [i["status"] for i in state["items"]] == [ItemStatus.FAILED, ItemStatus.OK]
    assert state["items"][0]["reason"] == "not an http(s) URL"
    listing = client.get(f"/api/projects/{project.slug}/ingest-jobs/").json()
    assert [j["id"] for j in listing["results"]] == [job.pk]


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"urls": []},
        {"urls": "https://a.example/"},
        {"texts": [{"title": "T"}]},
        {"texts": [{"title": "T", "text": "   "}]},
    ],
)
def test_bad_job_requests_are_400(api, project, pi, payload):
    response = api(pi).post(f"/api/projects/{project.slug}/ingest-jobs/", payload, "json")
    assert response.status_code == 400, response.content
    assert not IngestJob.objects.exists()


def test_ingesting_coder_may_create_jobs(api, project):
    user = UserFactory(username="ingesting")
    MembershipFactory(project=project, user=user, role=Role.CODER, can_ingest=True)
    response = api(user).post(
        f"/api/projects/{project.slug}/ingest-jobs/",
        {"texts": [{"title": "T", "text": "B."}]},
        "json",
    )
    assert response.status_code == 201


def test_pi_uploads_files_through_the_api(api, project, pi):
    import io
    import zipfile
    from pathlib import Path

    from django.core.files.uploadedfile import SimpleUploadedFile

    from sources.jobs.ingest import ingest_item

    page = (Path(__file__).parent / "pages" / "en_thinktank_note.html").read_bytes()
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        archive.writestr("notes/brief.md", "# Brief\n\nRussia and Iran signed a treaty.\n")
    files = [
        SimpleUploadedFile("article.html", page, "text/html"),
        SimpleUploadedFile("memo.txt", "Москва и Тегеран: 中俄 🙂.".encode(), "text/plain"),
        SimpleUploadedFile("more.zip", packed.getvalue(), "application/zip"),
    ]
    response = api(pi).post(
        f"/api/projects/{project.slug}/ingest-jobs/",
        {"files": files, "urls": ["https://a.example/one"]},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    job = IngestJob.objects.get(pk=response.json()["id"])
    items = list(job.items.order_by("position"))
    assert [(i.kind, i.label) for i in items] == [
        ("url", "https://a.example/one"),
        ("html", "article.html"),
        ("text", "memo.txt"),
        ("text", "notes/brief.md"),
    ]
    for item in items[1:]:
        ingest_item(item)
    texts = {i.label: i.source.text for i in job.items.exclude(source=None)}
    assert texts["memo.txt"] == "Москва и Тегеран: 中俄 🙂."
    assert "Russia and Iran signed a treaty." in texts["notes/brief.md"]
    assert len(texts["article.html"]) > 200


def test_an_upload_that_is_not_a_zip_is_a_400_and_starts_nothing(api, project, pi):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = api(pi).post(
        f"/api/projects/{project.slug}/ingest-jobs/",
        {"files": [SimpleUploadedFile("batch.zip", b"not a zip at all")]},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["files"][0].startswith("batch.zip:")
    assert not IngestJob.objects.exists()


ODD_VALUES = [None, [], {}, "x", 1.5, True, 10**30, [None], [{}], [[1]], [{"title": None}]]


@pytest.mark.parametrize("field", ["urls", "texts", "files"])
def test_any_json_value_in_a_job_request_is_answered_without_a_server_error(
    api, project, pi, field
):
    client = api(pi)
    for value in ODD_VALUES:
        response = client.post(
            f"/api/projects/{project.slug}/ingest-jobs/", {field: value}, format="json"
        )
        assert response.status_code in (201, 400), (field, value, response.status_code)
