"""The Content-Security-Policy header is on every HTML page, strict for scripts and styles."""

import pytest

from tests.factories import PIUserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/admin/login/", "/api/docs/", "/projects/", "/queue/", "/nope/"]
)
def test_every_page_carries_the_policy(client, path):
    client.force_login(PIUserFactory())
    response = client.get(path)
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy + ";" and "unsafe-inline" not in policy
    assert "style-src 'self'" in policy and "frame-ancestors 'none'" in policy
    if response.status_code == 200 and "text/html" in response["Content-Type"]:
        html = response.content.decode()
        assert "<script>" not in html and " style=" not in html.replace("<style", "")
