"""Screening pages and API, per role."""

import pytest

from coding.models import Role, ScreeningStatus
from tests.factories import MembershipFactory, SourceFactory, UserFactory

pytestmark = pytest.mark.django_db

TIE = "China 🚀 and Russia held a naval drill. Iran watched."


@pytest.fixture
def item(project):
    project.screening_required = True
    project.screening_double_percent = 0
    project.save()
    return SourceFactory(project=project, title="Drill <b>news</b>", text=TIE).screening


def test_anonymous_is_sent_to_log_in_and_the_api_refuses(client, project, item):
    page = client.get(f"/projects/{project.slug}/screening/screen/")
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]
    assert client.get(f"/api/projects/{project.slug}/screening/queue/").status_code in (401, 403)


def test_outsider_gets_404(client_for, outsider, project, item):
    client = client_for(outsider)
    assert client.get(f"/projects/{project.slug}/screening/").status_code == 404
    assert client.get(f"/api/projects/{project.slug}/screening/queue/").status_code == 404
    body = {"source": item.source_id, "relevant": True}
    assert (
        client.post(f"/api/projects/{project.slug}/screening/decisions/", body).status_code == 404
    )


def test_coder_screens_with_highlighted_actors(client_for, coder, project, item):
    client = client_for(coder)
    page = client.get(f"/projects/{project.slug}/screening/screen/").content.decode()
    assert 'data-iso3="CHN" data-start="0">China</mark>' in page
    assert 'data-iso3="RUS" data-start="12">Russia</mark>' in page  # after the emoji
    assert "Drill &lt;b&gt;news&lt;/b&gt;" in page
    response = client.post(
        f"/projects/{project.slug}/screening/sources/{item.source_id}/answer/",
        {"relevant": "1", "note": "a drill"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ScreeningStatus.RELEVANT
    assert "Nothing to screen" in client.get(response["Location"]).content.decode()


def test_a_bad_answer_is_a_message_not_a_500(client_for, coder, project, item):
    response = client_for(coder).post(
        f"/projects/{project.slug}/screening/sources/{item.source_id}/answer/", {"relevant": "x"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ScreeningStatus.PENDING


def test_coder_may_not_change_settings_or_send_sources(client_for, coder, project, item):
    client = client_for(coder)
    assert client.get(f"/projects/{project.slug}/screening/").status_code == 200
    post = {"screening_required": "", "screening_double_percent": "50"}
    assert client.post(f"/projects/{project.slug}/screening/", post).status_code == 403
    assert client.post(f"/projects/{project.slug}/screening/send/").status_code == 403
    page = client.get(f"/projects/{project.slug}/screening/screen/?source={item.source_id}")
    assert page.status_code == 200  # ?source= is for PIs; a coder just gets their queue


def test_pi_changes_settings(client_for, pi, project):
    response = client_for(pi).post(
        f"/projects/{project.slug}/screening/",
        {"screening_required": "on", "screening_double_percent": "30"},
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.screening_required and project.screening_double_percent == 30
    bad = client_for(pi).post(
        f"/projects/{project.slug}/screening/", {"screening_double_percent": "300"}
    )
    assert bad.status_code == 200 and "less than or equal to 100" in bad.content.decode()


def test_api_queue_and_decisions(client_for, coder, pi, project, item):
    client = client_for(coder)
    queue = client.get(f"/api/projects/{project.slug}/screening/queue/").json()
    assert queue[0]["source"] == item.source_id
    assert queue[0]["actors"] == ["CHN", "RUS", "IRN"]
    assert queue[0]["mentions"][1] == {"start": 12, "end": 18, "iso3": "RUS"}
    url = f"/api/projects/{project.slug}/screening/decisions/"
    assert client.post(url, {"source": item.source_id}).status_code == 400
    assert client.post(url, {"source": "x", "relevant": True}).status_code == 400
    assert client.post(url, {"source": 999999, "relevant": True}).status_code == 404
    made = client.post(url, {"source": item.source_id, "relevant": False, "note": "no"})
    assert made.status_code == 201
    assert made.json()["status"] == ScreeningStatus.NOT_RELEVANT
    other = UserFactory(username="late")
    MembershipFactory(project=project, user=other, role=Role.CODER)
    late = client_for(other).post(url, {"source": item.source_id, "relevant": True})
    assert late.status_code == 409
    assert [d["screener"] for d in client_for(other).get(url).json()] == []
    summary = client_for(pi).get(f"/api/projects/{project.slug}/screening/").json()
    assert summary["counts"]["not_relevant"] == 1 and "agreement" in summary
    assert [d["screener"] for d in client_for(pi).get(url).json()] == ["coder-a"]


def test_the_reliability_page_shows_screening_agreement(client_for, pi, coder, project, item):
    from coding.screening.decisions import decide

    second = UserFactory(username="second")
    MembershipFactory(project=project, user=second, role=Role.CODER)
    for n, (a, b) in enumerate([(True, True), (False, False), (True, False)]):
        other = SourceFactory(project=project, text=f"{TIE} ({n})").screening
        other.double = True
        other.save()
        decide(other, coder, a)
        decide(other, second, b)
    page = client_for(pi).get(f"/projects/{project.slug}/reliability/").content.decode()
    assert "Screening agreement" in page
    assert "over 3 double-screened sources and 2 screeners" in page
