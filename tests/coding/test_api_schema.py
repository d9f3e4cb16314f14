"""The OpenAPI schema is valid and declares the answers the API gives."""

from __future__ import annotations

from io import StringIO

import pytest
import yaml
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from sources.models import Origin
from tests.factories import SourceFactory


@pytest.fixture(scope="module")
def schema(tmp_path_factory) -> dict:
    path = tmp_path_factory.mktemp("schema") / "schema.yaml"
    # raises (SystemExit / CommandError) on any error or warning
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(path), stdout=StringIO()
    )
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def responses(schema: dict, path: str, method: str) -> set[str]:
    return set(schema["paths"][path][method]["responses"])


def test_schema_validates_without_warnings(schema):
    assert schema["openapi"].startswith("3.")
    assert "/api/auth/token/" in schema["paths"] and len(schema["paths"]) >= 18


def test_url_fields_that_may_be_empty_are_plain_strings(schema):
    components = schema["components"]["schemas"]
    for name in ("Source", "SourceSummary"):
        for field in ("url", "canonical_url"):
            assert components[name]["properties"][field]["type"] == "string"
            assert "format" not in components[name]["properties"][field], (name, field)


@pytest.mark.django_db
def test_a_source_without_url_answers_an_empty_string(project, pi):
    source = SourceFactory(project=project, origin=Origin.PASTE, url="", canonical_url="")
    api = APIClient()
    api.force_authenticate(pi)
    data = api.get(f"/api/projects/{project.slug}/sources/{source.pk}/").json()
    assert data["url"] == "" and data["canonical_url"] == ""


def test_uploads_are_binary_in_the_request_body(schema):
    body = schema["components"]["schemas"]["IngestJobCreateRequest"]
    assert body["properties"]["files"]["items"]["format"] == "binary"


def test_error_answers_are_declared(schema):
    detail = "/api/projects/{project_slug}/sources/{id}/"
    assert {"200", "403", "404"} <= responses(schema, detail, "get")
    assert "400" not in responses(schema, detail, "get")  # no body, no query parameters
    listing = "/api/projects/{project_slug}/sources/"
    assert {"200", "400", "403", "404"} <= responses(schema, listing, "get")
    create = "/api/projects/{project_slug}/ingest-jobs/"
    assert {"201", "400", "403", "404", "413"} <= responses(schema, create, "post")
    coding = "/api/projects/{project_slug}/codings/{id}/"
    assert {"200", "400", "404", "409", "413"} <= responses(schema, coding, "patch")
    # the token endpoint: anonymous (no 403), locked out after repeated failures (429)
    assert responses(schema, "/api/auth/token/", "post") == {"200", "400", "413", "429"}
    error = schema["paths"][detail]["get"]["responses"]["404"]["content"]["application/json"]
    assert error["schema"] == {"$ref": "#/components/schemas/ErrorDetail"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/api/projects/not%20a%20slug/sources/", "/api/nothing-here/", "/api/codebooks/x/"]
)
@pytest.mark.parametrize("debug", [False, True])  # `make run` serves with DEBUG on
def test_unroutable_api_urls_answer_json(client, pi, settings, path, debug):
    settings.DEBUG = debug
    client.force_login(pi)
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_unroutable_api_urls_answer_json_whatever_the_method(pi, method):
    client = Client(enforce_csrf_checks=True)
    client.force_login(pi)
    response = getattr(client, method)("/api/nothing-here/", {}, content_type="application/json")
    assert response.status_code == 404 and response.json() == {"detail": "Not found."}


@pytest.mark.django_db
def test_an_api_url_without_its_slash_is_still_redirected(client, pi):
    client.force_login(pi)
    response = client.get("/api/projects")
    assert response.status_code == 301 and response["Location"] == "/api/projects/"


@pytest.mark.django_db
def test_other_unroutable_urls_keep_the_html_page(client):
    response = client.get("/nothing-here/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


def test_a_bad_host_on_the_api_is_a_json_400(client):
    response = client.get("/api/projects/", HTTP_HOST="evil.example")
    assert response.status_code == 400 and response.json() == {"detail": "Bad request."}
