"""The admin pages of ingestion jobs and items render for staff."""

import pytest
from django.urls import reverse

from tests.factories import IngestItemFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_job_and_item_admin_pages_render(client):
    item = IngestItemFactory(status="failed", reason="timed out")
    client.force_login(UserFactory(username="staff", is_staff=True, is_superuser=True))
    for name, pk in [("ingestjob", item.job.pk), ("ingestitem", item.pk)]:
        changelist = reverse(f"admin:sources_{name}_changelist")
        assert client.get(changelist, {"q": "timed"}).status_code == 200
        change = reverse(f"admin:sources_{name}_change", args=[pk])
        assert "timed out" in client.get(change).content.decode()
