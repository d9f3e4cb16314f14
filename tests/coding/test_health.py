"""/health/ names what is down; the API and pages answer 503 while the database is down."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from coding.health import record_heartbeat
from coding.models import WorkerHeartbeat


@pytest.mark.django_db
def test_health_is_ok_with_a_fresh_heartbeat(client):
    record_heartbeat()
    response = client.get(reverse("health"))
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok" and body["down"] == []
    assert (body["database"], body["broker"], body["worker_seen_recently"]) == ("ok", "ok", True)


@pytest.mark.django_db
def test_beat_heartbeats_update_one_row_per_host():
    first = record_heartbeat()
    WorkerHeartbeat.objects.filter(pk=first.pk).update(at=timezone.now() - dt.timedelta(hours=1))
    second = record_heartbeat()
    assert first.pk == second.pk and WorkerHeartbeat.objects.count() == 1
    assert second.at > timezone.now() - dt.timedelta(minutes=1)


@pytest.mark.django_db
def test_health_is_503_naming_the_worker_when_no_heartbeat_is_recent(client):
    beat = record_heartbeat()
    WorkerHeartbeat.objects.filter(pk=beat.pk).update(at=timezone.now() - dt.timedelta(hours=1))
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json()["down"] == ["worker"]
    assert response["Retry-After"]


@pytest.mark.django_db
def test_health_names_the_broker_when_it_is_unreachable(client, settings):
    record_heartbeat()
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json()["down"] == ["broker"]
    assert response.json()["broker"].startswith("down: ")


def _database_down(*args, **kwargs):
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


@pytest.mark.django_db
def test_api_answers_json_503_with_retry_after_while_the_database_is_down(
    client, pi, project, monkeypatch
):
    from coding.api import views as api_views

    client.force_login(pi)
    monkeypatch.setattr(api_views.ProjectViewSet, "list", _database_down)
    response = client.get("/api/projects/")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "10"
    assert response.json()["down"] == ["database"]


@pytest.mark.django_db
def test_a_page_answers_503_html_while_the_database_is_down(client, pi, project, monkeypatch):
    from coding import views

    client.force_login(pi)
    monkeypatch.setattr(views.access, "project_for", _database_down)
    response = client.get(project.get_absolute_url())
    assert response.status_code == 503
    assert b"Back in a moment" in response.content
    assert response["Retry-After"] == "10"


def test_handler500_turns_a_database_error_in_a_middleware_into_503(rf):
    from config.unavailable import handler500

    try:
        _database_down()
    except OperationalError:
        response = handler500(rf.get("/api/projects/"))
    assert response.status_code == 503 and response["Retry-After"] == "10"
    try:
        raise ValueError("a bug")
    except ValueError:
        assert handler500(rf.get("/")).status_code == 500


def test_the_login_page_does_not_need_the_database(client, monkeypatch):
    """Without a session cookie, the login page reads nothing from the database."""
    from django.db.backends.base.base import BaseDatabaseWrapper

    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", _database_down)
    assert client.get(reverse("login")).status_code == 200


def test_health_names_the_database_when_it_is_unreachable(client, monkeypatch):
    from django.db.backends.base.base import BaseDatabaseWrapper

    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", _database_down)
    response = client.get(reverse("health"))
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "down: OperationalError"
    assert body["down"][0] == "database" and "broker" not in body["down"]
