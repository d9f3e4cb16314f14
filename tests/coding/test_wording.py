"""What pages say: a verb agrees with its count, a line has no separator before nothing, a form
field's limits are the server's, a count is of what a coder can choose."""

import datetime as dt
import re

import pytest
from django.template.loader import render_to_string

from coding.models import Activity
from tests.factories import EventFactory, SourceFactory

pytestmark = pytest.mark.django_db


def text_of(html: str) -> str:
    """The page's words, tags dropped and white space made single."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize(
    ("events", "said"), [(0, "0 events match."), (1, "1 event matches."), (2, "2 events match.")]
)
def test_export_count_agrees_with_its_verb(client_for, pi, project, events, said):
    EventFactory.create_batch(events, project=project)
    page = client_for(pi).get(f"/projects/{project.slug}/export/")
    assert page.status_code == 200
    assert said in text_of(page.content.decode())


@pytest.fixture
def screening(project):
    project.screening_required = True
    project.screening_double_percent = 0
    project.save()
    return project


def relevance_line(html: str) -> str:
    aside = html.split('<aside class="card screen-side">', 1)[1]
    return text_of(aside.split("</p>", 1)[0]).strip()


@pytest.mark.parametrize(
    ("outlet", "published", "line"),
    [
        ("", None, "relevance"),
        ("Example Wire", None, "Example Wire · relevance"),
        ("", dt.date(2024, 6, 19), "June 19, 2024 · relevance"),
        ("Example Wire", dt.date(2024, 6, 19), "Example Wire · June 19, 2024 · relevance"),
    ],
)
def test_screening_line_puts_separators_only_between_parts(
    client_for, coder, screening, outlet, published, line
):
    SourceFactory(
        project=screening, outlet=outlet, published_date=published,
        text="China and Russia held a naval drill.",
    )  # fmt: skip
    page = client_for(coder).get(f"/projects/{screening.slug}/screening/screen/")
    said = relevance_line(page.content.decode())
    assert said.startswith(line), said
    assert not said.startswith("·") and "· ·" not in said


def test_screening_agreement_names_no_figures_the_page_lacks():
    # the card is on the screening page (nothing below it) and the reliability page
    agreement = {"alpha": 0.8, "percent": 0.9, "sources": 12, "screeners": 2}
    html = text_of(
        render_to_string("coding/screening/agreement_card.html", {"agreement": agreement})
    )
    assert "12 double-screened sources and 2 screeners" in html
    assert "figures below" not in html
    assert "enter the coding queues and the reliability sample." in html


def test_screening_share_field_has_the_servers_limits(client_for, pi, screening):
    client = client_for(pi)
    html = client.get(f"/projects/{screening.slug}/screening/").content.decode()
    field = re.search(r'<input[^>]*name="screening_double_percent"[^>]*>', html).group(0)
    assert 'min="0"' in field and 'max="100"' in field and 'value="0"' in field
    assert 'type="number"' in field and "required" in field
    # the server's rule is the same: 100 is taken, 150 refused and shown again
    assert (
        client.post(
            f"/projects/{screening.slug}/screening/", {"screening_double_percent": "100"}
        ).status_code
        == 302
    )
    refused = client.post(
        f"/projects/{screening.slug}/screening/", {"screening_double_percent": "150"}
    ).content.decode()
    assert "less than or equal to 100" in refused
    field = re.search(r'<input[^>]*name="screening_double_percent"[^>]*>', refused).group(0)
    assert 'value="150"' in field and 'aria-invalid="true"' in field and 'max="100"' in field


def test_project_page_counts_the_activities_a_coder_can_choose(client_for, coder, project):
    war = project.codebook.areas.get(slug="preparations_for_war")
    Activity.objects.filter(area=war, slug="arms_sales").update(enabled=False)
    html = text_of(client_for(coder).get(f"/projects/{project.slug}/").content.decode())
    assert "Preparations for war · 1 activity (1 more not enabled)" in html
    assert "Contacts · 1 activity " in html
