"""The site's frame (issue 18): a 403 page with the layout and navigation, a favicon, one
breadcrumb separator, slugs suggested from a project's name, no inline scripts."""

import re
from pathlib import Path

from django.urls import reverse

from tests.factories import MembershipFactory, ProjectFactory, UserFactory

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"


def test_a_403_has_the_sites_layout_and_navigation(client, db):
    project = ProjectFactory(slug="ties")
    coder = UserFactory(username="coder1")
    MembershipFactory(project=project, user=coder, role="coder")
    client.force_login(coder)
    response = client.get(reverse("review-queue", args=["ties"]))
    assert response.status_code == 403
    html = response.content.decode()
    assert 'class="topbar"' in html and 'href="/projects/"' in html
    assert "Only the project&#x27;s PIs may do this." in html
    assert 'rel="icon"' in html


def test_favicon_is_served_from_static(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")


def test_breadcrumbs_use_one_separator_everywhere():
    for path in TEMPLATES.rglob("*.html"):
        for line in path.read_text().splitlines():
            if 'class="crumbs"' in line:
                assert "</a> /" not in line, path


def test_templates_have_no_inline_scripts_or_handlers():
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert "src=" in tag or "application/json" in tag, (path, tag)
        assert not re.search(r"\son[a-z]+=\"", text), path
