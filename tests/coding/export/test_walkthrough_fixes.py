"""Fixes from the export walkthrough: empty source lists in events.json, filters that could only
match nothing, and the export page's dyad input."""

import csv
import datetime as dt
import io
import json
import re
import zipfile

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook
from rest_framework.test import APIClient

from coding.export.archive import iter_export_zip
from coding.export.columns import EVENT_COLUMNS
from coding.models import Activity, Event
from coding.review import decisions
from tests.factories import (
    ActorFactory,
    CodingFactory,
    DoneAssignmentFactory,
    SourceFactory,
)

SOURCE_LISTS = ["source", "source_url", "source_date", "source_headline"]


# --- 1. source lists: one item per source, in order; no item at all is an empty list --------


def _event(project, pi, sources):
    """One approved event whose evidence is a coding on each source, the first adopted."""
    heads = Activity.objects.get(area__codebook=project.codebook, slug="heads_of_state")
    codings = []
    for source in sources:
        assignment = DoneAssignmentFactory(source=source)
        coding = CodingFactory(
            source=source, coder=assignment.coder, start=0, end=7, activity=heads,
            area=heads.area, event_date=dt.date(2024, 5, 16), date_precision="day",
        )  # fmt: skip
        codings.append(coding)
    event = decisions.accept(pi, project, codings[:1], codings[0]).event
    if codings[1:]:
        decisions.attach(pi, project, codings[1:], event)
    return Event.objects.filter(pk=event.pk)


def _pasted(project, title="Pasted note"):
    return SourceFactory(project=project, title=title, outlet="", url="", published_date=None)


def _online(project):
    return SourceFactory(
        project=project, title="Xi meets Putin", outlet="Xinhua",
        url="https://example.org/xi-putin", published_date=dt.date(2024, 5, 16),
    )  # fmt: skip


def _tables(project, events) -> tuple[dict, dict, dict]:
    """The one event's record in events.json, events.csv and events.xlsx."""
    archive = zipfile.ZipFile(io.BytesIO(b"".join(iter_export_zip(project, events))))
    [record] = json.loads(archive.read("events.json"))
    with archive.open("events.csv") as f:
        [row] = csv.DictReader(io.TextIOWrapper(f, encoding="utf-8", newline=""))
    sheet = load_workbook(io.BytesIO(archive.read("events.xlsx")), read_only=True).active
    header, values = list(sheet.iter_rows(values_only=True))[:2]
    assert list(header) == EVENT_COLUMNS
    cells = {k: "" if v is None else v for k, v in zip(header, values, strict=False)}
    return record, row, cells


def test_a_pasted_source_gives_empty_lists_not_one_empty_item(project, pi):
    record, row, cells = _tables(project, _event(project, pi, [_pasted(project)]))
    assert record["number_of_sources"] == 1
    assert (record["source"], record["source_url"], record["source_date"]) == ([], [], [])
    assert record["source_headline"] == ["Pasted note"]
    for column in ("source", "source_url", "source_date"):
        assert row[column] == cells[column] == "", column
    assert row["source_headline"] == cells["source_headline"] == "Pasted note"


def test_two_pasted_sources_give_empty_lists_and_empty_cells_not_a_lone_separator(project, pi):
    record, row, cells = _tables(
        project, _event(project, pi, [_pasted(project, "One"), _pasted(project, "Two")])
    )
    assert (record["source"], record["source_url"], record["source_date"]) == ([], [], [])
    for column in ("source", "source_url", "source_date"):
        assert row[column] == cells[column] == "", column  # was ';'
    assert record["source_headline"] == ["One", "Two"]


@pytest.mark.parametrize("pasted_first", [False, True])
def test_a_source_without_url_or_date_keeps_its_place_in_every_list(project, pi, pasted_first):
    """GED's source_* lists are parallel, one item per article: the n-th URL and the n-th date
    are the n-th headline's, so a source without them leaves an empty item in its place."""
    sources = [_online(project), _pasted(project)]
    if pasted_first:
        sources.reverse()
    record, row, cells = _tables(project, _event(project, pi, sources))
    online = ["Xinhua", "https://example.org/xi-putin", "2024-05-16", "Xi meets Putin"]
    pasted = ["", "", "", "Pasted note"]
    expected = dict(
        zip(
            SOURCE_LISTS,
            zip(*(pasted, online) if pasted_first else (online, pasted), strict=True),
            strict=True,
        )
    )
    assert record["number_of_sources"] == 2
    for column in SOURCE_LISTS:
        assert record[column] == list(expected[column]), column
        assert row[column] == cells[column] == ";".join(expected[column]), column
        assert len(row[column].split(";")) == 2


# --- 2. filters that could only match nothing are refused -------------------------------------

NOTHING = [
    ("dyad=XXX-YYY", "dyad", "XXX"),
    ("dyad=CHN-YYY", "dyad", "YYY"),
    ("dyad=XXX>RUS", "dyad", "XXX"),
    ("area=contacts&activity=military_exercises", "activity", "contacts"),
]


@pytest.mark.parametrize(("query", "field", "named"), NOTHING)
def test_the_api_refuses_a_filter_that_can_only_match_nothing(
    pi, project, dataset, query, field, named
):
    api = APIClient()
    api.force_authenticate(pi)
    response = api.get(f"/api/projects/{project.slug}/events/?{query}")
    assert response.status_code == 400
    assert named in " ".join(response.json()[field])


@pytest.mark.parametrize(("query", "field", "named"), NOTHING)
def test_the_export_page_refuses_it_with_a_form_error(
    client_for, pi, project, dataset, query, field, named
):
    client = client_for(pi)
    response = client.get(f"/projects/{project.slug}/export/?{query}")
    assert response.status_code == 400
    page = response.content.decode()
    errors = re.search(r'<ul class="errorlist" id="filter-errors">(.*?)</ul>', page, re.S)
    assert errors and named in errors.group(1) and "download-zip" not in page
    download = client.get(f"/projects/{project.slug}/export/events.zip?{query}")
    assert download.status_code == 400 and named in download.content.decode()


@pytest.mark.parametrize(("query", "field", "named"), NOTHING)
def test_the_command_refuses_it(project, dataset, tmp_path, query, field, named):
    args = [a for pair in query.split("&") for a in (f"--{pair.split('=')[0]}", pair.split("=")[1])]
    with pytest.raises(CommandError, match=f"{field}.*{named}"):
        call_command("export_events", "--project", project.slug, "--out", tmp_path / "x.zip", *args)
    assert not (tmp_path / "x.zip").exists()


def test_a_message_says_which_area_the_activity_is_in(pi, project, dataset):
    api = APIClient()
    api.force_authenticate(pi)
    response = api.get(f"/api/projects/{project.slug}/events/?area=contacts&activity=arms_sales")
    [message] = response.json()["activity"]
    assert "arms_sales" in message and "contacts" in message
    assert "preparations_for_war" in message  # where arms_sales is


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ("area=preparations_for_war&activity=military_exercises", 1),
        ("area=contacts&activity=heads_of_state", 1),
        ("dyad=CHN-PRK", 0),  # actors of the codebook that no event pairs: no error
        ("dyad=prk>chn", 0),
        ("dyad=CHN-BLR", 0),
        ("dyad=IRN-CHN", 1),
    ],
)
def test_possible_filters_still_pass(pi, project, dataset, query, count):
    ActorFactory(codebook=project.codebook, name="Belarus", iso3="BLR", cow_code=370)
    api = APIClient()
    api.force_authenticate(pi)
    response = api.get(f"/api/projects/{project.slug}/events/?{query}")
    assert response.status_code == 200 and response.json()["count"] == count


# --- 3. the dyad input is wide enough for its hint ---------------------------------------------


def test_the_dyad_input_is_sized_for_its_placeholder(client_for, pi, project):
    page = client_for(pi).get(f"/projects/{project.slug}/export/").content.decode()
    tag = re.search(r'<input type="text" name="dyad".*?</label>', page).group(0)
    placeholder = re.search(r'placeholder="([^"]*)"', tag).group(1)
    assert placeholder.replace("&gt;", ">") == "CHN-RUS or RUS>PRK"
    assert int(re.search(r'size="(\d+)"', tag).group(1)) >= len("CHN-RUS or RUS>PRK")
    assert 'id="filter-dyad"' in tag
