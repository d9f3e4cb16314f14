"""Token authentication (coding.api.authentication): DRF's rules with a plain-SQL user read."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import MembershipFactory, SourceFactory, UserFactory

pytestmark = pytest.mark.django_db


def _get(key: str):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/projects/")


def test_a_valid_token_authenticates_its_user():
    membership = MembershipFactory()
    token = Token.objects.create(user=membership.user)
    response = _get(token.key)
    assert response.status_code == 200
    assert [p["slug"] for p in response.json()["results"]] == [membership.project.slug]
    assert response.wsgi_request.user == membership.user
    assert response.wsgi_request.auth.key == token.key


def test_an_unknown_token_is_refused():
    Token.objects.create(user=UserFactory())
    response = _get("0" * 40)
    assert response.status_code == 403  # DRF: the first authenticator (session) sets no header
    assert response.json()["detail"] == "Invalid token."


def test_an_inactive_users_token_is_refused():
    user = UserFactory(is_active=False)
    token = Token.objects.create(user=user)
    response = _get(token.key)
    assert response.status_code == 403  # DRF: the first authenticator (session) sets no header
    assert response.json()["detail"] == "User inactive or deleted."


def test_a_token_with_sql_in_it_is_just_an_unknown_token():
    response = _get("x'OR'1'='1'--")
    assert response.status_code == 403  # DRF: the first authenticator (session) sets no header
    assert response.json()["detail"] == "Invalid token."


def test_a_key_no_token_can_have_is_refused_before_any_query(django_assert_num_queries):
    # a NUL was a database error on PostgreSQL, even on the save, whose lookup checks the key
    source = SourceFactory()
    client = APIClient()
    for key in ("ab\x00cd", "0" * 41, "clé"):
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        with django_assert_num_queries(0):
            response = client.get("/api/projects/")
        assert response.status_code == 403 and "Invalid token" in response.json()["detail"]
        save = client.post(f"/api/projects/{source.project.slug}/sources/{source.pk}/codings/",
                           {"start": 0, "end": 1}, format="json")  # fmt: skip
        assert save.status_code == 403 and "Invalid token" in save.json()["detail"]


def test_the_user_is_read_lean_and_loads_its_other_fields_on_use(django_assert_num_queries):
    """The token's query reads only what a request needs (issue 20); any other field of the user
    is loaded when used, with its stored value and type."""
    from coding.api.authentication import TokenAuthentication

    user = UserFactory(email="coder@example.org", is_staff=True)
    token = Token.objects.create(user=user)
    with django_assert_num_queries(1):
        found, auth = TokenAuthentication().authenticate_credentials(token.key)
        assert found.pk == user.pk and found.get_username() == user.get_username()
        assert found.is_active is True and found.is_staff is True and found.is_superuser is False
    with django_assert_num_queries(1):
        assert found.email == "coder@example.org"
    assert auth.key == token.key and auth.created == token.created
