"""What the log says about refused requests and server errors."""

import logging
import sys

import pytest

from coding.models import Role
from tests.factories import MembershipFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_refused_request_is_one_line_without_a_traceback(client, caplog):
    project = ProjectFactory()
    coder = UserFactory()
    MembershipFactory(project=project, user=coder, role=Role.CODER)
    client.force_login(coder)  # the review is the PI's: PermissionDenied
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(f"/projects/{project.slug}/review/")
    assert response.status_code == 403
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage().endswith(f"/projects/{project.slug}/review/")
    assert record.exc_info is None and "Traceback" not in caplog.text


def test_a_server_error_keeps_its_traceback():
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        exc_info = sys.exc_info()
    message = "Internal Server Error: %s"
    record = logging.LogRecord(
        "django.request", logging.ERROR, __file__, 1, message, ("/x/",), exc_info
    )
    record.status_code = 500
    assert logging.getLogger("django.request").filter(record)  # the configured filters
    assert record.exc_info is exc_info
