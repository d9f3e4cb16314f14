"""The sources list's coder column and a source's page name a coder removed from the project
"dan (former member)" and a coder who became a PI "eve (now PI)", as the dashboard and the
review pages do (the mark muted), with one query for the marks however many coders."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coding.models import Membership, Role
from coding.models.assignments import AssignmentStatus
from coding.projects import remove_member, set_member
from tests.factories import AssignmentFactory, MembershipFactory, SourceFactory, UserFactory

FORMER = '<span class="muted">(former member)</span>'
NOW_PI = '<span class="muted">(now PI)</span>'


@pytest.fixture
def team(project, coder):
    """coder-a (a coder), dan (removed) and eve (now a PI), all assigned the source."""
    source = SourceFactory(project=project, title="Shared piece")
    users = {"coder-a": coder}
    for name in ("dan", "eve"):
        users[name] = UserFactory(username=name)
        MembershipFactory(project=project, user=users[name], role=Role.CODER)
    for user in users.values():
        AssignmentFactory(source=source, coder=user, status=AssignmentStatus.DONE)
    remove_member(project, Membership.objects.get(project=project, user=users["dan"]))
    set_member(project, users["eve"], Role.PI)
    return source


def test_the_list_marks_them_in_the_coder_column(client_for, project, pi, team):
    html = client_for(pi).get(reverse("source-list", args=[project.slug])).content.decode()
    assert f"dan {FORMER}: Done</span>" in html
    assert f"eve {NOW_PI}: Done</span>" in html
    assert ">coder-a: Done</span>" in html


def test_the_source_page_marks_them(client_for, project, pi, team):
    url = reverse("source-detail", args=[project.slug, team.pk])
    html = client_for(pi).get(url).content.decode()
    assert f"<p>dan {FORMER} · " in html and f"<p>eve {NOW_PI} · " in html
    assert "<p>coder-a · " in html


def test_a_coder_s_list_names_no_one(client_for, project, coder, team):
    html = client_for(coder).get(reverse("source-list", args=[project.slug])).content.decode()
    assert "(former member)" not in html and ">dan" not in html


def test_the_marks_take_one_query_however_many_coders(client_for, project, pi, team):
    client = client_for(pi)
    list_url = reverse("source-list", args=[project.slug])
    detail_url = reverse("source-detail", args=[project.slug, team.pk])

    def counts():
        out = []
        for url in (list_url, detail_url):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            out.append(len(queries))
        return out

    before = counts()
    for i in range(4):  # more former members, on this source and on another
        user = UserFactory(username=f"gone{i}")
        for source in (team, SourceFactory(project=project)):
            AssignmentFactory(source=source, coder=user)
    html = client.get(list_url).content.decode()
    assert f"gone3 {FORMER}: Not started" in html
    assert counts() == before


def test_a_name_stays_escaped(client_for, project, pi):
    mal = UserFactory(username="<b>mal</b>")
    source = SourceFactory(project=project)
    AssignmentFactory(source=source, coder=mal)
    client = client_for(pi)
    for url in (
        reverse("source-list", args=[project.slug]),
        reverse("source-detail", args=[project.slug, source.pk]),
    ):
        html = client.get(url).content.decode()
        assert f"&lt;b&gt;mal&lt;/b&gt; {FORMER}" in html and "<b>mal</b>" not in html
