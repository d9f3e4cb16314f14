"""Pages for adding sources, ingestion jobs, the source list, source page, per role."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coding.models import Assignment, Role
from sources.extraction.extract import Extracted
from sources.inputs import paste_spec
from sources.jobs.ingest import create_job, ingest_item, store_source
from sources.models import IngestJob, ItemStatus, Source
from tests.factories import (
    AssignmentFactory,
    CodingFactory,
    MembershipFactory,
    SourceFactory,
    UserFactory,
)
from tests.sources.httpserver import PAGES

pytestmark = pytest.mark.django_db


@pytest.fixture
def ingester(project):
    user = UserFactory(username="coder-ingest")
    MembershipFactory(project=project, user=user, role=Role.CODER, can_ingest=True)
    return user


@pytest.fixture
def job(project, pi):
    job = create_job(project, pi, [paste_spec("Pasted piece", "Some article text.")], enqueue=False)
    ingest_item(job.items.get())
    return job


def urls_for(project, job):
    return {
        "add": reverse("source-add", args=[project.slug]),
        "jobs": reverse("ingest-jobs", args=[project.slug]),
        "job": reverse("ingest-job", args=[project.slug, job.pk]),
        "status": reverse("ingest-job-status", args=[project.slug, job.pk]),
    }


# --- access per role ----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["add", "jobs", "job", "status"])
def test_anonymous_is_sent_to_log_in(client, project, job, name):
    response = client.get(urls_for(project, job)[name])
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", ["add", "jobs", "job", "status"])
def test_outsider_gets_404(client_for, project, job, outsider, name):
    assert client_for(outsider).get(urls_for(project, job)[name]).status_code == 404


@pytest.mark.parametrize("name", ["add", "jobs", "job", "status"])
def test_coder_without_the_right_gets_403(client_for, project, job, coder, name):
    assert client_for(coder).get(urls_for(project, job)[name]).status_code == 403


@pytest.mark.parametrize("name", ["add", "jobs", "job", "status"])
def test_pi_opens_every_ingestion_page(client_for, project, job, pi, name):
    assert client_for(pi).get(urls_for(project, job)[name]).status_code == 200


def test_ingesting_coder_sees_own_jobs_only(client_for, project, job, ingester):
    client = client_for(ingester)
    urls = urls_for(project, job)
    assert client.get(urls["add"]).status_code == 200
    assert client.get(urls["job"]).status_code == 404  # the PI's job
    assert client.get(urls["status"]).status_code == 404
    assert f"#{job.pk}" not in client.get(urls["jobs"]).content.decode()
    own = create_job(project, ingester, [paste_spec("Mine", "My own text.")], enqueue=False)
    assert client.get(reverse("ingest-job", args=[project.slug, own.pk])).status_code == 200
    assert f"#{own.pk}" in client.get(urls["jobs"]).content.decode()


# --- adding sources -----------------------------------------------------------------------


def test_pi_adds_urls_files_and_paste_in_one_job(
    client_for, project, pi, monkeypatch, django_capture_on_commit_callbacks
):
    from sources.jobs import tasks

    sent = []
    monkeypatch.setattr(
        tasks.ingest_item_task, "apply_async", lambda args, kwargs=None, **_: sent.append(*args)
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(pi).post(
            reverse("source-add", args=[project.slug]),
            {
                "urls": "https://a.example/1\n\nhttps://b.example/2\n",
                "csv_file": SimpleUploadedFile("list.csv", b"url\nhttps://c.example/3\n"),
                "html_files": [
                    SimpleUploadedFile("zh.html", (PAGES / "zh_news.html").read_bytes())
                ],
                "text_files": [
                    SimpleUploadedFile("a.txt", b"A\n\nText."),
                    SimpleUploadedFile("b.md", b"# B\n\nMore."),
                ],
                "paste_title": "Pasted",
                "paste_text": "Pasted body.",
            },
        )
    job = IngestJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    labels = list(job.items.values_list("label", flat=True))
    assert labels == [
        "https://a.example/1",
        "https://b.example/2",
        "https://c.example/3",
        "zh.html",
        "a.txt",
        "b.md",
        "Pasted",
    ]
    assert job.total == 7 and job.created_by == pi
    assert len(sent) == 7  # one task per item, sent after commit
    assert job.items.get(label="zh.html").payload == (PAGES / "zh_news.html").read_bytes()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Nothing to add"),
        ({"csv_file": SimpleUploadedFile("l.csv", b"link\nhttps://x.example/")}, "column named"),
        ({"zip_file": SimpleUploadedFile("a.zip", b"not a zip")}, "not a zip file"),
        # a file of another type is a failed item of its own (test_wrong_type_files.py)
        ({"paste_text": "Body without a title"}, "Give the pasted text a title"),
    ],
)
def test_bad_submissions_are_form_errors(client_for, project, pi, data, message):
    response = client_for(pi).post(reverse("source-add", args=[project.slug]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not IngestJob.objects.exists()


def test_a_title_too_long_is_said_once_and_not_as_missing(client_for, project, pi):
    response = client_for(pi).post(
        reverse("source-add", args=[project.slug]),
        {"paste_title": "T" * 501, "paste_text": "Body"},
    )
    assert response.context["form"].errors == {
        "paste_title": ["Ensure this value has at most 500 characters (it has 501)."]
    }
    assert not IngestJob.objects.exists()


def test_coder_without_the_right_cannot_post(client_for, project, coder):
    response = client_for(coder).post(
        reverse("source-add", args=[project.slug]), {"urls": "https://a.example/"}
    )
    assert response.status_code == 403 and not IngestJob.objects.exists()


def test_job_status_json_and_page_show_outcomes(client_for, project, pi, job):
    SourceFactory(project=project, title="Older <b>one</b>", text="Dup text.")
    dup_job = create_job(project, pi, [paste_spec("Again", "Dup text.")], enqueue=False)
    ingest_item(dup_job.items.get())
    client = client_for(pi)
    state = client.get(reverse("ingest-job-status", args=[project.slug, dup_job.pk])).json()
    assert state["finished"] and state["done"] == 1 and state["remaining"] == 0
    (item,) = state["items"]
    assert item["status"] == ItemStatus.DUPLICATE
    assert item["reason"] == "duplicate of “Older <b>one</b>”"
    page = client.get(dup_job.get_absolute_url()).content.decode()
    assert "duplicate of “Older &lt;b&gt;one&lt;/b&gt;”" in page
    assert "Older <b>one</b>" not in page


# --- source list ----------------------------------------------------------------------------


def test_source_list_search_filter_sort_and_paginate(client_for, project, pi, coder):
    a = SourceFactory(project=project, title="Alpha", outlet="Wire", published_date="2024-01-05")
    b = SourceFactory(
        project=project,
        title="Beta",
        outlet="Herald",
        published_date="2024-03-01",
        text="The Steppe Accord was signed.",
    )
    c = SourceFactory(project=project, title="Gamma", outlet="Wire", published_date="2023-12-31")
    AssignmentFactory(source=a, coder=coder, status="done")
    AssignmentFactory(source=b, coder=coder)
    client = client_for(pi)
    url = reverse("source-list", args=[project.slug])

    def titles(**params):
        html = client.get(url, params).content.decode()
        return [t for t in ["Alpha", "Beta", "Gamma"] if f">{t}</a>" in html]

    assert titles(q="herald") == ["Beta"]
    assert titles(q="steppe accord") == ["Beta"]
    assert titles(q="wire") == ["Alpha", "Gamma"]
    assert titles(status="unassigned") == ["Gamma"]
    assert titles(status="done") == ["Alpha"]
    assert titles(coder=coder.pk) == ["Alpha", "Beta"]
    html = client.get(url, {"sort": "date_asc"}).content.decode()
    assert html.index(">Gamma<") < html.index(">Alpha<") < html.index(">Beta<")
    html = client.get(url).content.decode()
    assert html.index(">Beta<") < html.index(">Alpha<") < html.index(">Gamma<")
    assert c.pk  # unassigned one exists
    for n in range(55):
        SourceFactory(project=project, title=f"Bulk {n}")
    page2 = client.get(url, {"q": "bulk", "page": 2}).content.decode()
    assert "Page 2 of 2" in page2 and "q=bulk&amp;page=1" in page2


def test_coder_list_filters_on_own_status(client_for, project, coder):
    a = SourceFactory(project=project, title="Mine done")
    b = SourceFactory(project=project, title="Mine open")
    AssignmentFactory(source=a, coder=coder, status="done")
    AssignmentFactory(source=b, coder=coder)
    html = (
        client_for(coder)
        .get(reverse("source-list", args=[project.slug]), {"status": "done"})
        .content.decode()
    )
    assert "Mine done" in html and "Mine open" not in html
    assert "assign-form" not in html  # no assignment UI for coders


# --- assignment ---------------------------------------------------------------------------


def test_pi_assigns_in_bulk_from_the_list(client_for, project, pi, coder):
    other = UserFactory(username="coder-b")
    MembershipFactory(project=project, user=other)
    sources = [SourceFactory(project=project) for _ in range(10)]
    response = client_for(pi).post(
        reverse("source-assign", args=[project.slug]),
        {
            "sources": [s.pk for s in sources],
            "coders": [coder.pk, other.pk],
            "reliability_percent": 20,
            "next": "q=x",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("/sources/?q=x")
    # 2 sources to both, 8 spread: 4 + 2 * 2 = 12
    assert Assignment.objects.count() == 12
    assert Assignment.objects.filter(coder=coder).count() == 6
    assert set(Assignment.objects.values_list("assigned_by", flat=True)) == {pi.pk}


def test_ticking_two_coders_with_every_chosen_coder_assigns_both(client_for, project, pi, coder):
    other = UserFactory(username="coder-b")
    MembershipFactory(project=project, user=other)
    source = SourceFactory(project=project)
    client_for(pi).post(
        reverse("source-assign", args=[project.slug]),
        {"sources": [source.pk], "coders": [coder.pk, other.pk], "mode": "every",
         "reliability_percent": 0},
    )  # fmt: skip
    assert set(Assignment.objects.values_list("coder_id", flat=True)) == {coder.pk, other.pk}


def test_the_source_list_asks_whether_every_coder_or_one_gets_a_source(client_for, project, pi):
    SourceFactory(project=project)
    html = client_for(pi).get(reverse("source-list", args=[project.slug])).content.decode()
    assert 'name="mode" value="every" form="assign-form" checked' in html
    assert 'name="mode" value="spread"' in html
    assert '<script type="module">' not in html  # no inline script (CSP)


def test_assign_refuses_coders_and_outsiders(client_for, project, coder, outsider):
    source = SourceFactory(project=project)
    url = reverse("source-assign", args=[project.slug])
    data = {"sources": [source.pk], "coders": [coder.pk]}
    assert client_for(coder).post(url, data).status_code == 403
    assert client_for(outsider).post(url, data).status_code == 404
    assert not Assignment.objects.exists()


def test_assign_with_a_foreign_coder_is_an_error(client_for, project, pi, outsider):
    source = SourceFactory(project=project)
    response = client_for(pi).post(
        reverse("source-assign", args=[project.slug]),
        {"sources": [source.pk], "coders": [outsider.pk]},
        follow=True,
    )
    assert f"Coders: {outsider.pk} is not a member of this project." in response.content.decode()
    assert not Assignment.objects.exists()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({}, ["Sources: Select at least one source.", "Coders: Select at least one coder."]),
        ({"reliability_percent": "ten"}, ["Reliability sample: Enter a whole number."]),
    ],
)
def test_assign_errors_say_once_what_is_wrong_with_which_field(
    client_for, project, pi, coder, data, expected
):
    source = SourceFactory(project=project)
    data = {"sources": [source.pk], "coders": [coder.pk], **data} if data else {}
    response = client_for(pi).post(reverse("source-assign", args=[project.slug]), data, follow=True)
    shown = [str(m) for m in response.context["messages"]]
    assert shown == expected
    assert not Assignment.objects.exists()


# --- source page ----------------------------------------------------------------------------


def test_source_page_shows_provenance(client_for, project, pi):
    source = SourceFactory(project=project, url="https://news.example/a", ingested_by=pi)
    html = client_for(pi).get(source.get_absolute_url()).content.decode()
    assert "https://news.example/a" in html and "by pi-user" in html


def test_pi_edits_metadata(client_for, project, pi):
    source = SourceFactory(project=project)
    data = {
        "title": "Fixed title",
        "outlet": "Herald",
        "author": "A. Writer",
        "published_date": "2024-05-06",
        "language": "ru",
        "url": "",
        "canonical_url": "",
        "text": source.text,
    }
    response = client_for(pi).post(source.get_absolute_url(), data)
    assert response.status_code == 302
    source.refresh_from_db()
    assert (source.title, source.language, str(source.published_date)) == (
        "Fixed title",
        "ru",
        "2024-05-06",
    )


def test_text_of_a_coded_source_cannot_change(client_for, project, pi):
    coding = CodingFactory(source=SourceFactory(project=project))
    source = coding.source
    data = {"title": "New title", "text": source.text + " Changed.", "url": "", "canonical_url": ""}
    response = client_for(pi).post(source.get_absolute_url(), data)
    assert response.status_code == 200
    assert "cannot change" in response.content.decode()
    source.refresh_from_db()
    assert not source.text.endswith("Changed.") and source.title != "New title"


def test_coder_cannot_edit_or_reextract(client_for, project, coder):
    source = SourceFactory(project=project, title="Kept")
    AssignmentFactory(source=source, coder=coder)
    client = client_for(coder)
    assert client.post(source.get_absolute_url(), {"title": "Hacked"}).status_code == 403
    reextract = reverse("source-reextract", args=[project.slug, source.pk])
    assert client.post(reextract).status_code == 403
    source.refresh_from_db()
    assert source.title == "Kept"
    assert "source-edit" not in client.get(source.get_absolute_url()).content.decode()


def test_pi_reextracts_into_a_new_source(client_for, project, pi):
    original = (PAGES / "zh_news.html").read_bytes()
    stored = store_source(
        project,
        pi,
        Extracted(text="An older extraction."),
        origin="html",
        original=original,
        filename="zh.html",
    )
    response = client_for(pi).post(
        reverse("source-reextract", args=[project.slug, stored.source.pk])
    )
    new = Source.objects.exclude(pk=stored.source.pk).get()
    assert response.status_code == 302 and response["Location"] == new.get_absolute_url()
    assert new.original == original and new.text != "An older extraction."


def test_reextract_without_original_is_a_message(client_for, project, pi):
    source = SourceFactory(project=project)
    response = client_for(pi).post(
        reverse("source-reextract", args=[project.slug, source.pk]), follow=True
    )
    assert "no original HTML kept" in response.content.decode()
