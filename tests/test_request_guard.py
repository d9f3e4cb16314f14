"""Limits and characters every request meets before a view reads it (config/request_guard.py):
bodies over the maximum (JSON included) are a 413 unread, NUL and lone surrogates a 400, deep
JSON a 400, through the real middleware stack, per role."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from coding.models import Coding, Role
from tests.factories import (
    AssignmentFactory,
    MembershipFactory,
    PIUserFactory,
    ProjectFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


class ExplodingStream:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def test_an_oversized_json_body_is_refused_unread_even_anonymously(settings):
    settings.REQUEST_MAX_BODY_BYTES = 1000
    client = Client(raise_request_exception=False)
    response = client.generic(
        "POST", "/api/auth/token/", b"", content_type="application/json",
        CONTENT_LENGTH="300000000", **{"wsgi.input": ExplodingStream()},
    )  # fmt: skip
    assert response.status_code == 413
    assert response.json() == {
        "detail": "The request body is 300,000,000 bytes; the maximum is 1,000 bytes."
    }


def test_the_limit_applies_to_the_api_and_to_forms(settings, client):
    settings.REQUEST_MAX_BODY_BYTES = 1000
    settings.REQUEST_MAX_UPLOAD_BYTES = 1500  # the add-sources form is multipart
    project = ProjectFactory(slug="p")
    pi = PIUserFactory()
    MembershipFactory(project=project, user=pi, role=Role.PI)
    client.force_login(pi)
    big = json.dumps({"texts": [{"title": "t", "text": "x" * 2000}]})
    response = client.post("/api/projects/p/ingest-jobs/", big, content_type="application/json")
    assert response.status_code == 413 and "maximum is 1,000 bytes" in response.json()["detail"]
    response = client.post("/projects/p/sources/add/", {"paste_text": "x" * 2000})
    assert response.status_code == 413
    assert b"maximum is 1,500 bytes" in response.content
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_a_body_under_the_limit_passes(client):
    response = client.post(
        "/api/auth/token/", {"username": "nobody", "password": "x"}, content_type="application/json"
    )
    assert response.status_code == 400  # wrong credentials: DRF answered


NESTED = "[" * 3000 + "]" * 3000


@pytest.fixture
def coder_setup():
    project = ProjectFactory(slug="p")
    coder = UserFactory(username="c")
    MembershipFactory(project=project, user=coder, role=Role.CODER)
    source = SourceFactory(project=project)
    AssignmentFactory(source=source, coder=coder)
    return project, coder, source


@pytest.mark.parametrize("depth", [3000, 100])
def test_deeply_nested_json_is_a_400(client, coder_setup, depth):
    project, coder, source = coder_setup
    body = "[" * depth + "]" * depth
    anonymous = Client().post("/api/auth/token/", body, content_type="application/json")
    assert anonymous.status_code == 400 and "nested too deeply" in anonymous.json()["detail"]
    client.force_login(coder)
    url = reverse("api-source-codings", args=[project.slug, source.pk])
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 400 and "nested too deeply" in response.json()["detail"]
    deep_field = json.dumps({"note": json.loads("[" * 70 + "]" * 70)})
    response = client.post(url, deep_field, content_type="application/json")
    assert response.status_code == 400


def test_nul_in_a_coding_note_is_a_clear_400(client, coder_setup):
    project, coder, source = coder_setup
    client.force_login(coder)
    url = reverse("api-source-codings", args=[project.slug, source.pk])
    for body in ('{"note": "a\\u0000b"}', '{"forum": "\\ud800"}', '{"a\\u0000": 1}'):
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 400, body
        assert "cannot be stored" in response.json()["detail"]
    assert not Coding.objects.exists()


def test_a_valid_surrogate_pair_is_an_emoji_and_passes(client, coder_setup):
    project, coder, source = coder_setup
    client.force_login(coder)
    url = reverse("api-source-codings", args=[project.slug, source.pk])
    response = client.post(url, '{"note": "\\ud83d\\ude80"}', content_type="application/json")
    assert response.status_code == 400  # the coding is incomplete, but the guard let it through
    assert "detail" not in response.json() or "cannot be stored" not in response.json()["detail"]


def test_nul_in_filters_and_forms_is_a_clear_400(client):
    project = ProjectFactory(slug="p")
    pi = PIUserFactory()
    MembershipFactory(project=project, user=pi, role=Role.PI)
    client.force_login(pi)
    response = client.get("/projects/p/sources/?coder=%00")
    assert response.status_code == 400 and b"cannot be stored" in response.content
    response = client.get("/api/projects/p/sources/?q=a%00", HTTP_ACCEPT="application/json")
    assert response.status_code == 400 and "cannot be stored" in response.json()["detail"]
    response = client.post("/projects/p/members/add/", {"username": "x\x00y", "role": "coder"})
    assert response.status_code == 400 and b"cannot be stored" in response.content
    response = client.post("/projects/new/", {"name": "a\x00", "slug": "q"})
    assert response.status_code == 400


def test_the_view_reads_the_json_the_guard_read(client, coder_setup, monkeypatch):
    """One reading of a body: DRF's parser answers with the guard's (CheckedJSONParser), and
    what the guard cannot read as DRF would is left to DRF's parser, which answers 400."""
    from config import request_guard

    project, coder, source = coder_setup
    client.force_login(coder)
    url = reverse("api-source-codings", args=[project.slug, source.pk])
    reads = []
    real_loads = json.loads
    monkeypatch.setattr(
        request_guard.json, "loads", lambda *a, **k: reads.append(a[0]) or real_loads(*a, **k)
    )
    response = client.post(url, '{"start": "x"}', content_type="application/json")
    # the guard's reading, and no second one by DRF's parser
    assert [r for r in reads if "start" in str(r)] == ['{"start": "x"}']
    assert response.status_code == 400 and "start" in response.json()
    for body in ('{"start": NaN}', "{not json", '{"note": "\xe9"}'.encode("latin-1")):
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 400 and "JSON parse error" in response.json()["detail"]
    latin = client.post(
        url,
        '{"note": "caf\xe9"}',
        content_type="application/json; charset=latin-1",
    )
    assert latin.status_code == 400 and "start" in latin.json()  # read, then judged by its rules
    unknown = client.generic("POST", url, b"{}", "application/json; charset=x-nonsense")
    assert unknown.status_code == 400 and "start" in unknown.json()  # Django reads it as UTF-8
    body = '{"note": "a\\u0000b"}'.encode("utf-16")
    nul = client.generic("POST", url, body, "application/json; charset=utf-16")
    assert nul.status_code == 400 and "cannot be stored" in nul.json()["detail"]
    assert not Coding.objects.exists()
