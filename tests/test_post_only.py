"""A POST-only address opened by GET (a login's `next` after the session ran out while a form
was open, a bookmark) answers 405 with a page saying what it is, not an empty page."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_post_only_address_answers_a_get_with_a_page(client_for, project, pi):
    client = client_for(pi)
    for url in (
        reverse("source-assign", args=[project.slug]),
        f"/projects/{project.slug}/members/add/",
    ):
        response = client.get(url)
        assert response.status_code == 405, url
        assert response["Allow"] == "POST"
        page = response.content.decode()
        assert "This address is not a page" in page and 'href="/">Your projects</a>' in page


def test_the_anonymous_are_still_sent_to_log_in_first(client, project):
    url = reverse("source-assign", args=[project.slug])
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
