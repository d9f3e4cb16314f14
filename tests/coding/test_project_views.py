"""The project pages, per role: anonymous, coder, another project's coder, PI."""

import pytest
from django.urls import reverse

from coding.models import Membership, Project, Role
from tests.factories import MembershipFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def project_urls(project, member_pk=1):
    slug = project.slug
    return {
        "get": [
            reverse("project-list"),
            reverse("project-create"),
            reverse("project-detail", args=[slug]),
            reverse("codebook-detail", args=[slug]),
            reverse("source-list", args=[slug]),
        ],
        "post": [
            reverse("member-add", args=[slug]),
            reverse("member-update", args=[slug, member_pk]),
            reverse("member-remove", args=[slug, member_pk]),
        ],
    }


def test_anonymous_users_are_sent_to_log_in(client, project):
    urls = project_urls(project)
    for url in urls["get"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url
    for url in urls["post"]:
        assert client.post(url)["Location"].startswith(reverse("login")), url


def test_login_and_logout(client, coder):
    response = client.post(reverse("login"), {"username": "coder-a", "password": "pw"})
    assert response.status_code == 302
    assert client.get(reverse("project-list")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("project-list")).status_code == 302


def test_wrong_password_shows_a_form_error(client, coder):
    response = client.post(reverse("login"), {"username": "coder-a", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_coder_sees_only_their_projects(client_for, project, coder):
    other = ProjectFactory(name="Someone else's study")
    response = client_for(coder).get(reverse("project-list"))
    assert project.name in response.content.decode()
    assert other.name not in response.content.decode()


def test_coder_reaches_own_project_and_codebook_but_not_others(client_for, project, coder):
    client = client_for(coder)
    assert client.get(reverse("project-detail", args=[project.slug])).status_code == 200
    codebook = client.get(reverse("codebook-detail", args=[project.slug]))
    assert codebook.status_code == 200
    assert "Military exercises" in codebook.content.decode()
    other = ProjectFactory()
    assert client.get(reverse("project-detail", args=[other.slug])).status_code == 404
    assert client.get(reverse("codebook-detail", args=[other.slug])).status_code == 404


def test_coder_cannot_manage(client_for, project, coder, pi):
    client = client_for(coder)
    assert client.get(reverse("project-create")).status_code == 403
    pi_member = Membership.objects.get(project=project, user=pi)
    newcomer = UserFactory(username="newcomer")
    add = client.post(reverse("member-add", args=[project.slug]), {"username": "newcomer"})
    assert add.status_code == 403
    assert not Membership.objects.filter(user=newcomer).exists()
    demote = client.post(
        reverse("member-update", args=[project.slug, pi_member.pk]), {"role": "coder"}
    )
    assert demote.status_code == 403
    remove = client.post(reverse("member-remove", args=[project.slug, pi_member.pk]))
    assert remove.status_code == 403
    pi_member.refresh_from_db()
    assert pi_member.role == Role.PI


def test_coder_page_has_no_management_forms(client_for, project, coder):
    html = client_for(coder).get(reverse("project-detail", args=[project.slug])).content.decode()
    assert 'id="add-member"' not in html
    assert "Remove" not in html


def test_other_projects_coder_gets_404_everywhere(client_for, project, outsider):
    client = client_for(outsider)
    urls = project_urls(project)
    for url in urls["get"][2:]:
        assert client.get(url).status_code == 404, url
    for url in urls["post"]:
        assert client.post(url).status_code == 404, url


def test_pi_creates_a_project_and_becomes_its_pi(client_for, pi, project):
    response = client_for(pi).post(
        reverse("project-create"),
        {"name": "Naval ties", "slug": "naval", "codebook": project.codebook.pk},
    )
    created = Project.objects.get(slug="naval")
    assert response["Location"] == created.get_absolute_url()
    assert Membership.objects.get(project=created, user=pi).role == Role.PI


def test_project_form_errors_are_shown(client_for, pi, project):
    response = client_for(pi).post(
        reverse("project-create"), {"name": "Dup", "slug": project.slug, "codebook": ""}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Project with this Slug already exists." in html
    assert "This field is required." in html


def test_pi_adds_changes_and_removes_members(client_for, project, pi):
    client = client_for(pi)
    newcomer = UserFactory(username="newcomer")
    client.post(
        reverse("member-add", args=[project.slug]),
        {"username": "newcomer", "role": "coder", "can_ingest": "on"},
    )
    member = Membership.objects.get(project=project, user=newcomer)
    assert (member.role, member.can_ingest) == (Role.CODER, True)
    client.post(reverse("member-update", args=[project.slug, member.pk]), {"role": "pi"})
    member.refresh_from_db()
    assert (member.role, member.can_ingest) == (Role.PI, False)
    client.post(reverse("member-remove", args=[project.slug, member.pk]))
    assert not Membership.objects.filter(pk=member.pk).exists()


def test_adding_an_unknown_user_says_so(client_for, project, pi):
    response = client_for(pi).post(
        reverse("member-add", args=[project.slug]),
        {"username": "ghost", "role": "coder"},
        follow=True,
    )
    assert "There is no active user called “ghost”." in response.content.decode()


def test_the_last_pi_cannot_leave(client_for, project, pi):
    member = Membership.objects.get(project=project, user=pi)
    client = client_for(pi)
    response = client.post(reverse("member-remove", args=[project.slug, member.pk]), follow=True)
    assert "at least one PI" in response.content.decode()
    assert Membership.objects.filter(pk=member.pk).exists()
    client.post(reverse("member-update", args=[project.slug, member.pk]), {"role": "coder"})
    member.refresh_from_db()
    assert member.role == Role.PI


def test_member_of_another_project_cannot_be_edited_through_this_one(client_for, project, pi):
    foreign = MembershipFactory()
    response = client_for(pi).post(reverse("member-remove", args=[project.slug, foreign.pk]))
    assert response.status_code == 404
    assert Membership.objects.filter(pk=foreign.pk).exists()


def test_health_is_public_and_reveals_no_study_data(client, project):
    from coding.health import record_heartbeat

    record_heartbeat()
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert set(response.json()) == {
        "status", "down", "database", "broker", "last_worker_heartbeat", "worker_seen_recently"
    }  # fmt: skip


def test_adding_someone_who_is_a_member_already_changes_nothing_and_says_so(
    client_for, project, pi
):
    coder = UserFactory(username="helper")
    member = MembershipFactory(project=project, user=coder, role=Role.CODER, can_ingest=True)
    client = client_for(pi)
    for username, role in (("pi-user", "coder"), ("helper", "coder"), ("helper", "pi")):
        response = client.post(
            reverse("member-add", args=[project.slug]),
            {"username": username, "role": role},
            follow=True,
        )
        assert response.status_code == 200
        assert f"{username} is already a member" in response.content.decode()
    member.refresh_from_db()
    assert (member.role, member.can_ingest) == (Role.CODER, True)
    assert Membership.objects.get(project=project, user=pi).role == Role.PI


@pytest.mark.parametrize(
    ("slug", "message"),
    [
        ("new", "names a page of the site (/projects/new/)"),
        ("Naval", "Use lowercase letters (naval)"),
    ],
)
def test_a_slug_that_would_clash_is_refused(client_for, pi, project, slug, message):
    """/projects/new/ is the creation form; "Naval" beside "naval" would issue the same event
    IDs (NAVAL-000001)."""
    response = client_for(pi).post(
        reverse("project-create"),
        {"name": "Naval ties", "slug": slug, "codebook": project.codebook.pk},
    )
    assert response.status_code == 200 and message in response.content.decode()
    assert not Project.objects.filter(name="Naval ties").exists()
