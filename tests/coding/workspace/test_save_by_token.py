"""A save sent with an API token: the token is checked by the save's own lookup query
(coding.api.authentication.SaveTokenAuthentication, lookups.load_for_save), with the rules and
answers of every other API request."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from coding.models import Coding
from tests.coding.workspace.test_api import TEXT, payload, url
from tests.factories import AssignmentFactory, ProjectFactory, SourceFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def source(project, coder):
    source = SourceFactory(project=project, text=TEXT)
    AssignmentFactory(source=source, coder=coder)
    return source


def _client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def _save(key, project, source, **data):
    return _client(key).post(url(project, source), payload(project, **data), format="json")


def test_a_save_by_token_is_stored_as_the_tokens_user(project, coder, source):
    key = Token.objects.create(user=coder).key
    with CaptureQueriesContext(connection) as queries:
        response = _save(key, project, source)
    assert response.status_code == 201, response.content
    assert response.json()["coder"] == coder.username
    assert Coding.objects.get().coder == coder
    token_table = Token._meta.db_table
    reading = [q["sql"] for q in queries.captured_queries if token_table in q["sql"]]
    assert len(reading) == 1 and "membership" in reading[0]  # checked within the lookup


@pytest.mark.parametrize("case", ["unknown", "inactive", "expired"])
def test_a_bad_token_saves_nothing_and_is_answered_as_elsewhere(
    case, project, coder, source, settings
):
    key = Token.objects.create(user=coder).key
    if case == "unknown":
        key = "0" * 40
    elif case == "inactive":
        coder.is_active = False
        coder.save()
    else:
        settings.API_TOKEN_MAX_AGE_HOURS = 1
        Token.objects.filter(key=key).update(created=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    response = _save(key, project, source)
    elsewhere = _client(key).get("/api/projects/")
    assert response.status_code == elsewhere.status_code == 403  # DRF: session is first
    assert response.json() == elsewhere.json()
    assert not Coding.objects.exists()


def test_a_bad_token_with_a_bad_body_learns_nothing_of_the_rules(project, coder, source):
    response = _client("0" * 40).post(url(project, source), {"start": "x"}, format="json")
    assert response.status_code == 403 and response.json() == {"detail": "Invalid token."}
    malformed = _client("0" * 40).post(
        url(project, source), "{not json", content_type="application/json"
    )
    assert malformed.status_code == 403


def test_a_good_token_with_a_bad_body_gets_the_rules(project, coder, source):
    key = Token.objects.create(user=coder).key
    response = _client(key).post(url(project, source), {"start": "x"}, format="json")
    assert response.status_code == 400 and "start" in response.json()


def test_a_token_of_another_project_finds_no_project(project, source):
    stranger = UserFactory()
    ProjectFactory()  # a project of their own would not help
    response = _save(Token.objects.create(user=stranger).key, project, source)
    assert response.status_code == 404 and not Coding.objects.exists()


def test_a_session_save_still_works_beside_tokens(project, coder, source, settings):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(coder)
    client.cookies[settings.CSRF_COOKIE_NAME] = secret = "a" * 32
    response = client.post(
        url(project, source), payload(project), format="json", HTTP_X_CSRFTOKEN=secret
    )
    refused = APIClient(enforce_csrf_checks=True)
    refused.force_login(coder)
    assert response.status_code == 201, response.content
    assert refused.post(url(project, source), payload(project), format="json").status_code == 403
