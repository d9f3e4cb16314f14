"""events.xlsx, streamed with XlsxWriter.

constant_memory mode writes each row to a temporary file as soon as the next one starts, so
memory stays flat; every text is written as text: a note starting with '=' is not a formula,
a URL not a hyperlink, '007' not a number. Numbers stay numbers; empty values leave the cell
out. Control characters that XML 1.0 cannot hold are left out (XlsxWriter would write them as
_xHHHH_ escapes).
"""

import re
from pathlib import Path
from typing import Any

from xlsxwriter import Workbook

# The characters openpyxl's ILLEGAL_CHARACTERS_RE names.
_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


class EventsSheet:
    """One worksheet, "events", written row by row to `path` (temporary files go to `tmp`)."""

    def __init__(self, path: Path, tmp: Path, columns: list[str]) -> None:
        self._book = Workbook(
            str(path),
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
                "tmpdir": str(tmp),
            },
        )
        self._sheet = self._book.add_worksheet("events")
        self._row = 0
        self.add(columns)

    def add(self, values: list[Any]) -> None:
        """One row: ints as numbers, other values as text, None and '' as no cell."""
        cells = [None if v == "" else v for v in values]
        if _ILLEGAL.search("".join([v for v in cells if type(v) is str])):
            cells = [_ILLEGAL.sub("", v) if type(v) is str else v for v in cells]
        # write_row: with the options above, str is written as text, int as a number, None
        # not at all (faster than a write_string/write_number call per cell).
        self._sheet.write_row(self._row, 0, cells)
        self._row += 1

    def close(self) -> None:
        self._book.close()
