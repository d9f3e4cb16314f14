"""events.xlsx: one worksheet of text and numbers, written row by row with flat memory.

Why not a library: the export's speed aim (100,000 events of 27 columns in under 10 s) leaves
about a second for the XLSX, and the libraries made for the job did not fit when we measured:
XlsxWriter (constant_memory mode, what we used before) is pure Python and spends ~100 µs per
row in its per-cell calls, 10 s for 100,000 rows on its own; openpyxl's write-only mode is
slower still; the Rust-backed writers (rustpy-xlsxwriter, rvgsrust-xlsxwriter) write every
integer as a float (`<v>5.0</v>`, read back as 5.0); pyexcelerate builds the whole sheet in
memory; fastxlsx saw one release and supports Python < 3.13 only. What this file needs is
small: one sheet of inline strings and numbers, no formatting, no shared strings. So we write
that SpreadsheetML here (~10 µs per row) and keep XlsxWriter's rules for the content;
tests/coding/export/test_xlsx.py compares the cells with what XlsxWriter writes:

- str is text, always (a note starting with '=' is not a formula, a URL not a hyperlink,
  '007' not a number); int and float are numbers; None and '' leave the cell out;
- control characters XML 1.0 cannot hold are left out (XlsxWriter would write them as _xHHHH_
  escapes); a carriage return, which an XML reader would turn into a line feed, is written as
  _x000D_, U+FFFE and U+FFFF as _xFFFE_ and _xFFFF_, and text that looks like such an escape is
  escaped itself (_x005F_), as Excel and XlsxWriter do;
- text keeps leading and trailing spaces (xml:space="preserve") and is cut at Excel's limit of
  32,767 UTF-16 units per cell (XlsxWriter also dropped the rest of such a row; we keep it).

Rows go to a temporary file as they come (the sheet's <dimension> comes first and needs the row
count); `close` writes the package around them.
"""

import re
import tempfile
import zipfile
from pathlib import Path
from typing import Any

# The characters openpyxl's ILLEGAL_CHARACTERS_RE names.
_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037]")
_LOOKS_ESCAPED = re.compile(r"(_x[0-9a-fA-F]{4}_)")
# Characters that keep a text from going into <t>...</t> as it is (so do "_x" and spaces at
# either end).
_SPECIAL = re.compile(r"[&<>\r\000-\010\013\014\016-\037\ufffe\uffff]")
MAX_TEXT = 32767  # Excel's limit per cell, in UTF-16 code units
FLUSH_EVERY = 100  # rows gathered before one write to the temporary file (~1 MB)
COPY_CHUNK = 1 << 20
ZIP64_AT = (1 << 31) - 1  # zipfile's limit for a member written without ZIP64

_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPE}.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_TYPE}.styles+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_TYPE}.worksheet+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{_RELS}"><Relationship Id="rId1" '
        f'Type="{_DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{_RELS}">'
        f'<Relationship Id="rId1" Type="{_DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_DOC}/styles" Target="styles.xml"/></Relationships>'
    ),
    "xl/styles.xml": (
        f'<styleSheet xmlns="{_MAIN}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/>'
        '<family val="2"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/>'
        '</fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1">'
        "<border><left/><right/><top/><bottom/><diagonal/></border></borders>"
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        '</cellStyleXfs><cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" '
        'xfId="0"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" '
        'builtinId="0"/></cellStyles></styleSheet>'
    ),
    "xl/workbook.xml": (
        f'<workbook xmlns="{_MAIN}" xmlns:r="{_DOC}"><bookViews><workbookView/></bookViews>'
        '<sheets><sheet name="events" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
}


def _column(index: int) -> str:
    """0 -> 'A', 26 -> 'AA'."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _cell(letter: str, row: int, value: Any) -> str:
    """One cell, any value: text checked and escaped, numbers, a TypeError for anything else."""
    kind = type(value)
    if kind is str:
        return f'<c r="{letter}{row}" t="inlineStr"><is>{_text(value)}</is></c>'
    if kind is int:
        return f'<c r="{letter}{row}"><v>{value}</v></c>'
    if kind is float:
        return f'<c r="{letter}{row}"><v>{value:.16G}</v></c>'
    raise TypeError(f"events.xlsx takes str, int, float or None, not {kind.__name__}")


def _text(value: str) -> str:
    """The <t> element of a text cell."""
    value = _truncate(_ILLEGAL.sub("", value))
    value = _LOOKS_ESCAPED.sub(r"_x005F\1", value).replace("\r", "_x000D_")
    value = value.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if value[:1].isspace() or value[-1:].isspace():
        return f'<t xml:space="preserve">{value}</t>'
    return f"<t>{value}</t>"


def _plain(texts: list[str]) -> bool:
    """True when every text can go into <t>...</t> as it is, as in nearly every row (one check
    of the joined texts is cheaper than one per text)."""
    joined = "\n".join(texts)
    return (
        len(joined) <= MAX_TEXT // 2
        and "_x" not in joined
        and not _SPECIAL.search(joined)
        and [text.strip() for text in texts] == texts
    )


def _truncate(value: str) -> str:
    """At most MAX_TEXT UTF-16 units, without splitting a character above U+FFFF."""
    if len(value) <= MAX_TEXT // 2:
        return value
    units = 0
    for index, char in enumerate(value):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > MAX_TEXT:
            return value[:index]
    return value


class EventsSheet:
    """One worksheet, "events", written row by row to `path` (its rows wait in `tmp`).

    `compresslevel` 1: the sheet's XML compresses 3x faster than at zlib's default level 6,
    into a file ~1.3 times as large (0.3 s and 17 MB instead of 0.9 s and 13 MB for 100,000
    events)."""

    def __init__(self, path: Path, tmp: Path, columns: list[str], compresslevel: int = 1) -> None:
        self._path = path
        self._compresslevel = compresslevel
        self._letters = [_column(i) for i in range(len(columns))]
        self._rows_file = tempfile.TemporaryFile(dir=tmp)  # noqa: SIM115 (closed by close())
        self._buffer: list[str] = []
        self._row = self._last = 0  # rows added, the last one with cells
        self.add(columns)

    def add(self, values: list[Any]) -> None:
        """One row: str as text, int and float as numbers, None and '' as no cell."""
        self._row += 1
        row = self._row
        pairs = zip(self._letters, values, strict=True)
        if _plain([v for v in values if type(v) is str]):
            # The common case, in one expression: ~5 µs a row less than _cell for every cell.
            cells = [
                f'<c r="{k}{row}" t="inlineStr"><is><t>{v}</t></is></c>'
                if type(v) is str
                else f'<c r="{k}{row}"><v>{v}</v></c>'
                if type(v) is int
                else _cell(k, row, v)
                for k, v in pairs
                if v is not None and v != ""
            ]
        else:
            cells = [_cell(k, row, v) for k, v in pairs if v is not None and v != ""]
        if cells:  # a row without cells is left out, as XlsxWriter does
            self._buffer.append(f'<row r="{row}">{"".join(cells)}</row>')
            self._last = row
        if len(self._buffer) >= FLUSH_EVERY:
            self._flush()

    def _flush(self) -> None:
        self._rows_file.write("".join(self._buffer).encode("utf-8"))
        self._buffer.clear()

    def close(self) -> None:
        """Write the workbook: the fixed parts, then the sheet around the rows."""
        self._flush()
        last = f"{self._letters[-1]}{self._last}"
        with (
            self._rows_file as rows,
            zipfile.ZipFile(
                self._path, "w", zipfile.ZIP_DEFLATED, compresslevel=self._compresslevel
            ) as book,
        ):
            for name, xml in _PARTS.items():
                book.writestr(name, _HEAD + xml)
            head = (
                f'{_HEAD}<worksheet xmlns="{_MAIN}" xmlns:r="{_DOC}">'
                f'<dimension ref="A1:{last}"/><sheetData>'
            ).encode()
            tail = b"</sheetData></worksheet>"
            size = len(head) + rows.tell() + len(tail)
            # ZIP64 only when the sheet needs it (over 2 GiB): not every reader takes it.
            with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=size > ZIP64_AT) as sheet:
                sheet.write(head)
                rows.seek(0)
                while chunk := rows.read(COPY_CHUNK):
                    sheet.write(chunk)
                sheet.write(tail)
