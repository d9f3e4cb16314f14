"""The feeds API (/api/projects/<slug>/feeds/), per role, with its bad input."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from sources.models import Feed
from tests.factories import ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


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


def base(project) -> str:
    return f"/api/projects/{project.slug}/feeds/"


def detail(project, feed) -> str:
    return f"{base(project)}{feed.pk}/"


def requests(project, feed) -> list[tuple[str, str, dict | None]]:
    return [
        ("get", base(project), None),
        ("post", base(project), {"url": "https://other.example/feed.xml"}),
        ("get", detail(project, feed), None),
        ("patch", detail(project, feed), {"interval_minutes": 30}),
        ("put", detail(project, feed), {"url": feed.url, "interval_minutes": 30}),
        ("delete", detail(project, feed), None),
        ("post", f"{detail(project, feed)}poll/", None),
    ]


def test_anonymous_is_refused_everything(project, feed):
    for method, url, data in requests(project, feed):
        answer = getattr(api(), method)(url, data, format="json")
        assert answer.status_code in (401, 403), (method, url)
    assert Feed.objects.filter(project=project).count() == 1


def test_coder_is_forbidden_and_outsider_does_not_see_the_project(project, feed, coder, outsider):
    for user, expected in [(coder, 403), (outsider, 404)]:
        for method, url, data in requests(project, feed):
            answer = getattr(api(user), method)(url, data, format="json")
            assert answer.status_code == expected, (user, method, url, answer.content)
    feed.refresh_from_db()
    assert feed.interval_minutes == 60 and Feed.objects.count() == 1


def test_pi_of_another_project_cannot_reach_this_projects_feed(project, feed):
    other = ProjectFactory()
    from coding.models import Role
    from tests.factories import MembershipFactory, PIUserFactory

    their_pi = PIUserFactory(username="their-pi")
    MembershipFactory(project=other, user=their_pi, role=Role.PI)
    assert api(their_pi).get(f"/api/projects/{other.slug}/feeds/{feed.pk}/").status_code == 404
    assert api(their_pi).delete(f"/api/projects/{other.slug}/feeds/{feed.pk}/").status_code == 404
    assert Feed.objects.filter(pk=feed.pk).exists()


def test_pi_lists_and_reads_feeds_with_their_state(project, pi, feed):
    answer = api(pi).get(base(project))
    assert answer.status_code == 200
    (row,) = answer.json()
    assert row["id"] == feed.pk and row["url"] == "https://news.example/rss"
    assert row["paused"] is True and row["failures"] == 5
    assert row["last_error"] == "HTTP 503 from the server"
    assert api(pi).get(detail(project, feed)).json()["title"] == "News"


def test_pi_subscribes_with_coders_and_share(project, pi, coder):
    data = {
        "url": " https://news.example/atom.xml ",
        "title": "Atom",
        "interval_minutes": 15,
        "coders": [coder.pk],
        "reliability_share": 0.25,
    }
    answer = api(pi).post(base(project), data, format="json")
    assert answer.status_code == 201, answer.content
    feed = Feed.objects.get(pk=answer.json()["id"])
    assert (feed.url, feed.interval_minutes, feed.reliability_share) == (
        "https://news.example/atom.xml",
        15,
        0.25,
    )
    assert list(feed.coders.all()) == [coder] and feed.added_by == pi
    assert feed.next_poll_at is not None and not feed.paused  # polled at the next beat


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"url": "ftp://news.example/rss"}, "url", "not an http(s) URL"),
        ({"url": "http://user:pw@news.example/rss"}, "url", "credentials"),
        ({"url": "https://news.example/rss"}, "url", "follows this feed already"),
        ({"url": "https://a.example/", "interval_minutes": 1}, "interval_minutes", "5"),
        ({"url": "https://a.example/", "interval_minutes": 10**12}, "interval_minutes", "43200"),
        ({"url": "https://a.example/", "reliability_share": 1.5}, "reliability_share", "1"),
        ({"url": "https://a.example/", "reliability_share": "NaN"}, "reliability_share", ""),
        ({"url": "https://a.example/", "coders": [999999]}, "coders", "Invalid pk"),
        ({"url": "https://a.example/", "coders": [10**30]}, "coders", ""),
        ({"title": "no URL"}, "url", "required"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(project, pi, feed, data, field, message):
    answer = api(pi).post(base(project), data, format="json")
    assert answer.status_code == 400, answer.content
    assert message in " ".join(answer.json()[field])
    assert Feed.objects.count() == 1


def test_coders_are_chosen_among_the_projects_members(project, pi):
    stranger = UserFactory(username="stranger")
    data = {"url": "https://a.example/rss", "coders": [stranger.pk]}
    answer = api(pi).post(base(project), data, format="json")
    assert answer.status_code == 400 and "coders" in answer.json()


def test_pi_changes_interval_coders_and_share(project, pi, coder, feed):
    data = {"interval_minutes": 120, "coders": [coder.pk], "reliability_share": 0.5}
    answer = api(pi).patch(detail(project, feed), data, format="json")
    assert answer.status_code == 200, answer.content
    feed.refresh_from_db()
    assert (feed.interval_minutes, feed.reliability_share) == (120, 0.5)
    assert list(feed.coders.all()) == [coder]
    assert feed.paused  # untouched


def test_the_url_cannot_change(project, pi, feed):
    answer = api(pi).patch(detail(project, feed), {"url": "https://b.example/"}, format="json")
    assert answer.status_code == 400 and "cannot change" in answer.json()["url"][0]


def test_unpausing_resumes_and_pausing_pauses(project, pi, feed):
    answer = api(pi).patch(detail(project, feed), {"paused": False}, format="json")
    assert answer.status_code == 200
    feed.refresh_from_db()
    assert not feed.paused and feed.failures == 0 and feed.next_poll_at is not None
    assert api(pi).patch(detail(project, feed), {"paused": True}, format="json").json()["paused"]
    feed.refresh_from_db()
    assert feed.paused


def test_poll_now_makes_an_active_feed_due_and_refuses_a_paused_one(project, pi, feed):
    from sources.feeds.polling import due_feeds

    poll = f"{detail(project, feed)}poll/"
    answer = api(pi).post(poll)
    assert answer.status_code == 409 and "resume" in answer.json()["detail"]
    assert feed not in due_feeds()
    Feed.objects.filter(pk=feed.pk).update(paused=False, next_poll_at="2999-01-01T00:00Z")
    assert feed not in due_feeds()
    assert api(pi).post(poll).status_code == 202
    assert feed in due_feeds()


def test_pi_removes_a_feed_and_its_sources_stay(project, pi, feed):
    from tests.factories import SourceFactory

    source = SourceFactory(project=project)
    assert api(pi).delete(detail(project, feed)).status_code == 204
    assert not Feed.objects.exists() and project.sources.filter(pk=source.pk).exists()


@pytest.mark.parametrize("suffix", ["abc/", "1.5/", "-1/", "%C2%B2/", f"{10**30}/"])
def test_ids_must_be_digits(project, pi, suffix):
    assert api(pi).get(base(project) + suffix).status_code == 404
