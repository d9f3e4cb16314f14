"""The dashboard's coding progress after a member is removed (their work stays, marked as a
former member's, as the reliability page does), and one colour per coder on the dashboard and
the review page."""

import csv
import io

import pytest
from django.urls import reverse

from coding.dashboard import figures
from coding.models import Membership, Role
from coding.projects import remove_member
from coding.review.grouping import groups_for_source
from coding.review.page import PALETTE_SIZE, coder_colours, project_coder_slots
from tests.factories import (
    AssignmentFactory,
    CodingFactory,
    MembershipFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(project, pi):
    """ann stays, dan is removed; both coded the same source."""
    ann, dan = UserFactory(username="ann"), UserFactory(username="dan")
    for user in (ann, dan):
        MembershipFactory(project=project, user=user, role=Role.CODER)
    source = SourceFactory(project=project, text="Russia and China held talks in Beijing. " * 3)
    for user in (ann, dan):
        AssignmentFactory(source=source, coder=user, status="done")
        CodingFactory(source=source, coder=user, start=0, end=20)
    AssignmentFactory(source=SourceFactory(project=project), coder=dan, status="in_progress")
    remove_member(project, Membership.objects.get(project=project, user=dan))
    return {"ann": ann, "dan": dan, "source": source}


def test_progress_marks_former_members(project, team):
    coders = {c["coder"]: c for c in figures.coding_progress(project)["coders"]}
    assert (coders["ann"]["member"], coders["ann"]["label"]) == (True, "ann")
    assert (coders["dan"]["member"], coders["dan"]["label"]) == (False, "dan (former member)")
    assert (coders["dan"]["in_progress"], coders["dan"]["done"]) == (1, 1)


def test_progress_table_names_a_former_member_as_the_reliability_page_does(
    client_for, project, pi, team
):
    from coding.reliability.forms import coder_label

    html = client_for(pi).get(reverse("dashboard", args=[project.slug])).content.decode()
    table = html.split('id="progress-table"')[1].split("</table>")[0]
    assert coder_label(team["dan"], None) == "dan (former member)"
    assert 'dan <span class="muted">(former member)</span></td>' in table
    assert "ann</td>" in table and "ann (former member)" not in table


def test_progress_csv_keeps_its_columns_and_adds_member_last(client_for, project, pi, team):
    response = client_for(pi).get(reverse("dashboard-csv", args=[project.slug, "progress"]))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    header = rows[0]
    assert header[:4] == ["coder", "not_started", "in_progress", "done"]
    assert header[4].startswith("codings_") and header[-1] == "member"
    by_coder = {r[0]: r for r in rows[1:]}
    assert by_coder["ann"][-1] == "yes" and by_coder["dan"][-1] == "no"
    assert by_coder["dan"][1:4] == ["0", "1", "1"]


def test_a_coder_has_the_same_colour_on_the_dashboard_and_the_review_page(
    client_for, project, pi, team
):
    """The review legend numbers the source's coders alphabetically into the palette; the
    dashboard gives each coder the same number, for its table and (colors.js) its chart."""
    carol = UserFactory(username="carol")
    MembershipFactory(project=project, user=carol, role=Role.CODER)
    AssignmentFactory(source=team["source"], coder=carol, status="done")
    CodingFactory(source=team["source"], coder=carol, start=5, end=25)
    colours = coder_colours(groups_for_source(team["source"]), project_coder_slots(project))
    review = {c.username: c.colour for c in colours.values()}
    progress = figures.coding_progress(project)
    dashboard = {c["coder"]: c["colour"] for c in progress["coders"]}
    assert review == dashboard == {"ann": 0, "carol": 1, "dan": 2}
    client = client_for(pi)
    legend = client.get(reverse("review-source", args=[project.slug, team["source"].pk]))
    assert '<span class="swatch coder-bg-1"></span>carol</li>' in legend.content.decode()
    page = client.get(reverse("dashboard", args=[project.slug])).content.decode()
    assert '<span class="swatch coder-bg-1"></span>carol</td>' in page


def test_a_source_of_some_coders_keeps_their_project_colours(client_for, project, pi, team):
    """carol and dan coded this source, ann did not: on its review page they keep the colours
    the dashboard gives them (1 and 2), not the first two of the palette."""
    carol = UserFactory(username="carol")
    MembershipFactory(project=project, user=carol, role=Role.CODER)
    other = SourceFactory(project=project, text="Iran and Russia signed a treaty. " * 3)
    for user in (carol, team["dan"]):
        AssignmentFactory(source=other, coder=user, status="done")
        CodingFactory(source=other, coder=user, start=0, end=20)
    legend = client_for(pi).get(reverse("review-source", args=[project.slug, other.pk]))
    html = legend.content.decode()
    assert '<span class="swatch coder-bg-1"></span>carol</li>' in html
    assert (
        '<span class="swatch coder-bg-2"></span>dan <span class="muted">(former member)</span></li>'
        in html
    )


def test_coders_of_one_source_never_share_a_colour_while_the_palette_lasts(project, pi):
    """Nine coders in the project: the first and the ninth share a project colour; on a
    source both coded, the ninth takes the next free one."""
    users = [UserFactory(username=f"c{i}") for i in range(PALETTE_SIZE + 1)]
    source = SourceFactory(project=project)
    for user in users:
        AssignmentFactory(source=source, coder=user, status="done")
    slots = project_coder_slots(project)
    assert slots["c0"] == slots["c8"] == 0
    for user in (users[0], users[1], users[8]):
        CodingFactory(source=source, coder=user, start=0, end=20)
    colours = coder_colours(groups_for_source(source), slots)
    assert sorted(c.colour for c in colours.values()) == [0, 1, 2]
