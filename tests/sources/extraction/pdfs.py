"""Test PDFs written with reportlab: a two-column report, a one-column note, a scan.

Lines are set by hand (as a typesetter would break them, hyphens included), so the tests know
exactly what text a correct reading gives: `REPORT_TEXT`.
"""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

WIDTH, HEIGHT = A4
HEADER = "Meridian Centre for Strategic Studies · Quarterly Security Review"
LEADING = 13
LEFT, RIGHT = 50, 315  # column x positions; columns are 230 pt wide, the gutter 35 pt

TITLE = "Caspian Drills and the New Naval Triangle"
# page 1, full width under the title
INTRO = [
    "Russian, Iranian and Chinese warships met in the Gulf of Oman in March for the fifth joint",
    "exercise since 2019, the largest the three navies have held together.",
]
# page 1, left column: two paragraphs and the start of a third, which the right column ends
LEFT_COLUMN = [
    [
        "Officials in Tehran described the drills as",
        "a routine demonstration of maritime secu-",
        "rity cooperation, while analysts in Wash-",
        "ington read them as a signal to the Gulf",
        "states.",
    ],
    [
        "The exercise included search and rescue,",
        "the inspection of a suspect vessel and",
        "night firing at sea. Observers noted that",
        "the Chinese contingent was smaller than",
    ],
]
RIGHT_COLUMN = [
    [
        "in previous years, which some attributed",
        "to commitments in the South China Sea.",
    ],
    [
        "Moscow framed the drills as part of a",
        "wider Sino-",
        "Russian effort to secure shipping lanes",
        "against piracy and sanctions alike.",
    ],
]
# page 2, one column
PAGE_TWO = [
    [
        "A second round of talks on a trilateral security framework is planned for the autumn",
        "in Moscow, according to two diplomats who asked not to be named.",
    ],
    [
        "Neither Beijing nor Tehran has confirmed the date of the talks, and no joint statement",
        "is expected before the meeting of defence ministers.",
    ],
]

REPORT_TEXT = "\n\n".join(
    [
        TITLE,
        " ".join(INTRO),
        "Officials in Tehran described the drills as a routine demonstration of maritime "
        "security cooperation, while analysts in Washington read them as a signal to the Gulf "
        "states.",
        "The exercise included search and rescue, the inspection of a suspect vessel and night "
        "firing at sea. Observers noted that the Chinese contingent was smaller than in "
        "previous years, which some attributed to commitments in the South China Sea.",
        "Moscow framed the drills as part of a wider Sino-Russian effort to secure shipping "
        "lanes against piracy and sanctions alike.",
        "A second round of talks on a trilateral security framework is planned for the autumn "
        "in Moscow, according to two diplomats who asked not to be named.",
        "Neither Beijing nor Tehran has confirmed the date of the talks, and no joint statement "
        "is expected before the meeting of defence ministers.",
    ]
)
PAGE_TWO_STARTS = REPORT_TEXT.index("A second round")


def _furniture(canvas: Canvas, number: int, pages: int) -> None:
    canvas.setFont("Helvetica", 8)
    canvas.drawString(LEFT, HEIGHT - 30, HEADER)
    canvas.drawCentredString(WIDTH / 2, 25, f"Page {number} of {pages}")


def _paragraphs(canvas: Canvas, x: float, y: float, paragraphs: list[list[str]]) -> float:
    canvas.setFont("Helvetica", 10)
    for lines in paragraphs:
        for line in lines:
            canvas.drawString(x, y, line)
            y -= LEADING
        y -= LEADING  # a blank line between paragraphs
    return y


def two_column_report(*, title: str = "Caspian drills report", note: str = "") -> bytes:
    """The report; `note` is one more line at the end of page 2 (to make copies distinct)."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.setTitle(title)
    canvas.setAuthor("Meridian Centre")
    _furniture(canvas, 1, 2)
    canvas.setFont("Helvetica-Bold", 16)
    canvas.drawString(LEFT, HEIGHT - 80, TITLE)
    y = _paragraphs(canvas, LEFT, HEIGHT - 110, [INTRO])
    _paragraphs(canvas, LEFT, y, LEFT_COLUMN)
    _paragraphs(canvas, RIGHT, y, RIGHT_COLUMN)
    canvas.showPage()
    _furniture(canvas, 2, 2)
    _paragraphs(canvas, LEFT, HEIGHT - 80, PAGE_TWO + ([[note]] if note else []))
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def scanned(pages: int = 2) -> bytes:
    """Pages of drawn shapes only, as a scan without OCR looks to a text extractor."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    for _ in range(pages):
        for row in range(40):
            canvas.rect(LEFT, HEIGHT - 80 - row * 18, 400 - (row % 5) * 30, 9, fill=1)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def many_pages(pages: int) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    for number in range(pages):
        canvas.drawString(LEFT, HEIGHT - 80, f"Section {number + 1} of a long annex.")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
