"""The admin: staff only, and every model's list, search and change pages render."""

import pytest
from django.contrib import admin
from django.urls import reverse

from coding.models import CodingChange, EventSequence
from tests.factories import (
    AssignmentFactory,
    CodingChangeFactory,
    UserFactory,
    WorkerHeartbeatFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def one_of_each(db):
    change = CodingChangeFactory()  # also a coding, source, project, codebook, users
    AssignmentFactory(source=change.coding.source)
    WorkerHeartbeatFactory()


def test_admin_is_for_staff_only(client, coder):
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
    client.force_login(coder)
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_every_model_list_search_and_change_page_renders(client, staff, one_of_each):
    client.force_login(staff)
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert client.get(changelist).status_code == 200, changelist
        if model_admin.search_fields:
            assert client.get(changelist, {"q": "Россия 中国"}).status_code == 200, changelist
        obj = model.objects.first()
        if obj is not None:
            change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
            assert client.get(change).status_code == 200, change


def test_every_add_page_takes_odd_initial_values_or_is_not_offered(client, staff):
    """An add page gets its initial values from the URL (?coder=x): never a 500. Rows only the
    application writes (a coding's history, an event sequence) have no add page."""
    client.force_login(staff)
    for model in (CodingChange, EventSequence):
        add = reverse(f"admin:coding_{model._meta.model_name}_add")
        assert client.get(add).status_code == 403, add
        assert client.post(add, {}).status_code == 403, add
    for model in admin.site._registry:
        meta = model._meta
        add = reverse(f"admin:{meta.app_label}_{meta.model_name}_add")
        fields = [f.name for f in meta.fields if f.is_relation]
        for value in ("x", "²", "9" * 30):
            response = client.get(add, {name: value for name in fields})
            assert response.status_code in (200, 403), (add, value)  # 403: no add page
