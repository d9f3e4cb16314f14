"""The review page's "Add as my own coding": the PI's passage may differ from the coders' spans
but must overlap the group it is posted for; one elsewhere in the text is refused and saves
nothing, the form coming back as the PI filled it in."""

from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from coding.models import Coding, Event, ReviewDecision
from coding.review import decisions
from tests.coding.review.conftest import TEXT

SUMMIT = "Xi Jinping met Vladimir Putin in Moscow"
DRONES = "Iranian drones were delivered to Russia"
LATER = len("Xi ")  # the coders' spans start at "Jinping", so that a passage may start earlier


def span() -> tuple[int, int]:
    """The group's span union: from "Jinping" to "Moscow"."""
    return TEXT.index(SUMMIT) + LATER, TEXT.index(SUMMIT) + len(SUMMIT)


@pytest.fixture
def group(source, coder, coder_b, make_coding):
    """Group 1: both coders on the summit sentence; group 2: coder A alone on the drones."""
    start, end = span()
    a = make_coding(source, coder, start, end)
    b = make_coding(source, coder_b, start + 4, end)
    drones = TEXT.index(DRONES)
    make_coding(source, coder, drones, drones + len(DRONES))
    return a, b


def own_post(group, start, end, **extra):
    a, b = group
    return {
        "group": "1", "codings": [a.pk, b.pk], "action": "own",
        "own_start": str(start), "own_end": str(end), "comment": "the PI's reading",
        "f_dyad_type": "undirected", "f_side_a": "CHN", "f_side_b": "RUS",
        "f_activity": "heads_of_state", "f_confidence": "2", "f_event_date": "2023-03-21",
        "f_date_prec": "1", "f_note": "my note", **extra,
    }  # fmt: skip


def test_a_passage_outside_the_group_is_refused_and_saves_nothing(
    client_for, pi, project, source, group
):
    drones = TEXT.index(DRONES)
    response = client_for(pi).post(
        reverse("review-decide", args=[project.slug, source.pk]),
        own_post(group, drones, drones + len(DRONES)),
    )
    assert response.status_code == 400
    html = unescape(response.content.decode())
    lo, hi = span()
    error = (
        f"The passage does not overlap this group's codings ({lo}\u2013{hi}): "
        "select a passage within it."
    )
    assert f"Nothing was saved. My span: {error}" in html
    assert f'<p class="field-error" role="alert">My span: {error}</p>' in html
    # the form as the PI left it
    assert f'name="own_start" value="{drones}"' in html
    assert 'value="the PI\'s reading"' in html
    assert ">my note</textarea>" in html
    assert not ReviewDecision.objects.exists() and not Event.objects.exists()
    assert not Coding.objects.filter(coder=pi).exists()


def test_a_passage_elsewhere_is_refused_by_add_own_itself(pi, project, source, group):
    drones = TEXT.index(DRONES)
    codebook = project.codebook
    activity = codebook.areas.get(slug="contacts").activities.first()
    data = {
        "start": drones, "end": drones + len(DRONES), "quote": DRONES,
        "dyad_type": "undirected", "side_a": codebook.actors.get(iso3="IRN").pk,
        "side_b": codebook.actors.get(iso3="RUS").pk, "area": activity.area_id,
        "activity": activity.pk, "confidence": 3, "event_date": None, "date_precision": "unknown",
    }  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        decisions.add_own(pi, project, source, data, list(group))
    assert "does not overlap this group's codings" in str(refused.value.message_dict["start"])
    assert not Coding.objects.filter(coder=pi).exists()


@pytest.mark.parametrize(
    ("before", "after"),
    [(0, 0), (-3, 0), (0, 8), (15, -5)],  # the same, wider at the start, past the end, inside
    ids=["same", "starts-earlier", "ends-later", "inside"],
)
def test_a_passage_that_overlaps_the_group_is_accepted(
    client_for, pi, project, source, group, before, after
):
    a, b = group
    start, end = span()
    start, end = start + before, end + after
    response = client_for(pi).post(
        reverse("review-decide", args=[project.slug, source.pk]), own_post(group, start, end)
    )
    assert response.status_code == 302
    decision = ReviewDecision.objects.get()
    own = decision.chosen
    assert (own.coder, own.start, own.end) == (pi, start, end)
    assert set(decision.event.evidence.values_list("coding_id", flat=True)) == {
        a.pk, b.pk, own.pk,
    }  # fmt: skip


def test_a_passage_just_touching_the_group_does_not_overlap(client_for, pi, project, source, group):
    end = span()[1]  # starts where the group ends: no shared character
    response = client_for(pi).post(
        reverse("review-decide", args=[project.slug, source.pk]), own_post(group, end, end + 4)
    )
    assert response.status_code == 400
    assert not ReviewDecision.objects.exists()
