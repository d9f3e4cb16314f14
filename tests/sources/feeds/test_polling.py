"""Polling feeds in-process: new entries once, duplicates never, failures pause the feed."""

from __future__ import annotations

import pytest
from django.test import override_settings

from coding.models import Assignment, Role
from sources.feeds.polling import due_feeds, poll_due_feeds, poll_feed
from sources.jobs.ingest import ingest_item
from sources.models import Feed, FeedEntry, ItemStatus
from tests.factories import MembershipFactory, UserFactory
from tests.sources.httpserver import running_server

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("allow_local")]


@pytest.fixture
def allow_local():
    with override_settings(INGEST_ALLOW_HOSTS=["127.0.0.1"], FEED_MAX_FAILURES=3):
        yield


@pytest.fixture
def server():
    with running_server() as running:
        yield running


def run_items(job) -> None:
    for item in job.items.all():
        ingest_item(item)


def test_new_entries_are_ingested_once(project, pi, server) -> None:
    feed = Feed.objects.create(project=project, url=server.url("/feed.xml"), added_by=pi)
    result = poll_feed(feed, enqueue=False)
    assert result.added == 2 and result.error == ""
    run_items(result.job)
    titles = set(project.sources.values_list("title", flat=True))
    assert "Drills Without an Alliance: Reading the 2025 Trilateral Naval Exercise" in titles
    assert any("Министр обороны" in t for t in titles)
    feed.refresh_from_db()
    assert (feed.title, feed.items_added, feed.failures) == ("Meridian notes", 2, 0)
    assert feed.last_polled_at is not None
    again = poll_feed(feed, enqueue=False)
    assert again.added == 0 and again.job is None
    assert project.sources.count() == 2 and FeedEntry.objects.filter(feed=feed).count() == 2


def test_an_entry_the_project_has_is_a_duplicate(project, pi, server) -> None:
    rss = Feed.objects.create(project=project, url=server.url("/feed.xml"), added_by=pi)
    run_items(poll_feed(rss, enqueue=False).job)
    atom = Feed.objects.create(project=project, url=server.url("/atom.xml"), added_by=pi)
    result = poll_feed(atom, enqueue=False)
    run_items(result.job)
    assert result.job.items.get().status == ItemStatus.DUPLICATE
    assert project.sources.count() == 2


def test_new_sources_are_assigned_by_the_feeds_rule(project, pi, server) -> None:
    coders = [UserFactory(username=f"c{n}") for n in range(2)]
    for coder in coders:
        MembershipFactory(project=project, user=coder, role=Role.CODER)
    feed = Feed.objects.create(project=project, url=server.url("/feed.xml"), added_by=pi)
    feed.coders.set(coders)
    run_items(poll_feed(feed, enqueue=False).job)
    per_coder = [Assignment.objects.filter(coder=c).count() for c in coders]
    assert per_coder == [1, 1]  # the least loaded coder each time


@pytest.mark.parametrize(
    ("path", "reason"), [("/status/404", "404"), ("/page", "not an RSS or Atom feed")]
)
def test_failing_feed_is_paused_with_its_error(project, pi, server, path, reason) -> None:
    feed = Feed.objects.create(project=project, url=server.url(path), added_by=pi)
    for _ in range(3):
        result = poll_feed(feed)
        assert reason in result.error
    feed.refresh_from_db()
    assert feed.paused and feed.failures == 3 and reason in feed.last_error
    assert not due_feeds().filter(pk=feed.pk).exists()


def test_only_due_feeds_are_polled(project, pi, server, django_capture_on_commit_callbacks):
    from django.utils import timezone

    due = Feed.objects.create(project=project, url=server.url("/feed.xml"), added_by=pi)
    later = Feed.objects.create(
        project=project,
        url=server.url("/atom.xml"),
        added_by=pi,
        next_poll_at=timezone.now() + timezone.timedelta(minutes=30),
    )
    with django_capture_on_commit_callbacks():  # queueing is not under test here
        results = poll_due_feeds()
    assert [r.added for r in results] == [2]
    due.refresh_from_db()
    later.refresh_from_db()
    assert due.next_poll_at > timezone.now() and later.last_polled_at is None


def test_poll_feeds_command_runs_new_entries(project, pi, server) -> None:
    from io import StringIO

    from django.core.management import call_command

    Feed.objects.create(project=project, url=server.url("/feed.xml"), added_by=pi)
    broken = Feed.objects.create(project=project, url=server.url("/status/404"), added_by=pi)
    out = StringIO()
    call_command("poll_feeds", "--run", stdout=out)
    text = out.getvalue()
    assert "polled  Meridian notes: 2 new" in text and "job #" in text
    assert f"failed  {broken.url}: HTTP 404" in text
    assert project.sources.count() == 2
    out = StringIO()
    call_command("poll_feeds", "--all", "--run", stdout=out)
    assert "Meridian notes: 0 new" in out.getvalue()
