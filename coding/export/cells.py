"""CSV cells that a spreadsheet program cannot run as formulas (CSV injection, OWASP).

A text cell that starts with = + - @ or a tab or carriage return is written with a leading
apostrophe: Excel, LibreOffice and Google Sheets then show it as text instead of evaluating it
(=HYPERLINK(...), =cmd|...). Numbers are left alone, and so is text that is a plain number
("-3", "+1.5"): no program runs those, and the data stay numeric. Every CSV the tool writes
(the export's events.csv, evidence.csv and dyad_year.csv, the dashboard's and the reliability
report's CSVs) goes through `writer` or `cell`; the XLSX stores every value as a string cell.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_STARTS = frozenset(FORMULA_STARTS)
NEUTRALISER = "'"
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def cell(value: Any) -> Any:
    """The value, prefixed with an apostrophe if it is text a spreadsheet would run."""
    if type(value) is str and value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return NEUTRALISER + value
    return value


def row(values: Iterable[Any]) -> list[Any]:
    # `cell` for each value, inlined: an export writes millions of cells (issue 20)
    return [
        NEUTRALISER + v if type(v) is str and v[:1] in _STARTS and not _NUMBER.fullmatch(v) else v
        for v in values
    ]


class SafeWriter:
    """csv.writer whose rows are neutralised cell by cell."""

    def __init__(self, file: Any, **kwargs: Any) -> None:
        self._writer = csv.writer(file, **kwargs)

    def writerow(self, values: Iterable[Any]) -> Any:
        return self._writer.writerow(row(values))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        self._writer.writerows(row(values) for values in rows)


def writer(file: Any, **kwargs: Any) -> SafeWriter:
    """A csv.writer (same arguments) that neutralises formula cells."""
    return SafeWriter(file, **kwargs)
