"""Review pages after a coder left: their codings stay in the study, and wherever a review page
names a coder it marks a former member as the dashboard and the reliability report do
("dan (former member)"), and a coder who became a PI ("eve (now PI)"); current coders and the
reviewing PI's own codings are not marked. One query for everyone's membership, whatever the
number of coders."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coding.models import Membership, Role
from coding.projects import member_label, remove_member, set_member
from coding.review import decisions
from coding.review.grouping import groups_for_source
from coding.review.page import coder_marks
from tests.coding.review.conftest import TEXT
from tests.factories import DoneAssignmentFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

FORMER = '<span class="muted">(former member)</span>'
NOW_PI = '<span class="muted">(now PI)</span>'
SUMMIT = "Xi Jinping met Vladimir Putin in Moscow"


def join(project, source, username: str):
    user = UserFactory(username=username)
    MembershipFactory(project=project, user=user, role=Role.CODER)
    DoneAssignmentFactory(source=source, coder=user)
    return user


def leave(project, user) -> None:
    remove_member(project, Membership.objects.get(project=project, user=user))


@pytest.fixture
def team(project, pi, source, coder, coder_b, make_coding):
    """coder-a and coder-b stay coders, dan is removed, eve becomes a PI: all four coded the
    summit sentence (one group)."""
    dan, eve = join(project, source, "dan"), join(project, source, "eve")
    for i, user in enumerate((coder, coder_b, dan, eve)):
        make_coding(source, user, i, len(SUMMIT))
    leave(project, dan)
    set_member(project, eve, Role.PI)
    return {"dan": dan, "eve": eve}


def review_html(client, project, source) -> str:
    response = client.get(reverse("review-source", args=[project.slug, source.pk]))
    assert response.status_code == 200
    return response.content.decode()


def legend(html: str) -> str:
    return html.split('id="coder-legend"')[1].split("</ul>")[0]


def coder_cells(html: str) -> list[str]:
    """The comparison tables' coder cells, without their swatch."""
    return [
        re.sub(r'<span class="swatch[^"]*"></span>', "", cell)
        for cell in re.findall(r'<td class="coder">(.*?)</td>', html)
    ]


def evidence_coders(html: str) -> list[str]:
    table = html.split('id="evidence"')[1].split("</table>")[0]
    # each row's plain cells: the source, the coder, the confidence
    return [re.findall(r"<td>(.*?)</td>", row)[1] for row in table.split("<tr>")[2:]]


def test_marks_read_as_member_label(project, pi, team, coder):
    users = {u.pk: u.username for u in (coder, team["dan"], team["eve"], pi)}
    marks = coder_marks(project, users)
    assert marks == {
        coder.pk: "",
        team["dan"].pk: "(former member)",
        team["eve"].pk: "(now PI)",
        pi.pk: "",  # the reviewer, never a coder here
    }
    assert f"dan {marks[team['dan'].pk]}" == member_label("dan", None)
    assert f"eve {marks[team['eve'].pk]}" == member_label("eve", Role.PI)


def test_the_review_page_marks_a_former_member_in_the_legend_rows_and_span_choice(
    client_for, project, pi, source, team
):
    html = review_html(client_for(pi), project, source)
    assert legend(html).count("<li>") == 4
    assert f"dan {FORMER}</li>" in legend(html)
    assert f"eve {NOW_PI}</li>" in legend(html)
    assert "coder-a</li>" in legend(html) and "coder-b</li>" in legend(html)
    assert sorted(coder_cells(html)) == ["coder-a", "coder-b", f"dan {FORMER}", f"eve {NOW_PI}"]
    span_choice = html.split('name="span_from">')[1].split("</select>")[0]
    assert f">dan (former member) (2\u2013{len(SUMMIT)})</option>" in span_choice
    assert f">eve (now PI) (3\u2013{len(SUMMIT)})</option>" in span_choice
    assert f">coder-a (0\u2013{len(SUMMIT)})</option>" in span_choice


def test_the_event_page_marks_a_former_member_among_the_evidence(
    client_for, project, pi, source, team
):
    [group] = groups_for_source(source)
    event = decisions.accept(pi, project, group.codings, group.codings[0]).event
    response = client_for(pi).get(reverse("event-detail", args=[project.slug, event.event_id]))
    assert response.status_code == 200
    coders = evidence_coders(response.content.decode())
    assert sorted(coders) == ["coder-a", "coder-b", f"dan {FORMER}", f"eve {NOW_PI}"]


def test_the_pi_s_own_coding_is_not_marked(client_for, project, pi, source, team):
    """ "Add as my own coding": the PI's coding is the reviewer's, not a former coder's."""
    [group] = groups_for_source(source)
    client = client_for(pi)
    response = client.post(
        reverse("review-decide", args=[project.slug, source.pk]),
        {
            "group": "1",
            "codings": group.coding_ids,
            "action": "own",
            "own_start": "0",
            "own_end": str(len(SUMMIT)),
            "f_dyad_type": "undirected",
            "f_side_a": "CHN",
            "f_side_b": "RUS",
            "f_activity": "heads_of_state",
            "f_confidence": "2",
            "f_event_date": "2023-03-21",
            "f_date_prec": "1",
        },
    )
    assert response.status_code == 302
    html = review_html(client, project, source)
    assert "pi-user</li>" in legend(html)
    assert "pi-user" in coder_cells(html) and f"dan {FORMER}" in coder_cells(html)
    event = project.events.get()
    html = client.get(reverse("event-detail", args=[project.slug, event.event_id])).content
    coders = evidence_coders(html.decode())
    assert "pi-user" in coders and f"dan {FORMER}" in coders and "coder-a" in coders


def test_a_former_member_s_name_stays_escaped(client_for, project, pi, source, coder, make_coding):
    evil = join(project, source, "<b>mal</b>")
    make_coding(source, coder, 0, len(SUMMIT))
    make_coding(source, evil, 1, len(SUMMIT))
    leave(project, evil)
    client = client_for(pi)
    html = review_html(client, project, source)
    assert "<b>mal</b>" not in html
    assert f"&lt;b&gt;mal&lt;/b&gt; {FORMER}</li>" in legend(html)
    assert f"&lt;b&gt;mal&lt;/b&gt; {FORMER}" in coder_cells(html)
    assert ">&lt;b&gt;mal&lt;/b&gt; (former member) (1\u2013" in html
    [group] = groups_for_source(source)
    event = decisions.accept(pi, project, group.codings, group.codings[0]).event
    html = client.get(reverse("event-detail", args=[project.slug, event.event_id])).content
    assert "<b>mal</b>" not in html.decode()
    assert f"&lt;b&gt;mal&lt;/b&gt; {FORMER}" in evidence_coders(html.decode())


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_pages_read_memberships_in_one_query_whatever_the_number_of_coders(
    client_for, project, pi, source, coder, coder_b, make_coding
):
    client = client_for(pi)
    page = reverse("review-source", args=[project.slug, source.pk])
    drones = TEXT.index("Iranian drones")

    def event_page(group_number: int) -> str:
        group = groups_for_source(source)[group_number]
        event = decisions.accept(pi, project, group.codings, group.codings[0]).event
        return reverse("event-detail", args=[project.slug, event.event_id])

    make_coding(source, coder, 0, len(SUMMIT))
    make_coding(source, coder_b, 1, len(SUMMIT))
    make_coding(source, coder, drones, drones + 20)
    make_coding(source, coder_b, drones + 1, drones + 20)
    summit = event_page(0)  # then group 1 stays open on the page, before and after
    few = count_queries(client, page), count_queries(client, summit)
    for n in range(5):  # five more coders, four of them gone, on the second group
        user = join(project, source, f"gone{n}")
        make_coding(source, user, drones + n, drones + 20)
        if n:
            leave(project, user)
    many = count_queries(client, page), count_queries(client, event_page(1))
    assert many == few
    html = review_html(client, project, source)
    assert f"gone1 {FORMER}</li>" in legend(html) and "gone0</li>" in legend(html)
