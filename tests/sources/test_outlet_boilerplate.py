"""Boilerplate learned per outlet: lines recurring in an outlet's sources, lines a PI marks;
and putting a removed line back before the source is coded."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from sources.inputs import ItemSpec
from sources.jobs.ingest import create_job, ingest_item
from sources.models import ItemKind, OutletLine
from tests.factories import CodingFactory
from tests.sources.httpserver import running_server

pytestmark = pytest.mark.django_db

RECURRING = "Caspian Watch is reader-supported: become a member today."
ARTICLES = [
    "The navies of Iran and Russia ended their exercise on Friday, officials said, after "
    "five days of drills that included live firing near the port of Astrakhan.",
    "China sent an observer delegation to the exercise for the first time, according to a "
    "statement from the Iranian navy, which gave no further details about its size.",
    "Analysts said the drills were planned long before the latest round of sanctions and "
    "should not be read as a response to them, whatever officials now claim.",
]


def page(article: str) -> bytes:
    body = f"<p>{article}</p><p>{RECURRING}</p><p>{article} It was the third such drill.</p>"
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Drills</title>'
        '<link rel="canonical" href="https://www.caspianwatch.example/a"></head>'
        f"<body><article>{body}</article></body></html>"
    ).encode()


def ingest_html(project, pi, data: bytes, name: str):
    job = create_job(project, pi, [ItemSpec(ItemKind.HTML, name, data)], enqueue=False)
    item = job.items.get()
    ingest_item(item)
    item.refresh_from_db()
    return item.source


def test_a_line_recurring_in_an_outlets_sources_is_dropped_from_then_on(project, pi):
    sources = [ingest_html(project, pi, page(a), f"{n}.html") for n, a in enumerate(ARTICLES)]
    assert [s.outlet_key for s in sources] == ["caspianwatch.example"] * 3
    assert RECURRING in sources[0].text and RECURRING in sources[1].text
    assert RECURRING not in sources[2].text
    assert ARTICLES[2] in sources[2].text
    at = len(ARTICLES[2]) + 2  # it stood after the first paragraph
    removed = sources[2].provenance["removed"]
    assert removed == [
        {"text": RECURRING, "why": "recurs in earlier sources of this outlet", "at": at}
    ]
    assert sources[2].text[:at] == ARTICLES[2] + "\n\n"


def test_a_pi_marks_a_line_and_future_ingests_drop_it(client_for, project, pi):
    first = ingest_html(project, pi, page(ARTICLES[0]), "a.html")
    url = reverse("source-mark-line", args=[project.slug, first.pk])
    assert client_for(pi).post(url, {"line": RECURRING}).status_code == 302
    assert OutletLine.objects.get(marked=True).text == RECURRING
    second = ingest_html(project, pi, page(ARTICLES[1]), "b.html")
    assert RECURRING not in second.text
    assert second.provenance["removed"][0]["why"] == "marked as boilerplate for this outlet"


def test_marking_is_for_pis_and_for_lines_of_the_source(client_for, project, pi, coder):
    first = ingest_html(project, pi, page(ARTICLES[0]), "a.html")
    url = reverse("source-mark-line", args=[project.slug, first.pk])
    assert client_for(coder).post(url, {"line": RECURRING}).status_code == 403
    client_for(pi).post(url, {"line": "A line that is not in the source"})
    assert not OutletLine.objects.filter(marked=True).exists()


def test_a_pi_restores_a_removed_line_before_coding(client_for, project, pi):
    for article in ARTICLES[:2]:
        ingest_html(project, pi, page(article), f"{article[:5]}.html")
    third = ingest_html(project, pi, page(ARTICLES[2]), "c.html")
    url = reverse("source-restore-line", args=[project.slug, third.pk])
    page_html = client_for(pi).get(third.get_absolute_url()).content.decode()
    assert "Restore" in page_html and "recurs in earlier sources of this outlet" in page_html
    assert client_for(pi).post(url, {"index": "0"}).status_code == 302
    third.refresh_from_db()
    assert third.text.split("\n\n")[1] == RECURRING
    assert third.provenance["removed"] == [] and third.provenance["restored"] == [RECURRING]


def test_restoring_is_refused_once_coded(client_for, project, pi):
    for article in ARTICLES[:2]:
        ingest_html(project, pi, page(article), f"{article[:5]}.html")
    third = ingest_html(project, pi, page(ARTICLES[2]), "c.html")
    CodingFactory(source=third)
    url = reverse("source-restore-line", args=[project.slug, third.pk])
    response = client_for(pi).post(url, {"index": "0"}, follow=True)
    assert "its text can no longer change" in response.content.decode()
    third.refresh_from_db()
    assert RECURRING not in third.text
    assert client_for(pi).post(url, {"index": "x"}).status_code == 302  # a message, not a 500


@override_settings(INGEST_ALLOW_HOSTS=["127.0.0.1"])
def test_fetched_pages_learn_by_their_site(project, pi):
    with running_server() as server:
        job = create_job(project, pi, [ItemSpec(ItemKind.URL, server.url("/page"))], enqueue=False)
        ingest_item(job.items.get())
    source = project.sources.get()
    assert source.outlet_key == "127.0.0.1"
    assert OutletLine.objects.filter(outlet_key="127.0.0.1", seen=1).exists()
