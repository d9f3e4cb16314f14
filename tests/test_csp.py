"""The Content-Security-Policy header is on every HTML page, strict for scripts and styles."""

import pytest

from tests.factories import PIUserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/login/", "/admin/login/", "/api/docs/", "/api/", "/api/projects/", "/projects/",
        "/queue/", "/nope/",
    ],
)  # fmt: skip
def test_every_page_carries_the_policy(client, path):
    """Nothing on a page needs what the policy refuses: no inline script, no <style> element
    (the browsable API's and Swagger UI's are left out), no style attribute."""
    client.force_login(PIUserFactory())
    response = client.get(path, HTTP_ACCEPT="text/html")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy + ";" and "unsafe-inline" not in policy
    assert "style-src 'self'" in policy and "frame-ancestors 'none'" in policy
    if response.status_code == 200:
        assert response["Content-Type"].startswith("text/html")
        html = response.content.decode()
        assert "<script>" not in html and "<style" not in html and " style=" not in html


def test_the_policy_built_once_is_django_csps_and_customised_responses_keep_theirs(rf, settings):
    """config.csp keeps the headers it built: they must be django-csp's own, follow a changed
    setting, and leave a response that customises its policy to django-csp."""
    from csp.constants import SELF
    from csp.decorators import csp_update
    from csp.middleware import CSPMiddleware as Original
    from django.http import HttpResponse

    from config.csp import CSPMiddleware

    def plain(request):
        return HttpResponse("ok")

    @csp_update({"img-src": ["https://maps.example.org"]})
    def customised(request):
        return HttpResponse("ok")

    ours, theirs = CSPMiddleware(plain), Original(plain)
    for _ in range(2):  # built, then kept
        assert (
            ours(rf.get("/")).headers["Content-Security-Policy"]
            == theirs(rf.get("/")).headers["Content-Security-Policy"]
        )
    special = CSPMiddleware(customised)(rf.get("/")).headers["Content-Security-Policy"]
    assert "https://maps.example.org" in special
    assert "https://maps.example.org" not in ours(rf.get("/")).headers["Content-Security-Policy"]
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": [SELF]}}
    assert ours(rf.get("/")).headers["Content-Security-Policy"] == "default-src 'self'"
