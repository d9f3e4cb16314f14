"""A save in one round trip (coding.workspace.warm_saves): with an answer kept from earlier
saves, every check a save makes still holds, because the statement that inserts asks the
lookup again and stores nothing when its answer changed.

Each test first saves twice (the first save starts the assignment; the second keeps the
lookup's answer), changes one thing the save is checked on, then saves again: the answer must
be the one a fresh lookup gives. On PostgreSQL the warm save is one statement; elsewhere (no
INSERT in a CTE) every save takes a fresh lookup, and the answers must be the same.
"""

import datetime as dt
import threading
import uuid

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from coding.models import Activity, Assignment, Coding, CodingChange, Membership, Role
from coding.models.assignments import AssignmentStatus
from coding.workspace import source_texts, warm_saves
from coding.workspace.codings import create_coding
from coding.workspace.lookups import SaveLookup, SaveTarget
from coding.workspace.validation import CodebookProbe
from tests.coding.workspace.test_api import ids, payload, url
from tests.factories import AssignmentFactory, MembershipFactory, SourceFactory, UserFactory

pytestmark = pytest.mark.django_db

# CJK, Persian (right to left, with a zero-width non-joiner), Cyrillic, emoji with a skin tone,
# and a combining accent with no precomposed form (so NFC keeps it two code points): offsets
# are code points on both paths
TEXT = (
    "Intro 🙂🏽 text.\n\n中俄 held a joint patrol, said ایران\u200cو and Россия.\n\n"
    "Iraq\u0301i talks with North Korea followed. 中朝 drills resumed."
)
QUOTES = ["中俄 held a joint patrol", "ایران\u200cو and Россия", "Iraq\u0301i talks", "中朝 drills"]
ONE_STATEMENT = connection.vendor == "postgresql"


@pytest.fixture(autouse=True)
def nothing_kept():
    warm_saves.clear()
    yield
    warm_saves.clear()


@pytest.fixture
def source(project, coder):
    source = SourceFactory(project=project, text=TEXT)
    AssignmentFactory(source=source, coder=coder)
    return source


class Saver:
    """Saves as one user, by session (force_authenticate) or by API token."""

    def __init__(self, user, project, source, *, token: bool = False):
        self.api, self.project, self.source = APIClient(), project, source
        if token:
            self.key = Token.objects.create(user=user).key
            self.api.credentials(HTTP_AUTHORIZATION=f"Token {self.key}")
        else:
            self.api.force_authenticate(user)

    def body(self, quote: str = QUOTES[0], text: str = TEXT, **data) -> dict:
        return payload(self.project, text=text, quote=quote, **data)

    def save(self, quote: str = QUOTES[0], text: str = TEXT, **data):
        return self.post(self.body(quote, text, **data))

    def post(self, body: dict):
        return self.api.post(url(self.project, self.source), body, format="json")

    def warm_up(self) -> None:
        for quote in QUOTES[:2]:
            assert self.save(quote).status_code == 201

    def save_counted(self, quote: str = QUOTES[2], *, body: dict | None = None, **data):
        """The answer, and the statements sent (without the savepoints of the test's own
        transaction, which a server in autocommit mode does not send)."""
        body = body or self.body(quote, **data)
        with CaptureQueriesContext(connection) as queries:
            response = self.post(body)
        sql = [q["sql"] for q in queries.captured_queries]
        return response, [q for q in sql if not q.startswith(("SAVEPOINT", "RELEASE"))]


@pytest.fixture(params=["session", "token"])
def saver(request, coder, project, source):
    return Saver(coder, project, source, token=request.param == "token")


def test_a_warm_save_is_one_statement_and_stores_what_a_fresh_save_stores(saver, coder, source):
    saver.warm_up()
    response, sql = saver.save_counted(QUOTES[2], client_id=str(uuid.uuid4()))
    assert response.status_code == 201, response.json()
    if ONE_STATEMENT:
        assert len(sql) == 1 and "membership" in sql[0] and "INSERT" in sql[0]
    warm = Coding.objects.get(pk=response.json()["id"])
    warm_saves.clear()
    source_texts.clear()
    cold = Coding.objects.get(pk=saver.save(QUOTES[2]).json()["id"])
    fields = [f.attname for f in Coding._meta.concrete_fields]
    differ = {"id", "client_id", "created_at", "updated_at"}
    assert warm.coder_id == coder.pk and warm.client_id is not None
    assert {f: getattr(warm, f) for f in fields if f not in differ} == {
        f: getattr(cold, f) for f in fields if f not in differ
    }
    assert warm.quote == QUOTES[2] and warm.start == TEXT.index(QUOTES[2])
    assert warm.prefix == TEXT[warm.start - 32 : warm.start]
    change = CodingChange.objects.get(coding_pk=warm.pk)
    assert (change.action, change.version, change.user_id) == ("create", 1, coder.pk)
    assert change.client_id == warm.client_id and change.after["quote"] == warm.quote
    assert response.json()["coder"] == coder.username


def test_membership_removed_since_is_a_404(saver, coder, project):
    saver.warm_up()
    Membership.objects.filter(project=project, user=coder).delete()
    response, _ = saver.save_counted()
    assert response.status_code == 404
    assert Coding.objects.count() == 2


def test_assignment_marked_done_since_is_a_409(saver, coder, source):
    saver.warm_up()
    Assignment.objects.filter(source=source, coder=coder).update(status=AssignmentStatus.DONE)
    response, _ = saver.save_counted()
    assert response.status_code == 409 and response.json()["code"] == "assignment_done"
    assert Coding.objects.count() == 2


def test_assignment_removed_since_is_a_404(saver, coder, source):
    saver.warm_up()
    Assignment.objects.filter(source=source, coder=coder).delete()
    assert saver.save_counted()[0].status_code == 404
    assert Coding.objects.count() == 2


def test_a_pi_who_became_a_coder_without_assignment_is_refused(pi, project, source):
    pi_saver = Saver(pi, project, source)
    for quote in QUOTES[:2]:  # a PI codes without an assignment
        assert pi_saver.save(quote).status_code == 201
    Membership.objects.filter(project=project, user=pi).update(role=Role.CODER)
    assert pi_saver.save_counted()[0].status_code == 404
    assert Coding.objects.count() == 2


@pytest.mark.parametrize("change", ["disabled", "moved", "confidence"])
def test_a_codebook_change_since_is_a_400(saver, project, change):
    saver.warm_up()
    activity = ids(project)["exercises"]
    body = saver.body(QUOTES[2])  # the codes as the coder chose them, before the change
    if change == "disabled":
        Activity.objects.filter(pk=activity.pk).update(enabled=False)
    elif change == "moved":
        other = Activity.objects.exclude(area_id=activity.area_id).first()
        Activity.objects.filter(pk=activity.pk).update(area_id=other.area_id)
    else:
        project.codebook.confidence_levels.filter(value=3).delete()
    response, _ = saver.save_counted(body=body)
    assert response.status_code == 400
    field = "confidence" if change == "confidence" else "activity"
    assert field in response.json()
    assert Coding.objects.count() == 2


def test_a_text_changed_since_is_checked_against_the_new_text(pi, project, source):
    """A text can change until its source is first coded: a PI's refused save keeps the
    lookup's answer (a PI needs no assignment), then the text changes."""
    pi_saver = Saver(pi, project, source)
    assert pi_saver.save("not in the text").status_code == 400
    source.text = TEXT.replace("Iraq\u0301i", "Iraqi")
    source.save()
    response, _ = pi_saver.save_counted(QUOTES[2])
    assert response.status_code == 400 and "quote" in response.json()
    assert not Coding.objects.exists()
    assert pi_saver.save("Iraqi talks", text=source.text).status_code == 201


@pytest.mark.parametrize("case", ["deleted", "inactive"])
def test_a_token_revoked_since_saves_nothing(coder, project, source, case):
    saver = Saver(coder, project, source, token=True)
    saver.warm_up()
    if case == "deleted":
        Token.objects.filter(key=saver.key).delete()
    else:
        type(coder).objects.filter(pk=coder.pk).update(is_active=False)
    response, _ = saver.save_counted()
    assert response.status_code in (401, 403)
    expected = "Invalid token." if case == "deleted" else "User inactive or deleted."
    assert response.json()["detail"] == expected
    assert Coding.objects.count() == 2


def test_a_token_that_expired_since_saves_nothing(coder, project, source, settings):
    """The kept answer is the same row as a fresh one (nothing in the database changed): only
    the clock moved past the token's age limit, and the warm save checks it too."""
    saver = Saver(coder, project, source, token=True)
    Token.objects.filter(key=saver.key).update(created=timezone.now() - dt.timedelta(hours=2))
    saver.warm_up()
    settings.API_TOKEN_MAX_AGE_HOURS = 1
    response, _ = saver.save_counted()
    assert response.status_code in (401, 403) and "expired" in response.json()["detail"]
    assert Coding.objects.count() == 2


def test_a_retried_save_answers_the_stored_coding_and_stores_nothing(saver):
    saver.warm_up()
    key = str(uuid.uuid4())
    first, _ = saver.save_counted(QUOTES[2], client_id=key)
    again, _ = saver.save_counted(QUOTES[2], client_id=key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert Coding.objects.count() == 3 and CodingChange.objects.count() == 3


def test_a_retry_after_the_coding_was_deleted_is_a_410(saver):
    saver.warm_up()
    key = str(uuid.uuid4())
    first = saver.save(QUOTES[2], client_id=key).json()
    version = first["version"]
    deleted = saver.api.delete(
        f"/api/projects/{saver.project.slug}/codings/{first['id']}/?version={version}"
    )
    assert deleted.status_code == 204
    again, _ = saver.save_counted(QUOTES[2], client_id=key)
    assert again.status_code == 410 and again.json()["id"] == first["id"]
    assert Coding.objects.count() == 2


def test_another_coder_does_not_use_a_kept_answer(coder, project, source):
    Saver(coder, project, source).warm_up()
    stranger = UserFactory(username="coder-c")
    MembershipFactory(project=project, user=stranger, role=Role.CODER)  # not assigned
    response, _ = Saver(stranger, project, source).save_counted()
    assert response.status_code == 404
    assert Coding.objects.filter(coder=stranger).count() == 0


def test_invalid_codes_are_answered_from_a_fresh_lookup(saver, project):
    saver.warm_up()
    response, sql = saver.save_counted(side_b=ids(project)["chn"])  # A and B the same
    assert response.status_code == 400 and "side_b" in response.json()
    if ONE_STATEMENT:  # refused on a fresh lookup, never on the kept answer alone
        assert not any("INSERT" in s for s in sql) and any("membership" in s for s in sql)


def test_the_kept_answers_are_bounded(monkeypatch, coder, project, source):
    monkeypatch.setattr(warm_saves, "MAX_KEPT", 2)
    probes = [CodebookProbe(activity, 3, (1, 2)) for activity in (1, 2, 3)]
    answer = SaveTarget(
        codebook_id=1, is_pi=False, pk=source.pk, text=None, answer=((), "row"),
        my_status=AssignmentStatus.IN_PROGRESS, stored_under_client_id=None,
        deleted_under_client_id=None,
    )  # fmt: skip
    for probe in probes:
        lookup = SaveLookup(project.slug, source.pk, user_id=coder.pk, probe=probe)
        warm_saves.remember(lookup, answer)
    assert [key[-1] for key in warm_saves._kept] == probes[1:]


@pytest.mark.skipif(not ONE_STATEMENT, reason="the save in one statement is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_a_retry_racing_its_first_send_answers_the_coding_the_first_stored(coder, project, source):
    """The first send of a save is inserting (not committed yet) when its retry's statement
    runs: the retry's lookup cannot see that coding, so it inserts too, waits on the unique
    client_id, and fails when the first commits. It stores nothing and answers the first's
    coding (200), from a fresh lookup."""
    saver = Saver(coder, project, source, token=True)
    saver.warm_up()
    key = uuid.uuid4()
    body = saver.body(QUOTES[2], client_id=str(key))
    inserted, release, first = threading.Event(), threading.Event(), {}

    def first_send():
        try:
            with transaction.atomic():
                data = {k: v for k, v in body.items() if k != "client_id"}
                data["event_date"] = dt.date.fromisoformat(data["event_date"])
                first["coding"] = create_coding(source, coder, data, client_id=key)
                inserted.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=first_send)
    thread.start()
    assert inserted.wait(10)
    threading.Timer(0.5, release.set).start()  # commits while the retry waits on the key
    response, sql = saver.save_counted(body=body)
    thread.join(10)
    assert response.status_code == 200, response.json()
    assert response.json()["id"] == first["coding"].pk
    assert Coding.objects.filter(client_id=key).count() == 1
    assert CodingChange.objects.filter(client_id=key).count() == 1
    assert "INSERT" in sql[0]  # the retry did try, in one statement, and stored nothing
