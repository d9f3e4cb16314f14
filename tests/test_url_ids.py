"""Every URL with a database id (config.converters.IdConverter, and the API routers' lookups)
answers an id that no database column can hold, or no id at all, with a 4xx, never a 500."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from coding.models import Role
from tests.factories import MembershipFactory, PIUserFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def _routes(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def test_ids_too_large_for_any_database_are_not_a_server_error():
    project = ProjectFactory(slug="p")
    pi = PIUserFactory()
    MembershipFactory(project=project, user=pi, role=Role.PI)
    client = APIClient()
    client.force_authenticate(pi)
    routes = [r for r in _routes(get_resolver().url_patterns) if "<id:" in r]
    assert len(routes) >= 10
    for route in routes:
        url = "/" + re.sub(r"<id:[^>]+>", str(10**25), route)
        url = re.sub(r"<[^>]+>", "p", url)
        for method in (client.get, client.post):
            assert method(url).status_code < 500, url
        assert client.get(re.sub(r"1(0{25})", "9" * 18, url)).status_code < 500, url


@pytest.mark.parametrize("pk", ["null,null", "1.5", str(10**25), "-1"])
@pytest.mark.parametrize(
    "path", ["members/{pk}/", "ingest-jobs/{pk}/", "sources/{pk}/", "../../codebooks/{pk}/"]
)
def test_api_objects_by_a_malformed_or_oversized_id_are_404(path, pk):
    project = ProjectFactory(slug="p")
    pi = PIUserFactory()
    MembershipFactory(project=project, user=pi, role=Role.PI)
    client = APIClient()
    client.force_authenticate(pi)
    url = f"/api/projects/p/{path.format(pk=pk)}".replace("projects/p/../../", "")
    for method in (client.get, client.put, client.patch, client.delete):
        assert method(url, {}, format="json").status_code in (404, 405), (method, url)
