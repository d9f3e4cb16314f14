"""Comparing coders on the review page: an undirected pair is unordered, participants are a set,
a directed pair keeps its order; the page names the differing fields by their labels."""

import datetime as dt
import re

from django.urls import reverse

from coding.review.grouping import groups_for_source
from coding.review.page import group_rows
from coding.review.queue import review_queue


def test_an_undirected_pair_entered_in_either_order_agrees(
    project, source, coder, coder_b, make_coding
):
    make_coding(source, coder, 0, 20, side_a="RUS", side_b="CHN")
    make_coding(source, coder_b, 0, 20, side_a="CHN", side_b="RUS")
    (group,) = groups_for_source(source)
    assert group.differing == [] and group.fully_agreed
    assert not any(cell["differs"] for row in group_rows(group) for cell in row["cells"])
    (item,) = review_queue(project)
    assert item.differing == 0 and item.fully_agreed
    assert [i.source for i in review_queue(project, agreed=True)] == [source]


def test_a_directed_pair_keeps_its_order(source, coder, coder_b, make_coding):
    make_coding(source, coder, 0, 20, dyad_type="directed", side_a="RUS", side_b="CHN")
    make_coding(source, coder_b, 0, 20, dyad_type="directed", side_a="CHN", side_b="RUS")
    (group,) = groups_for_source(source)
    assert group.differing == ["side_a", "side_b"] and not group.fully_agreed
    dyad = [next(c for c in row["cells"] if c["name"] == "dyad") for row in group_rows(group)]
    assert all(cell["differs"] for cell in dyad)


def test_an_undirected_pair_with_another_actor_differs_in_that_side_only(
    source, coder, coder_b, make_coding
):
    make_coding(source, coder, 0, 20, side_a="RUS", side_b="CHN")
    make_coding(source, coder_b, 0, 20, side_a="IRN", side_b="RUS")
    (group,) = groups_for_source(source)
    assert group.differing == ["side_a"]  # CHN-RUS against IRN-RUS


def test_multilateral_participants_compare_as_sets(source, coder, coder_b, make_coding):
    common = {"dyad_type": "multilateral", "side_a": None, "side_b": None}
    make_coding(source, coder, 0, 20, participants=["RUS", "CHN", "IRN"], **common)
    make_coding(source, coder_b, 0, 20, participants=["IRN", "RUS", "CHN"], **common)
    make_coding(source, coder, 60, 80, participants=["RUS", "CHN", "IRN"], **common)
    make_coding(source, coder_b, 60, 80, participants=["RUS", "CHN", "PRK"], **common)
    same, other = groups_for_source(source)
    assert same.differing == [] and same.fully_agreed
    assert other.differing == ["participants"]


def test_badges_name_the_fields_as_the_page_does(
    client_for, pi, project, source, coder, coder_b, make_coding
):
    import datetime as dt

    make_coding(source, coder, 0, 20, side_a="RUS", side_b="CHN")
    make_coding(source, coder_b, 0, 20, side_a="CHN", side_b="RUS")  # the same pair
    make_coding(source, coder, 60, 80, dyad_type="directed", side_a="RUS", side_b="CHN")
    make_coding(
        source, coder_b, 60, 80, dyad_type="directed", side_a="CHN", side_b="RUS",
        event_date=dt.date(2023, 3, 1), date_precision="month",
    )  # fmt: skip
    html = client_for(pi).get(reverse("review-source", args=[project.slug, source.pk]))
    html = html.content.decode()
    group1 = html[html.index('id="group-1"') : html.index('id="group-2"')]
    group2 = html[html.index('id="group-2"') :]
    assert 'class="badge diff"' not in group1 and "fully agreed" in group1
    assert not re.search(r'<td class="dyad differs', group1)
    badges = re.findall(r'<span class="badge diff">([^<]*)</span>', group2)
    assert badges == [
        "actor A differs", "actor B differs", "event date differs", "date precision differs",
    ]  # fmt: skip
    assert "side_a" not in " ".join(badges) and "event_date" not in " ".join(badges)


def test_a_group_number_takes_the_direction_of_its_passage(source, coder, coder_b, make_coding):
    from coding.review.page import segments, text_direction

    assert (text_direction("“رزمایش"), text_direction("12 SCO"), text_direction("12.")) == (
        "rtl", "ltr", "",
    )  # fmt: skip
    start = source.text.index("Сергей")
    make_coding(source, coder, 0, 20)
    make_coding(source, coder_b, start, start + 12)
    groups = groups_for_source(source)
    markers = [(s.group, s.marker_dir) for s in segments(source.text, groups) if s.starts_group]
    assert markers == [(1, "ltr"), (2, "ltr")]
    assert all(not s.marker_dir for s in segments(source.text, groups) if not s.starts_group)


def test_a_date_shows_with_its_precision_and_no_date_as_unknown(
    source, coder, coder_b, make_coding
):
    make_coding(source, coder, 0, 20, event_date=None, date_precision="unknown")
    make_coding(source, coder_b, 0, 20, event_date=dt.date(2024, 3, 1), date_precision="month")
    (group,) = groups_for_source(source)
    dates = [next(c for c in row["cells"] if c["name"] == "date") for row in group_rows(group)]
    assert [cell["value"] for cell in dates] == ["unknown", "2024-03-01 (month)"]


def test_a_multilateral_initiator_is_shown_where_it_makes_a_difference(
    client_for, pi, project, source, coder, coder_b, make_coding
):
    """One coder named an initiator (actor A, through the API), the other did not: the group
    says actor A differs, so both rows must show it; the event page names it too."""
    from coding.review import decisions

    common = dict(dyad_type="multilateral", setting="multilateral", side_b=None,
                  participants=["CHN", "IRN", "RUS"])  # fmt: skip
    a = make_coding(source, coder, 0, 20, side_a="CHN", **common)
    b = make_coding(source, coder_b, 0, 20, side_a=None, **common)
    client = client_for(pi)
    html = client.get(reverse("review-source", args=[project.slug, source.pk])).content.decode()
    assert "CHN, IRN, RUS (multilateral, initiated by CHN)" in html
    assert "CHN, IRN, RUS (multilateral)" in html
    event = decisions.accept(pi, project, [a, b], a).event
    page = client.get(reverse("event-detail", args=[project.slug, event.event_id]))
    assert "Multilateral, initiated by China (CHN)" in page.content.decode()
