"""The document view and the queue pages, per role; constant queries; escaping."""

import json
import re
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coding.models import Activity, Coding, Role
from coding.models.assignments import AssignmentStatus
from coding.models.codings import NOTE_MAX_LENGTH
from tests.factories import (
    AssignmentFactory,
    CodingFactory,
    MembershipFactory,
    SourceFactory,
    UserFactory,
)


@pytest.fixture
def source(project, coder):
    source = SourceFactory(
        project=project, text="Hello <script>alert(1)</script> 🙂 world.\n\nTwo."
    )
    AssignmentFactory(source=source, coder=coder)
    return source


def page_url(project, source):
    return f"/projects/{project.slug}/sources/{source.pk}/code/"


def page_data(response) -> dict:
    match = re.search(
        r'<script id="workspace-data" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    return json.loads(match.group(1))


def test_anonymous_is_sent_to_login(client, project, source):
    response = client.get(page_url(project, source))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_outsider_and_unassigned_coder_get_404(client_for, project, source, outsider):
    assert client_for(outsider).get(page_url(project, source)).status_code == 404
    other = UserFactory(username="coder-c")
    MembershipFactory(project=project, user=other, role=Role.CODER)
    assert client_for(other).get(page_url(project, source)).status_code == 404


def test_coder_gets_only_own_codings_and_escaped_text(client_for, project, coder, source):
    mine = CodingFactory(source=source, coder=coder)
    other = UserFactory(username="coder-b")
    MembershipFactory(project=project, user=other, role=Role.CODER)
    AssignmentFactory(source=source, coder=other)
    CodingFactory(source=source, coder=other, note="secret of coder b")
    response = client_for(coder).get(page_url(project, source))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "secret of coder b" not in html
    data = page_data(response)
    assert [c["id"] for c in data["codings"]] == [mine.pk]
    # what the page draws and edits, not the context or the time of saving (smaller pages)
    assert set(data["codings"][0]) == {
        "id", "coder", "version", "start", "end", "quote", "dyad_type", "side_a", "side_b",
        "participants", "setting", "forum", "area", "activity", "confidence", "event_date",
        "date_precision", "note", "client_id",
    }  # fmt: skip
    assert data["source"]["text"] == source.text
    assert data["me"] == {
        "username": "coder-a", "is_pi": False, "assignment": "not_started", "can_code": True,
        "training": False,
    }  # fmt: skip
    assert data["coders"] == []
    assert {a["slug"] for a in data["codebook"]["areas"]} == {"contacts", "preparations_for_war"}


def test_the_note_box_takes_as_much_as_the_server(client_for, project, coder, source):
    response = client_for(coder).get(page_url(project, source))
    assert page_data(response)["note_max_length"] == NOTE_MAX_LENGTH == 10_000
    box = re.search(r'<textarea name="note" id="cf-note"[^>]*>', response.content.decode())
    assert box and f'maxlength="{NOTE_MAX_LENGTH}"' in box.group(0)


def test_pi_gets_everyones_codings(client_for, project, pi, coder, source):
    CodingFactory(source=source, coder=coder)
    data = page_data(client_for(pi).get(page_url(project, source)))
    assert [c["coder"] for c in data["codings"]] == ["coder-a"]
    assert data["coders"] == ["coder-a"] and data["me"]["is_pi"]


def _bulk_codings(source, coder, n):
    activity = Activity.objects.filter(area__codebook=source.project.codebook).first()
    actors = list(source.project.codebook.actors.all()[:2])
    Coding.objects.bulk_create(
        Coding(
            source=source, coder=coder, start=i * 50, end=i * 50 + 40,
            quote=source.text[i * 50 : i * 50 + 40], dyad_type="undirected",
            side_a=actors[0], side_b=actors[1], area_id=activity.area_id, activity=activity,
            confidence=2,
        )
        for i in range(n)
    )  # fmt: skip


def test_a_long_source_with_many_codings_opens_with_constant_queries(
    client_for, project, coder, pi
):
    text = ("Naval forces of China, Iran and Russia met. 中俄 🙂 " * 2100)[:100_000]
    small = SourceFactory(project=project, text=text)
    large = SourceFactory(project=project, text=text + ".")
    for s in (small, large):
        AssignmentFactory(source=s, coder=coder)
    _bulk_codings(small, coder, 10)
    _bulk_codings(large, coder, 1000)
    for user in (coder, pi):
        client = client_for(user)
        counts = []
        for s in (small, large):
            with CaptureQueriesContext(connection) as queries:
                began = time.perf_counter()
                response = client.get(page_url(project, s))
                elapsed = time.perf_counter() - began
            assert response.status_code == 200
            counts.append(len(queries))
        assert counts[0] == counts[1], counts
        assert counts[1] <= 14
        assert len(page_data(response)["codings"]) == 1000
        print(f"{user.username}: {counts[1]} queries, {elapsed * 1000:.0f} ms for 1,000 codings")


def test_queue_shows_my_assignments_and_where_i_stopped(client_for, project, coder, source):
    later = SourceFactory(project=project, title="Zeta article")
    AssignmentFactory(source=later, coder=coder, status=AssignmentStatus.IN_PROGRESS)
    other = UserFactory(username="coder-b")
    MembershipFactory(project=project, user=other, role=Role.CODER)
    AssignmentFactory(source=later, coder=other)
    CodingFactory(source=later, coder=other)
    response = client_for(coder).get(f"/projects/{project.slug}/queue/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Continue where I stopped" in html and f"/sources/{later.pk}/code/" in html
    assert "1 not started" in html and "1 in progress" in html
    assert "0 codings of mine" in html  # coder-b's coding is not counted
    assert client_for(coder).get("/queue/").status_code == 200


def test_queue_needs_membership(client, client_for, project, outsider):
    assert client.get(f"/projects/{project.slug}/queue/").status_code == 302
    assert client_for(outsider).get(f"/projects/{project.slug}/queue/").status_code == 404
