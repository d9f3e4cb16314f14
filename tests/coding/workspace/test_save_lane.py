"""The save lane (coding.workspace.api.save_lane): a warm save by API token answered past
Django's handler, exactly as Django answers it; everything else handed to Django unchanged.

The WSGI applications are called in process, as gunicorn calls them. `Django` records whether
Django's application was asked, so each test knows who answered.
"""

import json
import time
import uuid

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import OperationalError, close_old_connections, connection
from django.test import RequestFactory
from rest_framework.authtoken.models import Token

from coding.models import Coding, Membership
from coding.workspace import warm_saves
from coding.workspace.api import save_lane
from coding.workspace.api.save_lane import SaveLane
from config.wsgi import django_application
from tests.coding.workspace.test_api import payload, url
from tests.coding.workspace.test_warm_saves import QUOTES, TEXT
from tests.factories import AssignmentFactory, SourceFactory
from tests.test_database_backend import other_connection

pytestmark = pytest.mark.django_db
WARM = connection.vendor == "postgresql"  # where answers are kept (warm_saves)


@pytest.fixture(autouse=True)
def nothing_kept():
    warm_saves.clear()
    yield
    warm_saves.clear()


class Django:
    """A Django WSGI application (its middlewares built from the settings now), counting the
    requests it was handed."""

    def __init__(self):
        self.asked = 0
        self.app = WSGIHandler()

    def __call__(self, environ, start_response):
        self.asked += 1
        return self.app(environ, start_response)


def call(
    app, path, body, *, content_type="application/json", secure=False, as_server=False, **extra
):
    """Status, headers and body of `app`'s answer. As Django's test client does, connections
    are not closed by the request signals (the test's transaction holds them), unless
    `as_server` (a transactional test: the signals do what they do in a server)."""
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    request = RequestFactory().generic("POST", path, data, content_type, secure=secure, **extra)
    environ = request.environ  # the request wrote the decoded path into it; a server does not
    environ["PATH_INFO"] = request.path_info.encode().decode("iso-8859-1")
    answers = []
    if not as_server:
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
    try:
        chunks = app(environ, lambda status, headers: answers.append((status, headers)))
        content = b"".join(chunks)
        if hasattr(chunks, "close"):
            chunks.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    status, headers = answers[0]
    return int(status.split()[0]), dict(headers), content


def warmed_up(project, coder, *, secure=False):
    """A lane in front of Django, and a save by token through it, after the two saves that
    start the assignment and keep the lookup's answer."""
    source = SourceFactory(project=project, text=TEXT)
    AssignmentFactory(source=source, coder=coder)
    key = Token.objects.create(user=coder).key
    django = Django()
    lane = SaveLane(django)

    def save(quote=QUOTES[2], body=None, *, straight_to_django=False, **extra):
        extra.setdefault("HTTP_AUTHORIZATION", f"Token {key}")
        app = django if straight_to_django else lane
        return call(app, url(project, source), body or payload(project, TEXT, quote), **extra)

    for quote in QUOTES[:2]:
        assert save(quote, secure=secure)[0] == 201
    assert django.asked == 2
    return save, django, project, source


@pytest.fixture
def setup(project, coder):
    return warmed_up(project, coder)


def test_a_warm_save_is_answered_by_the_lane_as_django_answers_it(setup):
    save, django, _, _ = setup
    status, headers, content = save(QUOTES[2])
    assert status == 201
    assert django.asked == (2 if WARM else 3)
    reference = save(QUOTES[3], straight_to_django=True)
    assert reference[0] == 201
    skip = {"Content-Length"}
    assert {k: v for k, v in headers.items() if k not in skip} == {
        k: v for k, v in reference[1].items() if k not in skip
    }
    assert int(headers["Content-Length"]) == len(content)
    mine, theirs = json.loads(content), json.loads(reference[2])
    assert mine.keys() == theirs.keys() and mine["coder"] == theirs["coder"] == "coder-a"
    stored = Coding.objects.get(pk=mine["id"])
    assert (stored.quote, stored.start) == (QUOTES[2], TEXT.index(QUOTES[2]))
    assert mine["quote"] == QUOTES[2] and mine["start"] == TEXT.index(QUOTES[2])


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("session cookie", 201),  # DRF tries the session first: Django's to answer
        ("accept", 406),
        ("format query", 201),
        ("form body", 400),
        ("host", 400),
        ("nul character", 400),
        ("too big", 413),
        ("not json", 400),
        ("bad field", 400),
        ("malformed token header", 401),
        ("membership removed", 404),
    ],
)
def test_what_the_lane_cannot_answer_as_stored_django_answers(setup, settings, case, expected):
    save, django, project, _ = setup
    body, extra = payload(project, TEXT, QUOTES[2]), {}
    if case == "session cookie":
        extra["HTTP_COOKIE"] = f"{settings.SESSION_COOKIE_NAME}=none"
    elif case == "accept":
        extra["HTTP_ACCEPT"] = "image/png"
    elif case == "format query":
        extra["QUERY_STRING"] = "format=json"
    elif case == "form body":
        extra["content_type"] = "application/x-www-form-urlencoded"
        body = "start=1"
    elif case == "host":
        extra["HTTP_HOST"] = "evil.example"
    elif case == "nul character":
        body["note"] = "a\u0000b"
    elif case == "too big":
        settings.REQUEST_MAX_BODY_BYTES = 100
    elif case == "not json":
        body = "{not json"
    elif case == "bad field":
        body["start"] = "x"
    elif case == "malformed token header":
        extra["HTTP_AUTHORIZATION"] = "Token two parts"
    else:
        Membership.objects.filter(project=project).delete()
    before = Coding.objects.count()
    status, _, content = save(body=body, **extra)
    assert status in (expected, 403 if expected == 401 else expected), content
    assert django.asked == 3
    stored = Coding.objects.count() - before
    assert stored == (1 if expected == 201 else 0)


@pytest.mark.parametrize("where", ["slug", "source"])
def test_a_path_outside_latin_1_reaches_django_as_it_came(setup, where):
    """A request the lane looked at is handed on with its environ as the server gave it: a
    WSGIRequest writes the decoded path into its environ, which Django would decode again."""
    _, django, project, source = setup
    path = url(project, source).replace(
        project.slug if where == "slug" else f"/{source.pk}/",
        "ایران" if where == "slug" else "/中/",
    )  # RequestFactory passes it UTF-8 encoded, read as latin-1, as a WSGI server does
    body = payload(project, TEXT, QUOTES[2])
    status, _, _ = call(SaveLane(django), path, body, HTTP_AUTHORIZATION="Token x")
    assert status == 404 and django.asked == 3


def test_a_plain_http_save_is_redirected_by_django_when_https_is_required(settings, project, coder):
    settings.SECURE_SSL_REDIRECT = True  # before the middlewares are built
    save, django, _, _ = warmed_up(project, coder, secure=True)
    assert save(QUOTES[2], secure=True)[0] == 201
    status, headers, _ = save(QUOTES[3])
    assert status == 301 and headers["Location"].startswith("https://")
    assert django.asked == (2 if WARM else 3) + 1 and Coding.objects.count() == 3


@pytest.mark.skipif(not WARM, reason="only PostgreSQL keeps answers for the lane")
def test_the_database_down_during_a_lane_save_is_a_503(setup, monkeypatch):
    save, django, _, _ = setup

    def down(*args):
        raise OperationalError("connection refused")

    monkeypatch.setattr(warm_saves, "insert_if_lookup_unchanged", down)
    status, headers, content = save(QUOTES[2], body=None)
    assert status == 503 and headers["Retry-After"] == "10"
    assert json.loads(content)["down"] == ["database"]
    assert django.asked == 2 and Coding.objects.count() == 2


@pytest.mark.skipif(not WARM, reason="only PostgreSQL keeps answers for the lane")
def test_a_lane_answer_sends_the_request_signals_once_each(setup):
    save, django, _, _ = setup
    sent = []

    def started(**kwargs):
        sent.append("started")

    def finished(**kwargs):
        sent.append("finished")

    request_started.connect(started)
    request_finished.connect(finished)
    try:
        assert save(QUOTES[2])[0] == 201
    finally:
        request_started.disconnect(started)
        request_finished.disconnect(finished)
    assert sent == ["started", "finished"] and django.asked == 2


@pytest.mark.skipif(not WARM, reason="only PostgreSQL keeps answers for the lane")
@pytest.mark.django_db(transaction=True)
def test_a_lane_save_after_the_database_dropped_the_connection_is_stored_once(project, coder):
    """The database restarted (here: the connection's backend terminated) between two saves:
    the lane's request_started checks the kept connection, as Django's handler does, and the
    save goes through on a new one."""
    save, django, _, _ = warmed_up(project, coder)
    body = payload(project, TEXT, QUOTES[2])
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    with other_connection() as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
        for _ in range(100):  # until the backend is gone
            if not other.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone():
                break
            time.sleep(0.02)
    status, _, content = save(body=body, as_server=True)
    assert status == 201, content
    assert django.asked == 2 and Coding.objects.count() == 3


def test_a_retried_lane_save_answers_the_stored_coding(setup):
    save, _, project, _ = setup
    body = payload(project, TEXT, QUOTES[2], client_id=str(uuid.uuid4()))
    first, again = save(body=body), save(body=body)
    assert (first[0], again[0]) == (201, 200)
    assert json.loads(first[2]) == json.loads(again[2])


def test_the_lane_stands_in_only_for_the_middlewares_it_knows(settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.some.AuditMiddleware"]
    assert save_lane.wrap(django_application) is django_application
    settings.MIDDLEWARE = save_lane.KNOWN_MIDDLEWARE
    assert isinstance(save_lane.wrap(django_application), SaveLane) == WARM
