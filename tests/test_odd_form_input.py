"""Odd values in the pages' forms and query strings are form errors or 4xx, never a 500: ids no
database holds, digits that are not ASCII ("²" passes str.isdigit, not int), empty values."""

import pytest
from django.test import Client

from coding.models import Activity, Role
from tests.factories import (
    MembershipFactory,
    PIUserFactory,
    ProjectFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ODD = ["²", "9" * 30, "-1", "", "x", "1.5", "٣", "\u202e1"]


@pytest.fixture
def pi_client():
    project = ProjectFactory(slug="p")
    pi = PIUserFactory()
    MembershipFactory(project=project, user=pi, role=Role.PI)
    member = MembershipFactory(project=project, user=UserFactory(), role=Role.CODER)
    source = SourceFactory(project=project)
    client = Client(raise_request_exception=False)
    client.force_login(pi)
    return client, member, source


def test_odd_values_in_posted_forms(pi_client):
    client, member, source = pi_client
    forms = {
        "/projects/p/sources/assign/": ["sources", "coders", "reliability_percent"],
        f"/projects/p/members/{member.pk}/": ["role", "can_ingest"],
        "/projects/p/members/add/": ["username", "role"],
        f"/projects/p/sources/{source.pk}/": ["title", "published_date", "url", "text"],
        "/projects/new/": ["name", "slug", "codebook"],
        "/projects/p/feeds/": ["coders", "interval_minutes", "reliability_share"],
    }
    failures = [
        (url, field, value, status)
        for url, fields in forms.items()
        for field in fields
        for value in ODD
        if (status := client.post(url, {field: value}).status_code) >= 500
    ]
    assert failures == []


@pytest.mark.parametrize(
    "query",
    [
        "/projects/p/sources/?page={v}&coder={v}&status={v}&sort={v}",
        "/projects/p/dashboard/?min_confidence={v}&area={v}&activity={v}&date_from={v}",
        "/projects/p/dashboard/edge/?a={v}&b={v}",
        "/projects/p/events/?page={v}",
        "/projects/p/export/?min_confidence={v}&activity={v}&dyad={v}&since={v}",
        "/projects/p/reliability/?coders={v}&sources={v}&codebook={v}&heatmap={v}",
        "/projects/p/review/?agreed={v}",
        "/projects/p/screening/screen/?source={v}",
        "/projects/p/calibration/sources/1/?coder={v}",
        "/projects/p/ingest/?page={v}",
        "/api/projects/p/events/?min_confidence={v}&page={v}&dyad={v}",
        "/api/projects/p/sources/?coder={v}&page={v}",
    ],
)
def test_odd_values_in_query_strings(pi_client, query):
    client, _, _ = pi_client
    failures = [(v, s) for v in ODD if (s := client.get(query.format(v=v)).status_code) >= 500]
    assert failures == []


def test_odd_numbers_in_a_pis_own_coding(pi_client):
    client, _, source = pi_client
    activity = Activity.objects.filter(area__codebook=source.project.codebook).first()
    post = {"action": "own", "own_start": "0", "own_end": "5", "f_dyad_type": "undirected",
            "f_side_a": "CHN", "f_side_b": "RUS", "f_activity": activity.slug}  # fmt: skip
    url = f"/projects/p/review/sources/{source.pk}/decide/"
    for field in ("f_confidence", "f_date_prec", "own_start"):
        for value in ODD:
            response = client.post(url, {**post, field: value})
            assert response.status_code < 500, (field, value)
