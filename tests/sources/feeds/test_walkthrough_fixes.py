"""Fixes from the feeds walkthrough: private hosts refused when a feed is added, URLs normalized
before the duplicate check, unknown actions a 404, a feed edited and paused from its pages."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from sources.feeds.polling import poll_feed
from sources.feeds.subscriptions import check_feed_url
from sources.models import Feed

pytestmark = pytest.mark.django_db

FORM = {"interval_minutes": 60, "reliability_percent": 0}


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def add_on_page(client, project, url):
    return client.post(reverse("feed-list", args=[project.slug]), {"url": url, **FORM})


# --- 1. private and loopback hosts are refused when the feed is added ---------------------

REFUSED = [
    ("http://127.0.0.1:8092/feed.xml", "refused: loopback address"),
    ("http://10.1.2.3/feed.xml", "refused: private address"),
    ("http://192.168.1.20/rss", "refused: private address"),
    ("http://169.254.169.254/latest/meta-data/", "refused: link-local address"),
    ("http://[::1]/feed.xml", "refused: loopback address"),
    ("http://[::ffff:127.0.0.1]/feed.xml", "refused: loopback address"),
    ("http://0.0.0.0/feed.xml", "refused: unspecified address"),
    ("http://224.0.0.1/feed.xml", "refused: multicast address"),
    ("http://240.0.0.1/feed.xml", "refused: reserved address"),
    ("http://[fe80::1]/feed.xml", "refused: link-local address"),
    ("http://localhost:8092/feed.xml", "refused: loopback address"),
    ("http://feeds.localhost/feed.xml", "refused: loopback address"),
]
# spellings the resolver takes (Django's URL validator refuses them first on the page and API)
ODD_SPELLINGS = [
    "http://127.1/feed.xml",
    "http://2130706433/feed.xml",
    "http://0x7f000001/feed.xml",
    "http://0177.0.0.1/feed.xml",
    "http://LOCALHOST./feed.xml",
]


@pytest.mark.parametrize(("url", "reason"), REFUSED)
def test_a_private_host_is_a_form_error_when_the_feed_is_added(
    client_for, project, pi, url, reason
):
    response = add_on_page(client_for(pi), project, url)
    assert response.status_code == 200
    assert reason in response.content.decode()
    assert "Feed added" not in response.content.decode()
    assert not project.feeds.exists()


@pytest.mark.parametrize(("url", "reason"), REFUSED)
def test_a_private_host_is_a_400_from_the_api(project, pi, url, reason):
    answer = api(pi).post(f"/api/projects/{project.slug}/feeds/", {"url": url}, format="json")
    assert answer.status_code == 400, answer.content
    assert answer.json()["url"] == [reason]
    assert not project.feeds.exists()


@pytest.mark.parametrize("url", ODD_SPELLINGS)
def test_odd_spellings_of_loopback_are_refused_by_the_check_itself(project, url):
    with pytest.raises(ValidationError, match="refused: loopback address"):
        check_feed_url(project, url)


def test_the_reason_is_the_one_the_fetcher_gives_at_the_poll(project, pi, settings):
    # a feed stored before the add-time check: its poll fails with the same words
    feed = Feed.objects.create(project=project, url="http://10.1.2.3/feed.xml", added_by=pi)
    assert poll_feed(feed, enqueue=False).error == "refused: private address"


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8092/feed.xml", "http://localhost:8092/feed.xml"],
)
def test_a_host_allowed_by_the_setting_is_accepted(client_for, project, pi, settings, url):
    settings.INGEST_ALLOW_HOSTS = ["127.0.0.1", "localhost"]
    assert add_on_page(client_for(pi), project, url).status_code == 302
    assert project.feeds.get().url == url
    answer = api(pi).post(
        f"/api/projects/{project.slug}/feeds/", {"url": url + "?api"}, format="json"
    )
    assert answer.status_code == 201, answer.content


def test_the_allow_list_matches_the_host_as_written(client_for, project, pi, settings):
    settings.INGEST_ALLOW_HOSTS = ["127.0.0.1"]
    with pytest.raises(ValidationError, match="refused: loopback address"):
        check_feed_url(project, "http://127.1/feed.xml")
    response = add_on_page(client_for(pi), project, "http://[::ffff:127.0.0.1]/feed.xml")
    assert "refused: loopback address" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    ["https://news.example/rss", "http://93.184.215.14/feed.xml", "http://[2606:4700::1]/rss"],
)
def test_public_addresses_and_names_are_accepted_names_unresolved(client_for, project, pi, url):
    # "news.example" does not resolve: a name is judged at every poll, not when added
    assert add_on_page(client_for(pi), project, url).status_code == 302
    assert project.feeds.count() == 1


# --- 2. URLs are normalized before the duplicate check and stored so ----------------------


def test_a_second_spelling_of_a_followed_feed_is_refused(client_for, project, pi, settings):
    settings.INGEST_ALLOW_HOSTS = ["127.0.0.1"]
    client = client_for(pi)
    assert add_on_page(client, project, "http://127.0.0.1:8092/feed.xml").status_code == 302
    for spelling in [
        "HTTP://127.0.0.1:8092/feed.xml#x",
        "http://127.0.0.1:8092/feed.xml#",
        " http://127.0.0.1:8092/feed.xml ",
    ]:
        response = add_on_page(client, project, spelling)
        assert response.status_code == 200, spelling
        assert "The project follows this feed already." in response.content.decode()
        answer = api(pi).post(
            f"/api/projects/{project.slug}/feeds/", {"url": spelling}, format="json"
        )
        assert answer.status_code == 400, (spelling, answer.content)
    assert project.feeds.count() == 1


def test_the_url_is_stored_normalized_keeping_path_and_query_case(client_for, project, pi):
    client = client_for(pi)
    url = "HTTPS://News.Example:443/Feeds/RSS.xml?Section=World#top"
    assert add_on_page(client, project, url).status_code == 302
    assert project.feeds.get().url == "https://news.example/Feeds/RSS.xml?Section=World"
    # another path or query case is another feed
    assert add_on_page(client, project, "https://news.example/feeds/rss.xml").status_code == 302
    answer = api(pi).post(
        f"/api/projects/{project.slug}/feeds/",
        {"url": "http://News.Example:80/Feed?Q=1#frag"},
        format="json",
    )
    assert answer.status_code == 201 and answer.json()["url"] == "http://news.example/Feed?Q=1"


def test_a_feed_stored_before_normalization_still_counts(client_for, project, pi):
    Feed.objects.create(project=project, url="HTTPS://News.Example/rss#old", added_by=pi)
    response = add_on_page(client_for(pi), project, "https://news.example/rss")
    assert "The project follows this feed already." in response.content.decode()
    feed = project.feeds.get()
    answer = api(pi).put(
        f"/api/projects/{project.slug}/feeds/{feed.pk}/",
        {"url": "https://news.example/rss", "interval_minutes": 30},
        format="json",
    )
    assert answer.status_code == 200, answer.content  # the same feed, not a URL change


# --- 3. unknown actions; editing and pausing from the pages -------------------------------


@pytest.fixture
def feed(project, pi):
    return Feed.objects.create(
        project=project, url="https://news.example/rss", title="News", added_by=pi
    )


def test_an_unknown_feed_action_is_a_404(client_for, project, pi, feed):
    response = client_for(pi).post(reverse("feed-action", args=[project.slug, feed.pk, "stop"]))
    assert response.status_code == 404
    feed.refresh_from_db()
    assert Feed.objects.filter(pk=feed.pk).exists() and not feed.paused


def test_pi_pauses_a_feed_from_the_table_and_poll_now_is_gone(client_for, project, pi, feed):
    client = client_for(pi)
    page = client.get(reverse("feed-list", args=[project.slug])).content.decode()
    pause_url = reverse("feed-action", args=[project.slug, feed.pk, "pause"])
    assert f'action="{pause_url}"' in page
    response = client.post(pause_url, follow=True)
    feed.refresh_from_db()
    assert feed.paused
    assert "News paused" in response.content.decode()
    page = client.get(reverse("feed-list", args=[project.slug])).content.decode()
    assert f'action="{pause_url}"' not in page and "Resume" in page and "Poll now" not in page


def test_poll_now_on_a_paused_feed_says_it_is_paused(client_for, project, pi, feed):
    feed.paused = True
    feed.save()
    response = client_for(pi).post(
        reverse("feed-action", args=[project.slug, feed.pk, "poll"]), follow=True
    )
    assert "is paused: resume it to poll it" in response.content.decode()


def test_pi_edits_title_interval_coders_and_share_on_the_edit_page(
    client_for, project, pi, coder, feed
):
    client = client_for(pi)
    url = reverse("feed-edit", args=[project.slug, feed.pk])
    detail = client.get(reverse("feed-detail", args=[project.slug, feed.pk])).content.decode()
    assert f'href="{url}"' in detail  # the feed's page links to the form
    page = client.get(url).content.decode()
    assert 'id="edit-feed"' in page and 'name="url"' not in page  # the URL is set once
    assert 'value="News"' in page and 'value="60"' in page
    Feed.objects.filter(pk=feed.pk).update(items_added=7)  # a poll meanwhile
    response = client.post(
        url,
        {
            "title": "World news",
            "interval_minutes": 15,
            "coders": [coder.pk],
            "reliability_percent": 25,
            "url": "https://elsewhere.example/rss",  # ignored
        },
    )
    assert response.status_code == 302
    feed.refresh_from_db()
    assert (feed.title, feed.interval_minutes, feed.reliability_share) == ("World news", 15, 0.25)
    assert list(feed.coders.all()) == [coder]
    assert feed.url == "https://news.example/rss" and feed.items_added == 7


def test_a_bad_edit_is_a_form_error(client_for, project, pi, feed):
    response = client_for(pi).post(
        reverse("feed-edit", args=[project.slug, feed.pk]),
        {"title": "x", "interval_minutes": 1, "reliability_percent": 0},
    )
    assert response.status_code == 200 and "5 minutes" in response.content.decode()
    feed.refresh_from_db()
    assert feed.interval_minutes == 60 and feed.title == "News"


def test_a_coder_cannot_edit_or_pause(client_for, project, coder, feed):
    client = client_for(coder)
    url = reverse("feed-edit", args=[project.slug, feed.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"title": "x", "interval_minutes": 5}).status_code == 403
    pause_url = reverse("feed-action", args=[project.slug, feed.pk, "pause"])
    assert client.post(pause_url).status_code == 403
    feed.refresh_from_db()
    assert feed.title == "News" and not feed.paused


# --- 4. the feeds table: a cell of its row, in a box that shows it scrolls ----------------


def test_the_feeds_table_scrolls_in_a_marked_box_and_its_actions_cell_is_a_cell(
    client_for, project, pi, feed
):
    page = client_for(pi).get(reverse("feed-list", args=[project.slug])).content.decode()
    box = '<div class="card"><div class="table-scroll scroll-cue">\n<table class="table" id="feeds"'
    assert box in page
    assert '<td class="actions">' not in page  # display:flex on a cell broke its row
    assert '<td class="feed-actions"><div class="actions">' in page


def test_an_api_change_leaves_what_a_poll_recorded_meanwhile(project, pi, coder, feed, monkeypatch):
    """The page saved only the settings; the API saved the whole row it had read, so a poll's
    outcome recorded in between (items added, failures) was written back as it was before."""
    from sources.feeds.api import FeedViewSet

    stale = Feed.objects.get(pk=feed.pk)  # read before the poll ends
    Feed.objects.filter(pk=feed.pk).update(items_added=7, failures=2)  # the poll's outcome
    monkeypatch.setattr(FeedViewSet, "get_object", lambda self: stale)
    response = api(pi).patch(
        f"/api/projects/{project.slug}/feeds/{feed.pk}/",
        {"title": "World news", "interval_minutes": 15, "coders": [coder.pk]},
        format="json",
    )
    assert response.status_code == 200, response.content
    feed.refresh_from_db()
    assert (feed.title, feed.interval_minutes) == ("World news", 15)
    assert list(feed.coders.all()) == [coder]
    assert (feed.items_added, feed.failures) == (7, 2)
