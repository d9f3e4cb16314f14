"""Lockout after repeated failed logins (per username and per address) on the login page and
the token endpoint, with when to retry; tokens dropped on logout and password change; expiry."""

import datetime as dt

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LIMIT = 3


@pytest.fixture(autouse=True)
def small_limit(settings):
    settings.AXES_FAILURE_LIMIT = LIMIT


def token(client, username, password, addr="10.0.0.1"):
    return client.post(
        "/api/auth/token/", {"username": username, "password": password}, REMOTE_ADDR=addr
    )


def login(client, username, password, addr="10.0.0.1"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=addr
    )


def test_the_token_endpoint_locks_a_username_even_with_the_right_password():
    UserFactory(username="alice")
    client = Client()
    for i in range(LIMIT):
        response = token(client, "alice", "wrong", addr=f"10.0.1.{i}")  # other addresses
        assert response.status_code in (400, 429)
    response = token(client, "alice", "pw", addr="10.0.2.1")
    assert response.status_code == 429
    assert "Try again in 15 minutes" in response.json()["detail"]
    assert int(response["Retry-After"]) == 15 * 60
    assert not Token.objects.exists()


def test_the_login_page_locks_an_address_across_usernames():
    UserFactory(username="bob")
    client = Client()
    for i in range(LIMIT):
        login(client, f"guess{i}", "wrong")
    response = login(client, "bob", "pw")
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert "Retry-After" in response
    assert "_auth_user_id" not in client.session
    # another address may still log in as bob
    assert login(Client(), "bob", "pw", addr="10.9.9.9").status_code == 302


def test_a_username_longer_than_axes_column_is_a_failed_login_still_counted():
    # axes stores the username in 255 characters: PostgreSQL refused a longer one (a 500)
    long_name = "ж" * 300
    client = Client()
    assert login(client, long_name, "wrong").status_code == 200  # the form's error
    assert token(client, long_name, "wrong").status_code == 400
    for i in range(LIMIT):  # counted under its first 255 characters, from any address
        login(client, long_name[:255] + "x" * i, "wrong", addr=f"10.0.3.{i}")
    assert login(client, long_name, "wrong", addr="10.0.4.1").status_code == 429


def test_failures_below_the_limit_then_success_log_in():
    UserFactory(username="carol")
    client = Client()
    for _ in range(LIMIT - 1):
        assert login(client, "carol", "wrong").status_code == 200
    assert login(client, "carol", "pw").status_code == 302
    assert token(Client(), "carol", "pw").status_code == 200


def test_logout_drops_the_token():
    user = UserFactory(username="dave")
    client = Client()
    key = token(client, "dave", "pw").json()["token"]
    api = Client(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/projects/").status_code == 200
    client.force_login(user)
    client.post("/accounts/logout/")
    assert api.get("/api/projects/").status_code in (401, 403)
    assert token(Client(), "dave", "pw").json()["token"] != key


def test_a_password_change_drops_the_token():
    user = UserFactory(username="erin")
    key = token(Client(), "erin", "pw").json()["token"]
    user.set_password("a-new-long-password")
    user.save()
    assert Client(HTTP_AUTHORIZATION=f"Token {key}").get("/api/projects/").status_code in (401, 403)
    user.last_name = "unchanged password"
    user.save()
    key = token(Client(), "erin", "a-new-long-password").json()["token"]
    user.save(update_fields=["last_name"])
    assert Token.objects.filter(key=key).exists()


def test_tokens_expire_when_a_maximum_age_is_set(settings):
    UserFactory(username="fred")
    key = token(Client(), "fred", "pw").json()["token"]
    api = Client(HTTP_AUTHORIZATION=f"Token {key}")
    settings.API_TOKEN_MAX_AGE_HOURS = 1
    assert api.get("/api/projects/").status_code == 200
    Token.objects.filter(key=key).update(
        created=Token.objects.get().created - dt.timedelta(hours=2)
    )
    response = api.get("/api/projects/")
    assert response.status_code in (401, 403) and "expired" in response.json()["detail"]
