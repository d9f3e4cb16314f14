"""The longest text a source may have (SOURCE_MAX_TEXT_CHARS): the same message through the
form, the API and the CLI (which goes through the worker's store_source, as fetched pages and
feeds do)."""

from io import StringIO

import pytest
from django.core.management import call_command

from coding.models import Role
from sources.models import IngestItem, Source
from sources.text import TextTooLong, check_text_length
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

MESSAGE = "The text has 120 characters; a source may have at most 100."


@pytest.fixture(autouse=True)
def small_limit(settings):
    settings.SOURCE_MAX_TEXT_CHARS = 100


def test_the_check_counts_characters_not_bytes():
    check_text_length("я" * 100)
    with pytest.raises(TextTooLong, match=MESSAGE):
        check_text_length("я" * 120)


def test_the_form_says_it(client, project, pi):
    client.force_login(pi)
    response = client.post(
        f"/projects/{project.slug}/sources/add/", {"paste_title": "T", "paste_text": "x" * 120}
    )
    assert response.status_code == 200  # the form again, with the error
    assert MESSAGE in response.content.decode()
    assert not Source.objects.exists()


def test_the_api_says_it(client, project, pi):
    client.force_login(pi)
    response = client.post(
        f"/api/projects/{project.slug}/ingest-jobs/",
        {"texts": [{"title": "T", "text": "x" * 120}]},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert MESSAGE in str(response.json())


def test_a_coder_allowed_to_ingest_meets_the_same_limit(client, project):
    coder = UserFactory(username="ingester")
    MembershipFactory(project=project, user=coder, role=Role.CODER, can_ingest=True)
    client.force_login(coder)
    response = client.post(
        f"/api/projects/{project.slug}/ingest-jobs/",
        {"texts": [{"title": "T", "text": "x" * 120}]},
        content_type="application/json",
    )
    assert response.status_code == 400 and MESSAGE in str(response.json())


def test_the_cli_says_it(project, tmp_path):
    path = tmp_path / "long.txt"
    path.write_text("Title\n\n" + "x" * 120, encoding="utf-8")
    out = StringIO()
    call_command("ingest", "--project", project.slug, str(path), stdout=out)
    assert "0 added, 0 duplicate, 1 failed, 0 held of 1." in out.getvalue()
    assert "a source may have at most 100." in out.getvalue()
    assert "a source may have at most 100." in IngestItem.objects.get().reason
    assert not Source.objects.exists()
