"""Downloads read one snapshot: an event approved while the export is read is in every file or
in none; a coding saved while the annotations are read is neither counted nor listed."""

import csv
import io
import json
import types
import zipfile

import pytest
from django.db import connection

from coding.export import annotations, rows
from coding.export.archive import iter_export_zip, write_export_zip
from coding.models import Activity, Coding, Event
from coding.review import decisions
from tests.elsewhere import elsewhere
from tests.factories import CodingFactory, SourceFactory

pytestmark = pytest.mark.django_db(transaction=True)


def read_csv(archive: zipfile.ZipFile, name: str) -> list[dict]:
    with archive.open(name) as f:
        return list(csv.DictReader(io.TextIOWrapper(f, encoding="utf-8", newline="")))


@pytest.fixture
def approved_while_reading(project, pi, monkeypatch):
    """Approves a new event from another connection right after the export declared its first
    stream (the evidence), before it declares the events'. Returns the approved event ids."""
    source = SourceFactory(project=project, text="Putin met Kim Jong Un in Pyongyang.")
    heads = Activity.objects.get(area__codebook=project.codebook, slug="heads_of_state")
    late = CodingFactory(source=source, start=0, end=25, activity=heads, area=heads.area)
    approved: list[str] = []

    def approve() -> None:
        approved.append(decisions.accept(pi, project, [late], late).event.event_id)

    declare = rows._by_event

    def declare_then_approve(query, batch):
        stream = declare(query, batch)
        if not approved:
            elsewhere(approve)
        return stream

    monkeypatch.setattr(rows, "_by_event", declare_then_approve)
    return approved


def assert_consistent(archive: zipfile.ZipFile, approved: list[str], before: set[str]) -> None:
    assert approved and Event.objects.filter(event_id=approved[0]).exists()  # it happened
    events = read_csv(archive, "events.csv")
    assert {e["event_id"] for e in events} == before  # as of the export's start
    assert {e["event_id"] for e in read_csv(archive, "evidence.csv")} == before
    assert all(int(e["number_of_sources"]) >= 1 for e in events)


def test_the_streamed_export_reads_one_snapshot(project, dataset, approved_while_reading):
    before = set(dataset.values_list("event_id", flat=True))
    data = b"".join(iter_export_zip(project, Event.objects.filter(project=project)))
    assert_consistent(zipfile.ZipFile(io.BytesIO(data)), approved_while_reading, before)


def test_the_export_to_a_file_reads_one_snapshot(project, dataset, approved_while_reading):
    before = set(dataset.values_list("event_id", flat=True))
    out = io.BytesIO()
    write_export_zip(project, Event.objects.filter(project=project), out)
    assert_consistent(zipfile.ZipFile(out), approved_while_reading, before)
    assert not connection.in_atomic_block  # the snapshot's transaction ended with the export


def test_the_annotations_read_one_snapshot(project, dataset, monkeypatch):
    """A coding saved after the collection's total was counted, before its items are read."""
    source = SourceFactory(project=project, text="Putin met Kim Jong Un in Pyongyang.")
    saved = []

    def count_then_save(value, **kwargs):
        if not saved:
            elsewhere(lambda: saved.append(CodingFactory(source=source, start=0, end=5).pk))
        return json.dumps(value, **kwargs)

    monkeypatch.setattr(annotations, "json", types.SimpleNamespace(dumps=count_then_save))
    collection = json.loads("".join(annotations.iter_annotations_jsonld(project)))
    items = collection["first"]["items"]
    assert saved and Coding.objects.filter(pk=saved[0]).exists()
    assert collection["total"] == len(items) == 5  # the dataset's codings
    assert not any(item["id"].endswith(f":coding:{saved[0]}") for item in items)
