"""The child process that writes events.xlsx: what it writes, how it fails, that it is stopped."""

import signal
import subprocess
import sys

import orjson
import pytest
from openpyxl import load_workbook

from coding.export import archive
from coding.export.columns import EVENT_COLUMNS, LIST_COLUMNS
from coding.export.rows import iter_event_rows
from coding.export.sheet_process import ROOT, SheetProcess, SheetProcessError


def lines(records) -> bytes:
    return b"".join(orjson.dumps(r) + b"\n" for r in records)


def record(event_id: str) -> dict:
    return {c: [] if c in LIST_COLUMNS else event_id for c in EVENT_COLUMNS}


def test_the_child_writes_the_flat_rows_of_the_records(project, dataset, tmp_path):
    rows = list(iter_event_rows(dataset))
    with SheetProcess(tmp_path / "events.xlsx", tmp_path) as sheet:
        sheet.send(lines(r.record for r in rows))
        sheet.wait()
    header, *got = load_workbook(tmp_path / "events.xlsx")["events"].iter_rows(values_only=True)
    assert list(header) == EVENT_COLUMNS
    # the same values and types as events.csv's rows: lists joined, numbers as numbers
    assert [list(values) for values in got] == [
        [None if v == "" else v for v in r.flat] for r in rows
    ]
    assert any(";" in r.record["source_headline"][0] for r in rows)  # joined as ',' in the sheet


def test_a_failing_child_says_why(tmp_path):
    with SheetProcess(tmp_path / "events.xlsx", tmp_path) as sheet:
        sheet.send(lines([record("E-1")]) + b"not json\n")
        with pytest.raises(SheetProcessError, match=r"was not written .*JSONDecodeError"):
            sheet.wait()
    assert sheet.returncode not in (0, None)


def test_leaving_early_stops_the_child(tmp_path):
    with pytest.raises(RuntimeError), SheetProcess(tmp_path / "events.xlsx", tmp_path) as sheet:
        sheet.send(lines([record("E-1")]))
        raise RuntimeError("the export failed")
    assert sheet.returncode == -signal.SIGKILL  # it was waiting for more input


def test_a_download_given_up_stops_the_child(project, dataset, monkeypatch):
    started = []

    def recorded(*args):
        started.append(SheetProcess(*args))
        return started[-1]

    monkeypatch.setattr(archive, "SheetProcess", recorded)
    monkeypatch.setattr(archive, "FLUSH_EVERY", 1)  # a chunk after each event
    stream = archive.iter_export_zip(project, dataset)
    assert next(stream)
    stream.close()  # the client went away
    assert started[0].returncode == -signal.SIGKILL


def test_the_child_starts_without_django():
    """It starts in a few hundredths of a second only while it imports no Django."""
    code = "import sys, coding.export.sheet_process; print('django' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False"
