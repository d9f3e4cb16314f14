"""The events export: one zip written as it goes, so 100,000 events never sit in memory.

One pass over the events (four queries streamed side by side, `rows.py`) writes events.csv
straight into the zip, and evidence.csv and events.json into temporary files that are copied in
afterwards. events.xlsx is written meanwhile by a child process on another CPU, from the same
JSON records (`sheet_process.py`), and copied in last; dyad_year.csv comes from counts kept per
dyad, year and area. Members are deflated at zlib level 1 (see COMPRESSLEVEL); events.xlsx,
a zip itself, is stored as it is.
`iter_export_zip` yields the zip's bytes as they are produced (for StreamingHttpResponse);
`write_export_zip` writes them to a file. Both read in one snapshot (`config.snapshot`), so
an event approved or edited meanwhile is in all the files or in none.
"""

import contextlib
import io
import json
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import orjson
from django.db.models import QuerySet

from coding.codebook_io import codebook_as_data
from coding.export import cells
from coding.export.columns import EVENT_COLUMNS, EVIDENCE_COLUMNS, flat
from coding.export.datapackage import datapackage
from coding.export.refi import codebook_qdc
from coding.export.rows import DyadYearCounter, iter_event_rows
from coding.export.sheet_process import SheetProcess
from coding.models import Event, Project
from config.snapshot import one_snapshot

COPY_CHUNK = 1 << 16
FLUSH_EVERY = 500
# zlib level 1 instead of 6: about a third of the time for a zip ~1.4 times as large (events.csv
# and events.json at 100,000 events: 0.2 s instead of 0.6 s).
COMPRESSLEVEL = 1


class _Sink(io.RawIOBase):
    """A write-only stream the zip writes into and the generator drains."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def drain(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


def iter_export_zip(
    project: Project, events: QuerySet[Event], filters: dict[str, str] | None = None
) -> Iterator[bytes]:
    sink = _Sink()
    with tempfile.TemporaryDirectory(prefix="events-export-") as tmp, one_snapshot():
        archive = zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESSLEVEL)
        yield from _write_all(archive, sink, Path(tmp), project, events, filters or {})
        archive.close()
        yield sink.drain()


def write_export_zip(
    project: Project,
    events: QuerySet[Event],
    out: IO[bytes],
    filters: dict[str, str] | None = None,
    *,
    xlsx: bool = True,
) -> int:
    """Write the export to `out`; returns the number of events. `xlsx=False` leaves out
    events.xlsx (the slowest part)."""
    counted = {"events": 0}
    with (
        tempfile.TemporaryDirectory(prefix="events-export-") as tmp,
        one_snapshot(),
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESSLEVEL) as archive,
    ):
        for _ in _write_all(
            archive, None, Path(tmp), project, events, filters or {}, counted, xlsx=xlsx
        ):
            pass
    return counted["events"]


def _write_all(
    archive: zipfile.ZipFile,
    sink: _Sink | None,
    tmp: Path,
    project: Project,
    events: QuerySet[Event],
    filters: dict[str, str],
    counted: dict[str, int] | None = None,
    *,
    xlsx: bool = True,
) -> Iterator[bytes]:
    def drained() -> bytes:
        return sink.drain() if sink is not None else b""

    codebook = project.codebook
    area_slugs = list(codebook.areas.order_by("order", "label").values_list("slug", flat=True))
    dyads = DyadYearCounter(area_slugs)
    n = 0

    evidence_path, json_path, xlsx_path = tmp / "evidence.csv", tmp / "events.json", tmp / "x.xlsx"
    encode = orjson.dumps  # UTF-8 JSON, ten times faster than json's encoder (issue 20)
    # Rows are gathered in memory per batch of FLUSH_EVERY events and written out at once:
    # one write per file per batch instead of one per row.
    events_buffer, evidence_buffer, json_parts = io.StringIO(), io.StringIO(), []
    events_csv = cells.writer(events_buffer, lineterminator="\r\n")
    evidence_csv = cells.writer(evidence_buffer, lineterminator="\r\n")
    events_csv.writerow(EVENT_COLUMNS)
    evidence_csv.writerow(EVIDENCE_COLUMNS)
    with SheetProcess(xlsx_path, tmp) if xlsx else contextlib.nullcontext() as sheet:
        with (
            archive.open("events.csv", "w") as events_raw,
            open(evidence_path, "w", encoding="utf-8", newline="") as evidence_file,
            open(json_path, "wb") as json_file,
        ):

            def flush() -> None:
                events_raw.write(events_buffer.getvalue().encode("utf-8"))
                evidence_file.write(evidence_buffer.getvalue())
                for buffer in (events_buffer, evidence_buffer):
                    buffer.seek(0)
                    buffer.truncate()
                nonlocal json_started
                if json_parts:
                    json_file.write((b",\n" if json_started else b"\n") + b",\n".join(json_parts))
                    if sheet is not None:  # the same records, one per line
                        sheet.send(b"\n".join(json_parts) + b"\n")
                    json_parts.clear()
                    json_started = True

            json_file.write(b"[")
            json_started = False
            for rows in iter_event_rows(events):
                events_csv.writerow(rows.flat)
                json_parts.append(encode(rows.record))
                evidence_csv.writerows(rows.evidence)
                dyads.add(rows)
                n += 1
                if n % FLUSH_EVERY == 0:
                    flush()
                    yield drained()
            flush()
            json_file.write(b"\n]\n")
        if sheet is not None:
            sheet.close_input()  # it finishes the sheet while the other files go into the zip
        yield drained()

        with archive.open("dyad_year.csv", "w") as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            writer = cells.writer(text, lineterminator="\r\n")
            writer.writerow(dyads.columns)
            writer.writerows([flat(v) for v in row] for row in dyads.rows())
            text.flush()
            text.detach()
        yield drained()
        for name, path in (("evidence.csv", evidence_path), ("events.json", json_path)):
            yield from _copy_in(archive, name, path, drained)
        if sheet is not None:
            sheet.wait()
            yield from _copy_in(archive, _stored("events.xlsx"), xlsx_path, drained)
    package = datapackage(project, area_slugs, filters)
    if not xlsx:
        package["resources"] = [r for r in package["resources"] if r["name"] != "events-xlsx"]
    archive.writestr("datapackage.json", _json(package))
    archive.writestr("codebook.json", _json(codebook_as_data(codebook)))
    archive.writestr("codebook.qdc", codebook_qdc(codebook))
    archive.writestr("README.md", readme(project, n, filters).encode("utf-8"))
    if counted is not None:
        counted["events"] = n
    yield drained()


def _copy_in(
    archive: zipfile.ZipFile,
    member: str | zipfile.ZipInfo,
    path: Path,
    drained: Callable[[], bytes],
) -> Iterator[bytes]:
    with open(path, "rb") as source, archive.open(member, "w") as target:
        while chunk := source.read(COPY_CHUNK):
            target.write(chunk)
            yield drained()


def _stored(name: str) -> zipfile.ZipInfo:
    """A zip entry dated now, stored as it is: events.xlsx is a zip itself, deflating it again
    costs time and saves nothing."""
    info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
    info.compress_type = zipfile.ZIP_STORED
    return info


def _json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def readme(project: Project, count: int, filters: dict[str, str]) -> str:
    codebook = project.codebook
    applied = ", ".join(f"{k} = {v}" for k, v in filters.items()) or "none (all approved events)"
    return f"""# {project.name}: coded events

{count} approved events, coded against the codebook “{codebook.name}”, version {codebook.version}.
Filters applied: {applied}.

## Files

- `events.csv`: one row per approved event (UTF-8, comma-separated, RFC 4180 quoting). Columns
  follow UCDP GED, ACLED and PLOVER conventions; every column is typed and described in
  `datapackage.json`. Text cells that start with = + - @ or a tab or carriage return get a
  leading apostrophe in every CSV (as OWASP advises against CSV injection), so a spreadsheet
  shows them as text instead of running them as formulas; `events.json` and `events.xlsx`
  (string cells) keep them as they are. List columns (participants_iso3, source, source_url,
  source_date, source_headline, coders) are separated by ';' (a ';' inside a headline is
  written ',' here; `events.json` keeps it). The source lists hold one item per source, in the
  same order in each (a source without a URL, say, leaves an empty item in its place); a list
  no source has an item for is an empty cell.
- `events.json`, `events.xlsx`: the same table; in JSON the list columns are arrays (an empty
  cell is `[]`).
- `evidence.csv`: one row per coding behind an event: the quote and its offsets (Unicode code
  points into the source text, start inclusive, end exclusive), the coder, the coding's role
  (adopted: its span represents the event; supporting: it agrees with the event on dyad,
  area, activity and confidence; overruled: the PI decided otherwise) and the coding's own
  dyad, area, activity and confidence, which may differ from the event's.
- `dyad_year.csv`: event counts per pair of states, year and area. Multilateral events are
  expanded into every pair of participants here only; undirected rows keep ccode1 < ccode2;
  directed rows (transfers) run from supplier to recipient.
- `codebook.json`, `codebook.qdc`: the codebook (plain data, and REFI-QDA codebook exchange).
- `datapackage.json`: Frictionless Data Package descriptor (field types, descriptions,
  categories, primary and foreign keys).

## Identifiers and dates

`event_id` is stable across exports and edits and never reused. `event_date` and
`event_date_end` are the earliest and latest possible dates; `date_prec` is 1 (day),
2 (2-6 days), 3 (week), 4 (month) or 5 (year), as in UCDP GED.
"""
