import csv
import io
import json
import zipfile

from openpyxl import load_workbook

from coding.export.archive import iter_export_zip, write_export_zip
from coding.export.columns import EVENT_COLUMNS
from coding.models import Activity, Event, EventEvidence
from coding.review import decisions
from tests.coding.export.conftest import HEADLINE, NOTE, OUTLET
from tests.factories import CodingFactory, SourceFactory, UserFactory


def expected(event) -> dict:
    """The events.csv row of an event, computed from the models independently of the export."""
    evidence = list(
        event.evidence.select_related("coding__source", "coding__coder").order_by(
            "-primary", "coding__source_id", "coding_id"
        )
    )
    sources = list({e.coding.source_id: e.coding.source for e in evidence}.values())
    states = {p.iso3 for p in event.participants.all()} | {
        s.iso3 for s in (event.side_a, event.side_b) if s
    }

    def text(value):
        return "" if value is None else str(value)

    return {
        "event_id": event.event_id,
        "event_date": text(event.event_date),
        "event_date_end": text(event.event_date_end),
        "date_prec": text(event.date_prec),
        "year": text(event.event_date.year),
        "area": event.area.slug,
        "activity": event.activity.slug,
        "dyad_type": event.dyad_type,
        "side_a_iso3": event.side_a.iso3 if event.side_a else "",
        "side_b_iso3": event.side_b.iso3 if event.side_b else "",
        "side_a_ccode": text(event.side_a.cow_code) if event.side_a else "",
        "side_b_ccode": text(event.side_b.cow_code) if event.side_b else "",
        "participants_iso3": ";".join(sorted(states)),
        "setting": event.setting,
        "forum": event.forum,
        "confidence": text(event.confidence),
        "notes": event.note,
        "number_of_sources": text(len(sources)),
        "source": ";".join(s.outlet for s in sources),
        "source_url": ";".join(s.url for s in sources),
        "source_date": ";".join(text(s.published_date) for s in sources),
        "source_headline": ";".join(s.title.replace(";", ",") for s in sources),
        "coders": ";".join(sorted({e.coding.coder.username for e in evidence})),
        "approved_by": event.approved_by.username,
        "coded_date": event.approved_at.date().isoformat(),
        "last_modified": event.last_modified.isoformat(),
        "codebook_version": f"{event.codebook.name} v{event.codebook.version}",
    }


def export(project, events) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(iter_export_zip(project, events))))


def read_csv(archive, name):
    with archive.open(name) as f:
        return list(csv.DictReader(io.TextIOWrapper(f, encoding="utf-8", newline="")))


def test_zip_holds_every_file(project, dataset):
    names = set(export(project, dataset).namelist())
    assert names == {
        "events.csv", "evidence.csv", "dyad_year.csv", "events.json", "events.xlsx",
        "datapackage.json", "codebook.json", "codebook.qdc", "README.md",
    }  # fmt: skip


def test_events_csv_round_trips_exactly_with_non_latin_text(project, dataset):
    archive = export(project, dataset)
    with archive.open("events.csv") as f:
        header = next(csv.reader(io.TextIOWrapper(f, encoding="utf-8", newline="")))
    assert header == EVENT_COLUMNS
    rows = {r["event_id"]: r for r in read_csv(archive, "events.csv")}
    assert len(rows) == 3
    for event in dataset:
        assert rows[event.event_id] == expected(event)
    summit = next(r for r in rows.values() if r["number_of_sources"] == "2")
    assert summit["notes"] == NOTE  # quotes, commas, newline, CJK, Persian, emoji survive
    assert summit["source"] == OUTLET + ";Xinhua"
    assert summit["source_headline"] == HEADLINE.replace(";", ",") + ";Xi in Moscow"
    assert summit["side_a_iso3"] == "CHN" and summit["side_b_ccode"] == "365"
    assert summit["coders"] == "coder-b;кодер-a"
    directed = next(r for r in rows.values() if r["dyad_type"] == "directed")
    assert (directed["event_date"], directed["event_date_end"], directed["date_prec"]) == (
        "2024-02-01", "2024-02-29", "4",
    )  # fmt: skip
    multi = next(r for r in rows.values() if r["dyad_type"] == "multilateral")
    assert multi["participants_iso3"] == "CHN;IRN;RUS" and multi["side_a_iso3"] == ""


def test_events_json_round_trips_exactly(project, dataset):
    records = json.loads(export(project, dataset).read("events.json").decode("utf-8"))
    by_id = {r["event_id"]: r for r in records}
    lists = {"participants_iso3", "source", "source_url", "source_date", "coders"}
    numbers = {"date_prec", "year", "side_a_ccode", "side_b_ccode", "confidence",
               "number_of_sources"}  # fmt: skip
    for event in dataset:
        record, row = by_id[event.event_id], expected(event)
        assert list(record) == EVENT_COLUMNS
        for column in EVENT_COLUMNS:
            value = record[column]
            if column in lists:
                assert ";".join(value) == row[column], column
            elif column == "source_headline":
                assert [h.replace(";", ",") for h in value] == row[column].split(";")
            elif column in numbers:
                assert value == (int(row[column]) if row[column] else None), column
            else:
                assert (value or "") == row[column], column
    summit = next(r for r in records if r["number_of_sources"] == 2)
    assert summit["source_headline"] == [HEADLINE, "Xi in Moscow"]  # the ';' kept
    assert summit["notes"] == NOTE


def test_evidence_csv_has_one_row_per_approved_coding_with_exact_quotes(project, dataset):
    rows = read_csv(export(project, dataset), "evidence.csv")
    evidence = EventEvidence.objects.select_related("coding__source", "coding__coder", "event")
    assert len(rows) == evidence.count() == 5
    by_id = {int(r["coding_id"]): r for r in rows}
    for item in evidence:
        coding = item.coding
        row = by_id[coding.pk]
        assert row["event_id"] == item.event.event_id
        assert (int(row["start"]), int(row["end"])) == (coding.start, coding.end)
        assert row["quote"] == coding.quote == coding.source.text[coding.start : coding.end]
        assert row["coder"] == coding.coder.username
        assert row["article_url"] == coding.source.url


def test_evidence_csv_names_the_quote_column_as_formats_md_does(project, dataset):
    header = export(project, dataset).read("evidence.csv").decode("utf-8").splitlines()[0]
    assert header.split(",")[4:8] == ["start", "end", "quote", "coder"]
    assert "exact" not in header.split(",")


def test_evidence_rows_tell_adopted_supporting_and_overruled_codings_apart(project, pi):
    codebook = project.codebook
    source = SourceFactory(project=project, text="Xi met Putin in Moscow; they signed a pact.")
    coders = [UserFactory(username=n) for n in ("ann", "bob", "cy")]
    heads = Activity.objects.get(area__codebook=codebook, slug="heads_of_state")
    arms = Activity.objects.get(area__codebook=codebook, slug="arms_sales")
    chn, rus = (codebook.actors.get(iso3=x) for x in ("CHN", "RUS"))
    made = [
        CodingFactory(source=source, coder=coders[0], start=0, end=22, activity=heads,
                      area=heads.area, side_a=chn, side_b=rus, confidence=3),
        # the same, with the sides the other way round (undirected): agrees
        CodingFactory(source=source, coder=coders[1], start=0, end=12, activity=heads,
                      area=heads.area, side_a=rus, side_b=chn, confidence=3),
        # another area and activity: the PI overruled it
        CodingFactory(source=source, coder=coders[2], start=3, end=22, activity=arms,
                      area=arms.area, side_a=chn, side_b=rus, confidence=3),
    ]  # fmt: skip
    event = decisions.accept(pi, project, made, made[0]).event
    rows = read_csv(export(project, Event.objects.filter(pk=event.pk)), "evidence.csv")
    by_coder = {r["coder"]: r for r in rows}
    assert {c: r["role"] for c, r in by_coder.items()} == {
        "ann": "adopted", "bob": "supporting", "cy": "overruled",
    }  # fmt: skip
    cy = by_coder["cy"]  # the coding's own codes, not the event's
    assert (cy["area"], cy["activity"]) == (arms.area.slug, "arms_sales")
    assert (cy["dyad_type"], cy["side_a_iso3"], cy["side_b_iso3"]) == ("undirected", "CHN", "RUS")
    assert by_coder["bob"]["side_a_iso3"] == "RUS"


def test_xlsx_opens_and_matches_the_csv(project, dataset):
    archive = export(project, dataset)
    book = load_workbook(io.BytesIO(archive.read("events.xlsx")), read_only=True)
    sheet_rows = list(book["events"].iter_rows(values_only=True))
    assert list(sheet_rows[0]) == EVENT_COLUMNS
    csv_rows = {r["event_id"]: r for r in read_csv(archive, "events.csv")}
    for values in sheet_rows[1:]:
        row = csv_rows[values[0]]
        assert [("" if v is None else str(v)) for v in values] == [row[c] for c in EVENT_COLUMNS]


def test_dyad_year_expands_multilateral_events_into_pairs(project, dataset):
    rows = read_csv(export(project, dataset), "dyad_year.csv")
    got = {(r["iso3_1"], r["iso3_2"], r["year"], r["directed"]): r for r in rows}
    # the 2024 exercise of CHN, IRN, RUS: three undirected pairs, ccode1 < ccode2
    for pair in [("RUS", "IRN"), ("RUS", "CHN"), ("IRN", "CHN")]:
        row = got[(*pair, "2024", "0")]
        assert int(row["ccode1"]) < int(row["ccode2"])
        assert row["n_preparations_for_war"] == "1" and row["n_total"] == "1"
    # the directed arms sale keeps its direction, even though 731 > 365
    assert got[("RUS", "PRK", "2024", "1")]["n_preparations_for_war"] == "1"
    assert got[("RUS", "CHN", "2023", "0")]["n_contacts"] == "1"
    assert len(rows) == 5


def test_datapackage_describes_every_column(project, dataset):
    package = json.loads(export(project, dataset).read("datapackage.json"))
    events = next(r for r in package["resources"] if r["name"] == "events")
    fields = events["schema"]["fields"]
    assert [f["name"] for f in fields] == EVENT_COLUMNS
    assert all(f.get("type") and f.get("description") for f in fields)
    by_name = {f["name"]: f for f in fields}
    assert by_name["date_prec"]["categoriesOrdered"] is True
    assert [c["value"] for c in by_name["confidence"]["categories"]] == [1, 2, 3]
    evidence = next(r for r in package["resources"] if r["name"] == "evidence")
    assert evidence["schema"]["foreignKeys"][0]["reference"]["resource"] == "events"


def test_event_ids_are_stable_across_exports_and_edits(project, pi, dataset):
    from coding.review.decisions import edit_event

    first = [r["event_id"] for r in read_csv(export(project, dataset), "events.csv")]
    edit_event(pi, dataset.first(), {"confidence": "1", "note": "edited"})
    second = [r["event_id"] for r in read_csv(export(project, dataset), "events.csv")]
    assert first == second and len(set(first)) == 3


def test_write_export_zip_to_a_file_matches_the_stream(project, dataset, tmp_path):
    path = tmp_path / "out.zip"
    with open(path, "wb") as out:
        assert write_export_zip(project, dataset, out) == 3
    streamed = export(project, dataset)
    with zipfile.ZipFile(path) as written:
        assert written.read("events.csv") == streamed.read("events.csv")


def test_xlsx_keeps_formula_like_text_as_text(project, pi, dataset):
    from coding.review.decisions import edit_event

    event = dataset.first()
    edit_event(pi, event, {"note": '=HYPERLINK("http://evil")'})
    book = load_workbook(io.BytesIO(export(project, dataset).read("events.xlsx")))
    sheet = book["events"]
    notes = EVENT_COLUMNS.index("notes") + 1
    cell = next(
        row[notes - 1] for row in sheet.iter_rows(min_row=2) if row[0].value == event.event_id
    )
    assert cell.value == '=HYPERLINK("http://evil")' and cell.data_type == "s"


def test_xlsx_leaves_out_control_characters_and_keeps_numbers(project, pi, dataset):
    from coding.review.decisions import edit_event

    event = dataset.first()
    edit_event(pi, event, {"note": "before\x01\x1fafter 007"})
    archive = export(project, dataset)
    book = load_workbook(io.BytesIO(archive.read("events.xlsx")))
    header, *rows = book["events"].iter_rows()
    columns = [c.value for c in header]
    row = next(r for r in rows if r[0].value == event.event_id)
    assert row[columns.index("notes")].value == "beforeafter 007"
    assert row[columns.index("confidence")].data_type == "n"
    assert row[columns.index("event_date")].value == event.event_date.isoformat()
    records = {r["event_id"]: r for r in json.loads(archive.read("events.json"))}
    assert records[event.event_id]["notes"] == "before\x01\x1fafter 007"
