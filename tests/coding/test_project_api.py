"""The REST API for projects, members and codebooks, per role."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from coding.models import Membership, Role
from tests.factories import CodebookFactory, MembershipFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def as_user(api, user):
    api.force_authenticate(user)
    return api


def test_anonymous_gets_401_or_403(api, project):
    for url in [
        "/api/projects/",
        f"/api/projects/{project.slug}/",
        f"/api/projects/{project.slug}/members/",
        "/api/codebooks/",
        "/api/schema/",
    ]:
        assert api.get(url).status_code in {401, 403}, url


def test_token_authentication(api, coder, project):
    token = Token.objects.create(user=coder)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api.get("/api/projects/")
    assert response.status_code == 200
    assert [p["slug"] for p in response.json()["results"]] == [project.slug]


def test_obtain_token_with_password(api, coder):
    response = api.post("/api/auth/token/", {"username": "coder-a", "password": "pw"})
    assert response.status_code == 200
    assert response.json()["token"] == Token.objects.get(user=coder).key
    assert api.post("/api/auth/token/", {"username": "coder-a", "password": "x"}).status_code == 400


def test_coder_lists_only_own_projects_with_role(api, project, coder):
    ProjectFactory()
    data = as_user(api, coder).get("/api/projects/").json()
    assert [(p["slug"], p["my_role"]) for p in data["results"]] == [(project.slug, "coder")]


def test_coder_cannot_create_or_edit_projects(api, project, coder):
    client = as_user(api, coder)
    created = client.post(
        "/api/projects/", {"name": "X", "slug": "x", "codebook": project.codebook.pk}
    )
    assert created.status_code == 403
    edited = client.patch(f"/api/projects/{project.slug}/", {"name": "Renamed"})
    assert edited.status_code == 403


def test_other_projects_are_404(api, outsider, project):
    client = as_user(api, outsider)
    assert client.get(f"/api/projects/{project.slug}/").status_code == 404
    assert client.get(f"/api/projects/{project.slug}/members/").status_code == 404


def test_pi_creates_and_edits_project(api, pi, project):
    client = as_user(api, pi)
    response = client.post(
        "/api/projects/", {"name": "Arms", "slug": "arms", "codebook": project.codebook.pk}
    )
    assert response.status_code == 201, response.content
    assert response.json()["my_role"] == "pi"
    assert Membership.objects.get(project__slug="arms", user=pi).role == Role.PI
    patched = client.patch("/api/projects/arms/", {"description": "Arms transfers"})
    assert patched.json()["description"] == "Arms transfers"


def test_a_slug_in_capitals_gets_400(api, pi, project):
    response = as_user(api, pi).post(
        "/api/projects/", {"name": "Naval", "slug": "Naval", "codebook": project.codebook.pk}
    )
    assert response.status_code == 400
    assert "lowercase" in response.json()["slug"][0]


def test_bad_project_input_gets_400_with_reasons(api, pi, project):
    response = as_user(api, pi).post(
        "/api/projects/", {"name": "", "slug": "has space", "codebook": 999999}
    )
    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {"name", "slug", "codebook"}


def test_members_listed_to_members_and_managed_by_pi(api, project, pi, coder):
    listing = as_user(api, coder).get(f"/api/projects/{project.slug}/members/")
    assert {m["username"] for m in listing.json()} == {"pi-user", "coder-a"}
    refused = api.post(f"/api/projects/{project.slug}/members/", {"username": "coder-a"})
    assert refused.status_code == 403

    UserFactory(username="newcomer")
    client = as_user(api, pi)
    added = client.post(
        f"/api/projects/{project.slug}/members/", {"username": "newcomer", "role": "coder"}
    )
    assert added.status_code == 201, added.content
    pk = added.json()["id"]
    changed = client.patch(f"/api/projects/{project.slug}/members/{pk}/", {"role": "pi"})
    assert changed.json()["role"] == "pi"
    assert client.delete(f"/api/projects/{project.slug}/members/{pk}/").status_code == 204
    assert not Membership.objects.filter(pk=pk).exists()


def test_member_api_refuses_to_add_a_member_again(api, project, pi, coder):
    client = as_user(api, pi)
    for username, role in (("coder-a", "pi"), ("pi-user", "coder")):
        response = client.post(
            f"/api/projects/{project.slug}/members/", {"username": username, "role": role}
        )
        assert response.status_code == 400
        assert "already a member" in response.json()["username"][0]
    roles = dict(project.memberships.values_list("user__username", "role"))
    assert roles == {"pi-user": "pi", "coder-a": "coder"}


def test_member_api_rejects_unknown_user_and_role(api, project, pi):
    client = as_user(api, pi)
    response = client.post(
        f"/api/projects/{project.slug}/members/", {"username": "ghost", "role": "boss"}
    )
    assert response.status_code == 400
    assert set(response.json()) == {"username", "role"}


def test_last_pi_cannot_be_removed_via_api(api, project, pi):
    member = Membership.objects.get(project=project, user=pi)
    response = as_user(api, pi).delete(f"/api/projects/{project.slug}/members/{member.pk}/")
    assert response.status_code == 400
    assert "at least one PI" in str(response.json())
    assert Membership.objects.filter(pk=member.pk).exists()


def test_codebooks_visible_through_projects(api, project, coder, pi):
    unrelated = CodebookFactory(name="Unrelated")
    coder_view = as_user(api, coder).get("/api/codebooks/").json()["results"]
    assert [c["id"] for c in coder_view] == [project.codebook.pk]
    assert api.get(f"/api/codebooks/{unrelated.pk}/").status_code == 404
    detail = api.get(f"/api/codebooks/{project.codebook.pk}/").json()
    assert {a["iso3"] for a in detail["actors"]} == {"CHN", "RUS", "IRN", "PRK"}
    war = next(a for a in detail["areas"] if a["slug"] == "preparations_for_war")
    assert [a["slug"] for a in war["activities"]] == ["military_exercises", "arms_sales"]
    pi_view = as_user(api, pi).get("/api/codebooks/").json()["results"]
    assert unrelated.pk in {c["id"] for c in pi_view}


def test_schema_and_docs_served_offline(client, coder):
    client.force_login(coder)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/projects/{project_slug}/members/" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist" in docs
    assert "cdn" not in docs.lower()
    # the page is read, nothing else: other methods are refused, not a missing template (500)
    for method in ("options", "post", "delete"):
        assert getattr(client, method)("/api/docs/").status_code == 405, method


def test_members_of_another_project_are_not_reachable(api, project, pi):
    foreign = MembershipFactory()
    response = as_user(api, pi).delete(f"/api/projects/{project.slug}/members/{foreign.pk}/")
    assert response.status_code == 404


ODD_VALUES = [None, [], {}, "x", "", 1.5, True, 10**30, "💥", [1], {"a": 1}]


@pytest.mark.parametrize(
    "path, fields",
    [
        ("/api/projects/", ["name", "slug", "codebook", "description"]),
        ("/api/projects/{slug}/members/", ["username", "role", "can_ingest"]),
    ],
)
def test_any_json_value_is_answered_without_a_server_error(api, project, pi, coder, path, fields):
    client = as_user(api, pi)
    url = path.format(slug=project.slug)
    member = Membership.objects.get(project=project, user=coder)
    for field in fields:
        for value in ODD_VALUES:
            made = client.post(url, {field: value}, format="json")
            assert made.status_code in (201, 400, 403), (url, field, value, made.status_code)
        for value in ODD_VALUES:
            if "members" in url:
                changed = client.patch(f"{url}{member.pk}/", {field: value}, format="json")
                assert changed.status_code in (200, 400), (field, value, changed.status_code)


def test_a_project_pi_attaches_only_codebooks_they_may_see(api, project, pi):
    """A PI of one project (not a project creator) cannot attach another project's codebook."""
    pi.groups.clear()  # a PI by membership only
    other = CodebookFactory()
    ProjectFactory(codebook=other)
    url = f"/api/projects/{project.slug}/"
    response = as_user(api, pi).patch(url, {"codebook": other.pk}, format="json")
    assert response.status_code == 400
    assert response.json()["codebook"] == [f'Invalid pk "{other.pk}" - object does not exist.']
    project.refresh_from_db()
    assert project.codebook_id != other.pk
    assert as_user(api, pi).get(f"/api/codebooks/{other.pk}/").status_code == 404
    own = project.codebook
    assert as_user(api, pi).patch(url, {"codebook": own.pk}, format="json").status_code == 200


def test_the_api_root_links_to_the_api_not_to_the_pages(api, project, coder):
    links = as_user(api, coder).get("/api/", HTTP_ACCEPT="application/json").json()
    assert links == {
        "projects": "http://testserver/api/projects/",
        "codebooks": "http://testserver/api/codebooks/",
    }
    for url in links.values():
        assert as_user(api, coder).get(url).status_code == 200


def test_the_anonymous_are_sent_to_log_in_from_the_api_pages(client):
    """The documentation is a page: a redirect to the login. The browsable API answers 403 (a
    client without credentials), with a link to log in and come back."""
    docs = client.get("/api/docs/")
    assert docs.status_code == 302 and docs["Location"] == "/accounts/login/?next=/api/docs/"
    root = client.get("/api/projects/", HTTP_ACCEPT="text/html")
    assert root.status_code == 403
    assert '<a href="/accounts/login/?next=/api/projects/">Log in</a>' in root.content.decode()
