"""A PI follows a feed in Chromium, sees its polls, items and errors; a PDF source shows its
provenance (pages, removed running lines)."""

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from coding.models import Role
from sources.feeds.polling import poll_feed
from sources.inputs import file_specs
from sources.jobs.ingest import create_job, ingest_item, run_job
from sources.models import Feed
from tests.factories import MembershipFactory, PIUserFactory, ProjectFactory, UserFactory
from tests.sources.extraction.pdfs import HEADER, two_column_report
from tests.sources.httpserver import running_server

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def project():
    pi = PIUserFactory(username="pi")
    project = ProjectFactory(slug="ties", name="Security ties pilot")
    MembershipFactory(project=project, user=pi, role=Role.PI)
    MembershipFactory(project=project, user=UserFactory(username="coder1"), role=Role.CODER)
    return project


@override_settings(INGEST_ALLOW_HOSTS=["127.0.0.1"])
def test_pi_follows_a_feed_and_sees_how_it_does(page, live_server, login, screenshot, project):
    with running_server() as server:
        login("pi")
        page.goto(f"{live_server.url}/projects/ties/sources/")
        page.get_by_role("link", name="Feeds").click()
        page.get_by_label("Feed URL (RSS or Atom)").fill(server.url("/feed.xml"))
        page.get_by_label("Poll every (minutes)").fill("30")
        page.get_by_label("coder1").check()
        page.get_by_role("button", name="Follow").click()
        expect(page.get_by_text("Feed added")).to_be_visible()
        feed = Feed.objects.get()
        run_job(poll_feed(feed, enqueue=False).job)  # what beat and a worker do
        broken = Feed.objects.create(
            project=feed.project, url=server.url("/status/404"), added_by=feed.added_by
        )
        for _ in range(5):
            poll_feed(broken)
        page.reload()
    rows = page.locator("#feeds tbody tr")
    expect(rows).to_have_count(2)
    meridian = rows.filter(has_text="Meridian notes")
    expect(meridian.locator('[data-field="items_added"]')).to_have_text("2")
    expect(meridian).to_contain_text("Active")
    failing = rows.filter(has_text="/status/404")
    expect(failing).to_contain_text("Paused")
    expect(failing).to_contain_text("HTTP 404")
    screenshot("feeds-list")
    meridian.get_by_role("link", name="Meridian notes").click()
    expect(page.get_by_text("New sources go to")).to_be_visible()
    expect(page.get_by_text("coder1")).to_be_visible()
    screenshot("feed-detail")


def test_pdf_source_shows_its_pages_and_removed_lines(
    page, live_server, login, screenshot, project
):
    job = create_job(project, None, file_specs("report.pdf", two_column_report()), enqueue=False)
    ingest_item(job.items.get())
    source = job.items.get().source
    login("pi")
    page.goto(f"{live_server.url}{source.get_absolute_url()}")
    provenance = page.locator("#provenance")
    expect(provenance).to_contain_text("p. 2 from character")
    expect(provenance).to_contain_text(HEADER)
    expect(provenance).to_contain_text("running header or footer")
    expect(page.locator(".reader")).to_contain_text("maritime security cooperation")
    screenshot("source-pdf-provenance")
