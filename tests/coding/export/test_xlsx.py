"""events.xlsx's writer against XlsxWriter, the library it replaces (kept for these tests)."""

import re
import zipfile

import pytest
import xlsxwriter
from openpyxl import load_workbook

from coding.export.xlsx import EventsSheet

COLUMNS = ["text", "other", "more", "number"]
ROWS = [
    ['Summit «Москва» 峰会, یادداشت, "quoted" 🚀\nsecond line', "plain", "", 2024],
    ['=HYPERLINK("http://evil")', "+1", "007", -3],
    ["https://example.org/a?b=1&c=<2>", "@sum", "1e5", 0],
    ["before\x01\x1fafter\x0b", " leading", "trailing ", 365],
    ["_x0041_ and _X00ff_ stay text", "_x12G4_", "\ufffe\uffff", 2**40],
    ["\tTab first", "\r\nlines\r\n", "a\x01 ", 1.5],
    [None, None, None, None],
    ["last", 0.1, 1 / 3, 1e-7],
    # each alone in its row: nothing else there needs escaping
    ["_x0041_ alone", "a", "b", 1],
    [" leading alone", "a", "b", 2],
    ["a", "b", "trailing alone\n", 3],
    ["a\rb", "a", "b", 4],
    ["a & b", "a", "b", 5],
]


def ours(tmp_path, rows, columns=COLUMNS):
    sheet = EventsSheet(tmp_path / "ours.xlsx", tmp_path, columns)
    for row in rows:
        sheet.add(row)
    sheet.close()
    return tmp_path / "ours.xlsx"


def xlsxwriters(tmp_path, rows, columns=COLUMNS):
    """What the export wrote before: XlsxWriter in constant-memory mode, every str as text,
    control characters left out first."""
    illegal = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")
    book = xlsxwriter.Workbook(
        str(tmp_path / "xlsxwriter.xlsx"),
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    sheet = book.add_worksheet("events")
    for i, row in enumerate([columns, *rows]):
        cells = [illegal.sub("", v) if type(v) is str else v for v in row]
        sheet.write_row(i, 0, [None if v == "" else v for v in cells])
    book.close()
    return tmp_path / "xlsxwriter.xlsx"


def sheet_data(path) -> tuple[str, str]:
    """The sheet's dimension and cells (XlsxWriter's optional row spans left out)."""
    xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode("utf-8")
    dimension = re.search(r"<dimension [^>]*/>", xml).group(0)
    data = re.search(r"<sheetData>.*</sheetData>", xml, re.DOTALL).group(0)
    return dimension, re.sub(r' spans="[^"]*"', "", data)


def test_cells_are_what_xlsxwriter_wrote(tmp_path):
    expected = sheet_data(xlsxwriters(tmp_path, ROWS))
    assert sheet_data(ours(tmp_path, ROWS)) == expected
    assert expected[0] == '<dimension ref="A1:D14"/>'


def test_text_stays_text_and_numbers_stay_numbers(tmp_path):
    header, *rows = load_workbook(ours(tmp_path, ROWS))["events"].iter_rows()
    assert [c.value for c in header] == COLUMNS
    formula, plus, zeros, number = rows[1]
    assert formula.value == '=HYPERLINK("http://evil")' and formula.data_type == "s"
    assert (plus.value, zeros.value) == ("+1", "007") and zeros.data_type == "s"
    assert number.value == -3 and type(number.value) is int
    assert rows[2][0].value == "https://example.org/a?b=1&c=<2>" and rows[2][0].hyperlink is None
    assert rows[3][0].value == "beforeafter"  # control characters left out
    assert (rows[3][1].value, rows[3][2].value) == (" leading", "trailing ")
    assert rows[4][3].value == 2**40
    assert [c.value for c in rows[6]] == [None] * 4
    assert [c.value for c in rows[7]] == ["last", 0.1, 1 / 3, 1e-7]
    assert rows[0][2].value is None  # '' is no cell


def test_long_text_is_cut_at_excels_limit_and_the_row_goes_on(tmp_path):
    long = "x" * 32766 + "🚀" + "y" * 10  # the emoji would cross the limit of 32,767 units
    path = ours(tmp_path, [[long, "next", "", 1]])
    _header, row = load_workbook(path)["events"].iter_rows()
    assert row[0].value == "x" * 32766
    assert (row[1].value, row[3].value) == ("next", 1)


def test_a_large_sheet_is_complete(tmp_path):
    rows = [[f"event {i}", "a&b" if i % 7 == 0 else "ab", "", i] for i in range(2500)]
    expected = sheet_data(xlsxwriters(tmp_path, rows))
    assert sheet_data(ours(tmp_path, rows)) == expected
    assert expected[0] == '<dimension ref="A1:D2501"/>'


@pytest.mark.parametrize("value", [True, b"bytes", object()])
def test_other_values_are_refused(tmp_path, value):
    sheet = EventsSheet(tmp_path / "x.xlsx", tmp_path, COLUMNS)
    with pytest.raises(TypeError):
        sheet.add(["text", value, "", 1])


def test_a_row_must_have_every_column(tmp_path):
    sheet = EventsSheet(tmp_path / "x.xlsx", tmp_path, COLUMNS)
    with pytest.raises(ValueError):
        sheet.add(["text", 1])
