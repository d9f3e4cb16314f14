"""The PI's coder filter in the workspace names a coder removed from the project "dan (former
member)" and a coder who became a PI "eve (now PI)", as the review pages do; the filter's values
stay the usernames. The PI coding as the reviewer is not marked. One query for the marks."""

import json
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from coding.models import Membership, Role
from coding.projects import remove_member, set_member
from tests.factories import AssignmentFactory, CodingFactory, SourceFactory, UserFactory


def page_data(client, project, source) -> dict:
    response = client.get(f"/projects/{project.slug}/sources/{source.pk}/code/")
    assert response.status_code == 200
    match = re.search(
        r'<script id="workspace-data" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    return json.loads(match.group(1))


def team(project, coder):
    """coder-a (a coder), dan (removed: his coding stays) and eve (now a PI), all assigned."""
    source = SourceFactory(project=project)
    dan, eve = UserFactory(username="dan"), UserFactory(username="eve")
    for user in (coder, dan, eve):
        Membership.objects.get_or_create(project=project, user=user, defaults={"role": "coder"})
        AssignmentFactory(source=source, coder=user)
    CodingFactory(source=source, coder=dan)
    remove_member(project, Membership.objects.get(project=project, user=dan))
    set_member(project, eve, Role.PI)
    return source


def test_the_coder_filter_names_them(client_for, project, pi, coder):
    source = team(project, coder)
    CodingFactory(source=source, coder=pi)  # the PI's own coding, without an assignment
    data = page_data(client_for(pi), project, source)
    assert data["coders"] == ["coder-a", "dan", "eve"]  # the filter's values: usernames
    assert data["coder_labels"] == {
        "coder-a": "coder-a",
        "dan": "dan (former member)",
        "eve": "eve (now PI)",
        "pi-user": "pi-user",
    }


def test_a_coder_gets_no_names(client_for, project, pi, coder):
    source = team(project, coder)
    assert page_data(client_for(coder), project, source)["coder_labels"] == {}


def test_the_marks_take_one_query_however_many_coders(client_for, project, pi, coder):
    source = team(project, coder)
    client = client_for(pi)
    url = f"/projects/{project.slug}/sources/{source.pk}/code/"

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        return len(queries)

    before = count()
    for i in range(4):
        gone = UserFactory(username=f"gone{i}")
        AssignmentFactory(source=source, coder=gone)
        CodingFactory(source=source, coder=gone)
    assert count() == before
    assert page_data(client, project, source)["coder_labels"]["gone3"] == "gone3 (former member)"
