"""A duplicate's details (title, id) only for members who may open the existing source."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from coding.models import Role
from sources.inputs import paste_spec
from sources.jobs.ingest import create_job, ingest_item
from sources.models import ItemStatus
from tests.factories import AssignmentFactory, MembershipFactory, SourceFactory, UserFactory

pytestmark = pytest.mark.django_db

SECRET_TITLE = "Secret memo <b>42</b>"


@pytest.fixture
def ingester(project):
    user = UserFactory(username="coder-ingest")
    MembershipFactory(project=project, user=user, role=Role.CODER, can_ingest=True)
    return user


@pytest.fixture
def existing(project):
    return SourceFactory(project=project, title=SECRET_TITLE, text="The same article text.")


def duplicate_job(project, user):
    job = create_job(
        project, user, [paste_spec("My copy", "The same article text.")], enqueue=False
    )
    ingest_item(job.items.get())
    item = job.items.get()
    assert item.status == ItemStatus.DUPLICATE
    return job


def views(client, project, job) -> dict:
    """What the job page, its status JSON and the API show of the one item."""
    page = client.get(reverse("ingest-job", args=[project.slug, job.pk]))
    status = client.get(reverse("ingest-job-status", args=[project.slug, job.pk]))
    api = APIClient()
    api.force_authenticate(client.session_user)
    detail = api.get(f"/api/projects/{project.slug}/ingest-jobs/{job.pk}/")
    assert page.status_code == status.status_code == detail.status_code == 200
    return {
        "page": page.content.decode(),
        "status": status.json()["items"][0],
        "api": detail.json()["items"][0],
    }


@pytest.fixture
def client_as(client):
    def login(user):
        client.force_login(user)
        client.session_user = user
        return client

    return login


def test_coder_who_may_not_see_the_source_learns_nothing_of_it(
    client_as, project, ingester, existing
):
    job = duplicate_job(project, ingester)
    assert job.items.get().source_id == existing.pk  # kept for those who may see it
    shown = views(client_as(ingester), project, job)
    assert "Secret memo" not in shown["page"]
    assert existing.get_absolute_url() not in shown["page"]
    assert "already in the project" in shown["page"]
    assert shown["status"]["reason"] == "already in the project"
    assert shown["status"]["source_title"] is None and shown["status"]["source_url"] is None
    assert shown["api"]["reason"] == "already in the project"
    assert shown["api"]["source_id"] is None
    assert "Secret memo" not in str(shown["status"]) + str(shown["api"])


def test_coder_assigned_to_the_source_sees_which_it_is(client_as, project, ingester, existing):
    AssignmentFactory(source=existing, coder=ingester)
    job = duplicate_job(project, ingester)
    shown = views(client_as(ingester), project, job)
    assert "duplicate of “Secret memo &lt;b&gt;42&lt;/b&gt;”" in shown["page"]
    assert f'href="{existing.get_absolute_url()}"' in shown["page"]
    assert shown["status"]["reason"] == f"duplicate of “{SECRET_TITLE}”"
    assert shown["status"]["source_url"] == existing.get_absolute_url()
    assert shown["api"]["source_id"] == existing.pk
    assert shown["api"]["reason"] == f"duplicate of “{SECRET_TITLE}”"


def test_pi_sees_the_details_of_a_coders_duplicate(client_as, project, pi, ingester, existing):
    job = duplicate_job(project, ingester)
    shown = views(client_as(pi), project, job)
    assert "duplicate of “Secret memo &lt;b&gt;42&lt;/b&gt;”" in shown["page"]
    assert "Secret memo <b>" not in shown["page"]
    assert shown["status"]["source_title"] == SECRET_TITLE
    assert shown["api"]["source_id"] == existing.pk
    assert shown["api"]["reason"] == f"duplicate of “{SECRET_TITLE}”"


def test_an_added_source_keeps_its_title_and_id_for_the_coder_who_added_it(
    client_as, project, ingester
):
    job = create_job(project, ingester, [paste_spec("Fresh piece", "New text.")], enqueue=False)
    ingest_item(job.items.get())
    shown = views(client_as(ingester), project, job)
    assert shown["status"]["source_title"] == "Fresh piece"
    assert shown["api"]["source_id"] == job.items.get().source_id is not None


def test_api_job_detail_is_a_fixed_number_of_queries(
    project, pi, existing, django_assert_max_num_queries
):
    job = create_job(
        project,
        pi,
        [paste_spec(f"Copy {i}", "The same article text.") for i in range(5)],
        enqueue=False,
    )
    for item in job.items.all():
        ingest_item(item)
    api = APIClient()
    api.force_authenticate(pi)
    with django_assert_max_num_queries(8):
        items = api.get(f"/api/projects/{project.slug}/ingest-jobs/{job.pk}/").json()["items"]
    assert [i["source_id"] for i in items] == [existing.pk] * 5
