import pytest
from django.urls import reverse
from rest_framework.test import APIClient


def url(project, event_id=None):
    if event_id:
        return reverse("event-detail", args=[project.slug, event_id]).replace(
            f"/projects/{project.slug}/events/", f"/api/projects/{project.slug}/events/"
        )
    return f"/api/projects/{project.slug}/events/"


@pytest.fixture
def api():
    return APIClient()


def test_pi_lists_events_paginated_with_evidence(api, pi, project, dataset):
    api.force_authenticate(pi)
    data = api.get(url(project)).json()
    assert data["count"] == 3 and len(data["results"]) == 3
    summit = next(e for e in data["results"] if len(e["evidence"]) == 3)
    assert {e["source_title"] for e in summit["evidence"]} >= {"Xi in Moscow"}
    assert summit["side_a_iso3"] == "CHN" and summit["side_b_iso3"] == "RUS"


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ("dyad=CHN-RUS", 2),  # the summit and the multilateral exercise
        ("dyad=rus-chn", 2),
        ("dyad=RUS>PRK", 1),
        ("dyad=PRK>RUS", 0),
        ("dyad=CHN>RUS", 0),  # the summit is undirected, whatever order its pair is stored in
        ("dyad=RUS>CHN", 0),
        ("dyad=IRN-CHN", 1),
        ("area=preparations_for_war", 2),
        ("activity=arms_sales", 1),
        ("since=2024-01-01", 2),
        ("until=2023-12-31", 1),
        ("min_confidence=3", 1),
        ("min_confidence=2&area=contacts", 1),
    ],
)
def test_filters(api, pi, project, dataset, query, count):
    api.force_authenticate(pi)
    assert api.get(f"{url(project)}?{query}").json()["count"] == count


@pytest.mark.parametrize(
    "query",
    [
        "dyad=CHINA",
        "dyad=CHN-chn",
        "dyad=RUS>RUS",
        "since=yesterday",
        "min_confidence=high",
        "until=2020-01-01&since=2030-01-01",
        "area=no_such_area",  # a slug the codebook lacks would match nothing, silently
        "activity=arms_salez",
        "min_confidence=9",  # off the codebook's 1-3 scale
        "min_confidence=0",
        "min_confidence=2.5",
    ],
)
def test_bad_filters_are_a_400_naming_the_field(api, pi, project, dataset, query):
    api.force_authenticate(pi)
    response = api.get(f"{url(project)}?{query}")
    assert response.status_code == 400
    assert query.split("=")[0] in response.json()


def test_an_activity_of_the_codebook_that_no_event_has_is_no_error(api, pi, project, dataset):
    from coding.models import Activity

    area = project.codebook.areas.first()
    Activity.objects.create(area=area, slug="naval_patrols", label="Naval patrols")
    api.force_authenticate(pi)
    assert api.get(f"{url(project)}?activity=naval_patrols").json()["count"] == 0
    response = api.get(f"{url(project)}?min_confidence=9")
    assert "scale, 1 to 3; 9 is not on it" in response.json()["min_confidence"][0]


def test_retrieve_by_event_id(api, pi, project, dataset):
    api.force_authenticate(pi)
    event = dataset.first()
    data = api.get(f"{url(project)}{event.event_id}/").json()
    assert data["event_id"] == event.event_id
    assert api.get(f"{url(project)}NOPE-1/").status_code == 404


def test_permissions(api, coder, outsider, project, dataset):
    assert api.get(url(project)).status_code in (401, 403)
    api.force_authenticate(coder)
    assert api.get(url(project)).status_code == 403
    api.force_authenticate(outsider)
    assert api.get(url(project)).status_code == 404
