"""The feeds page, per role, and its bad input."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coding.models import Role
from sources.models import Feed
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def feed(project, pi):
    return Feed.objects.create(
        project=project,
        url="https://news.example/rss",
        title="News",
        added_by=pi,
        paused=True,
        failures=5,
        last_error="HTTP 503 from the server",
    )


def urls(project, feed) -> dict[str, str]:
    return {
        "list": reverse("feed-list", args=[project.slug]),
        "detail": reverse("feed-detail", args=[project.slug, feed.pk]),
    }


@pytest.mark.parametrize("name", ["list", "detail"])
def test_anonymous_outsider_and_coder_are_refused(
    client, client_for, project, feed, outsider, coder, name
):
    url = urls(project, feed)[name]
    assert "/accounts/login/" in client.get(url)["Location"]
    assert client_for(outsider).get(url).status_code == 404
    assert client_for(coder).get(url).status_code == 403


def test_ingesting_coder_cannot_manage_feeds(client_for, project, feed):
    user = UserFactory(username="ingesting")
    MembershipFactory(project=project, user=user, role=Role.CODER, can_ingest=True)
    client = client_for(user)
    assert client.get(urls(project, feed)["list"]).status_code == 403
    resume = reverse("feed-action", args=[project.slug, feed.pk, "resume"])
    assert client.post(resume).status_code == 403
    feed.refresh_from_db()
    assert feed.paused


def test_pi_sees_last_poll_items_and_the_error_of_a_paused_feed(client_for, project, feed, pi):
    page = client_for(pi).get(urls(project, feed)["list"]).content.decode()
    assert "Paused" in page and "HTTP 503 from the server" in page and "Resume" in page
    detail = client_for(pi).get(urls(project, feed)["detail"]).content.decode()
    assert "HTTP 503 from the server" in detail


def test_pi_follows_a_feed(client_for, project, pi, coder):
    response = client_for(pi).post(
        reverse("feed-list", args=[project.slug]),
        {
            "url": "https://news.example/atom",
            "interval_minutes": 30,
            "coders": [coder.pk],
            "reliability_percent": 20,  # percent, as in the sources list's assignment
        },
    )
    assert response.status_code == 302
    feed = project.feeds.get(url="https://news.example/atom")
    assert feed.interval_minutes == 30 and list(feed.coders.all()) == [coder]
    assert feed.reliability_share == 0.2
    assert feed.next_poll_at is not None and feed.added_by == pi


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (
            {"url": "ftp://news.example/rss", "interval_minutes": 60, "reliability_percent": 0},
            "not an http(s) URL",
        ),
        (
            {"url": "https://news.example/rss", "interval_minutes": 60, "reliability_percent": 0},
            "already",
        ),
        (
            {"url": "https://a.example/rss", "interval_minutes": 1, "reliability_percent": 0},
            "5 minutes",
        ),
        (
            {"url": "https://a.example/rss", "interval_minutes": 60, "reliability_percent": 101},
            "less than or equal to 100",
        ),
    ],
)
def test_bad_feed_input_is_a_form_error(client_for, project, feed, pi, data, error):
    response = client_for(pi).post(reverse("feed-list", args=[project.slug]), data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert project.feeds.count() == 1


def test_pi_resumes_a_paused_feed_and_removes_one(client_for, project, feed, pi):
    client = client_for(pi)
    client.post(reverse("feed-action", args=[project.slug, feed.pk, "resume"]))
    feed.refresh_from_db()
    assert not feed.paused and feed.failures == 0
    assert (
        client.get(reverse("feed-action", args=[project.slug, feed.pk, "resume"])).status_code
        == 405
    )
    client.post(reverse("feed-action", args=[project.slug, feed.pk, "delete"]))
    assert not project.feeds.exists()
