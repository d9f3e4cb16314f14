"""Article text from PDFs with a text layer (reports, saved articles), via pdfminer.six.

What a PDF gives is positioned lines, not paragraphs. This module:

* reads the lines of each page and, where a page has two columns (a gutter that no body
  line crosses), reads the left column, then the right, with lines that span the gutter
  (titles, full-width paragraphs) kept in place between them;
* removes running headers and footers: lines near the top or bottom of the page that repeat
  (digits aside) on most pages, and bare page numbers ("7", "Page 7 of 12", "- 7 -");
* joins the lines of a paragraph, and a word hyphenated at a line end ("secu-" + "rity");
  a paragraph ends at a vertical gap wider than the usual line spacing;
* keeps, as provenance, the offset in the stored text where each page begins, and the lines
  it removed with the reason;
* refuses a PDF without a text layer (a scan) instead of storing it empty.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
import statistics
from collections import Counter
from dataclasses import dataclass

from sources.errors import IngestError
from sources.extraction.extract import Extracted
from sources.text import canonicalize

# lines whose top is in this share of the page height, from the top or the bottom edge,
# may be running headers or footers
MARGIN_SHARE = 0.1
# a line repeating (digits aside) in the margin of this share of the pages is a header/footer
REPEAT_SHARE = 0.6
# a page whose text is shorter than this is taken as having no text layer
MIN_PAGE_CHARS = 20
# a vertical gap this many times the usual line spacing ends a paragraph
PARAGRAPH_GAP = 1.45

_DASHES = "\\-\u2013\u2014"  # hyphen, en dash, em dash
_PAGE_NUMBER = re.compile(
    rf"^[\s{_DASHES}]*(?:(?:page|p\.|стр\.?|страница|页|頁|페이지|صفحه)\s*)?\d{{1,4}}"
    rf"(?:\s*(?:/|of|из)\s*\d{{1,4}})?[\s{_DASHES}]*$",
    re.I,
)
_DIGITS = re.compile(r"\d+")
_PLACEHOLDER_TITLES = {"untitled", "title", "document", "microsoft word"}
_MAKER_PREFIX = re.compile(r"^(?:microsoft (?:word|powerpoint) - )", re.I)
_SENTENCE_END = re.compile("[.!?:\u2026\u3002\uff01\uff1f\u061f\"'\u201d\u00bb)]$")
_HYPHENATED = re.compile(r"[^\W\d_][-\u00ad]$")


@dataclass(frozen=True)
class _Line:
    text: str
    x0: float
    x1: float
    top: float  # distance from the top of the page
    height: float


@dataclass
class _Page:
    number: int
    width: float
    height: float
    lines: list[_Line]


def extract_pdf(data: bytes, filename: str, *, max_pages: int) -> Extracted:
    """Extract the text of a PDF. Raises IngestError with a reason for the user."""
    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise IngestError("not a PDF")
    pages, info = _read(data, max_pages)
    removed: list[dict] = []
    _drop_running_lines(pages, removed)
    text, offsets = _assemble(pages)
    if len(text) < MIN_PAGE_CHARS * max(1, len(pages)) // 2 or not text.strip():
        raise IngestError(
            "this PDF has no text layer (a scan or images): run OCR on it and upload the "
            "result, or paste the text"
        )
    title = _info_text(info.get("Title"))
    if title and title.lower() in _PLACEHOLDER_TITLES:
        title = None
    if title:
        title = _MAKER_PREFIX.sub("", title) or None
    first = text.split("\n\n", 1)[0]
    if not title:
        title = first if len(first) <= 200 else None
    return Extracted(
        text=text,
        title=title or filename.rsplit("/", 1)[-1],
        author=_info_text(info.get("Author")),
        # the file's creation date is when it was made or saved, not when the piece was
        # published: provenance only
        provenance={
            "format": "pdf",
            "pages": offsets,
            "removed": removed,
            "pdf_created": _iso(_info_date(info.get("CreationDate"))),
        },
    )


# --- reading ----------------------------------------------------------------------------


def _read(data: bytes, max_pages: int) -> tuple[list[_Page], dict]:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTTextContainer, LTTextLineHorizontal
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFParser, PDFSyntaxError

    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)))
        info = document.info[0] if document.info else {}
        pages: list[_Page] = []
        params = LAParams(line_margin=0.3, boxes_flow=None)
        for number, layout in enumerate(
            extract_pages(io.BytesIO(data), laparams=params, maxpages=max_pages + 1), 1
        ):
            if number > max_pages:
                raise IngestError(f"PDF has more than {max_pages} pages")
            lines = []
            for element in layout:
                if not isinstance(element, LTTextContainer):
                    continue
                for line in element:
                    if isinstance(line, LTTextLineHorizontal):
                        text = " ".join(line.get_text().split())
                        if text:
                            top = layout.height - line.y1
                            lines.append(_Line(text, line.x0, line.x1, top, line.height))
            pages.append(_Page(number, layout.width, layout.height, lines))
    except IngestError:
        raise
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise IngestError("this PDF is encrypted: save an unprotected copy") from None
    except (PDFSyntaxError, ValueError, KeyError, TypeError, AttributeError, EOFError) as exc:
        raise IngestError("this PDF is damaged and cannot be read", detail=repr(exc)) from None
    except Exception as exc:  # pdfminer raises plain exceptions on some broken files
        if "encrypt" in str(exc).lower():
            raise IngestError("this PDF is encrypted: save an unprotected copy") from None
        raise IngestError("this PDF is damaged and cannot be read", detail=repr(exc)) from None
    if not pages:
        raise IngestError("this PDF has no pages")
    return pages, {key: value for key, value in info.items() if isinstance(key, str)}


def _info_text(value: object) -> str | None:
    from pdfminer.pdftypes import resolve1
    from pdfminer.utils import decode_text

    value = resolve1(value)
    if isinstance(value, bytes):
        value = decode_text(value)
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value[:300] or None


def _iso(date: dt.date | None) -> str | None:
    return date.isoformat() if date else None


def _info_date(value: object) -> dt.date | None:
    text = _info_text(value) or ""
    match = re.match(r"(?:D:)?(\d{4})(\d{2})(\d{2})", text)
    if not match:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


# --- headers, footers and page numbers --------------------------------------------------


def _in_margin(line: _Line, page: _Page) -> bool:
    return line.top < MARGIN_SHARE * page.height or line.top > (1 - MARGIN_SHARE) * page.height


def _drop_running_lines(pages: list[_Page], removed: list[dict]) -> None:
    keys = Counter()
    for page in pages:
        keys.update(
            {_DIGITS.sub("#", line.text.lower()) for line in page.lines if _in_margin(line, page)}
        )
    needed = max(2, round(REPEAT_SHARE * len(pages)))
    running = {key for key, count in keys.items() if count >= needed}
    seen: set[tuple[str, str]] = set()
    for page in pages:
        kept = []
        for line in page.lines:
            why = None
            if _in_margin(line, page):
                if _DIGITS.sub("#", line.text.lower()) in running:
                    why = "running header or footer (repeats on most pages)"
                elif _PAGE_NUMBER.match(line.text):
                    why = "page number"
            if why is None:
                kept.append(line)
                continue
            key = (_DIGITS.sub("#", line.text), why)
            if key not in seen:
                seen.add(key)
                removed.append({"text": line.text, "why": why, "page": page.number})
        page.lines = kept


# --- reading order and paragraphs -------------------------------------------------------


def _ordered(page: _Page) -> list[list[_Line]]:
    """The page's lines as runs in reading order: a run is a column's stretch of lines."""
    lines = sorted(page.lines, key=lambda line: (round(line.top, 1), line.x0))
    gutter = _gutter(page, lines)
    if gutter is None:
        return [lines]
    runs: list[list[_Line]] = []
    left: list[_Line] = []
    right: list[_Line] = []
    for line in lines:
        if line.x0 < gutter < line.x1:  # spans both columns: closes the band above it
            runs += [run for run in (left, right) if run]
            left, right = [], []
            runs.append([line])
        elif line.x1 <= gutter:
            left.append(line)
        else:
            right.append(line)
    runs += [run for run in (left, right) if run]
    return runs


def _gutter(page: _Page, lines: list[_Line]) -> float | None:
    """An x in the middle of the page that body lines on both sides leave free, if any."""
    best = None
    for step in range(0, 41):
        x = page.width * (0.3 + 0.01 * step)
        crossing = sum(1 for line in lines if line.x0 < x < line.x1)
        left = sum(1 for line in lines if line.x1 <= x)
        right = sum(1 for line in lines if line.x0 >= x)
        two_sides = left >= 3 and right >= 3 and crossing <= 0.2 * (left + right)
        if two_sides and (best is None or crossing < best[0]):
            best = (crossing, x)
    return None if best is None else best[1]


def _paragraphs(runs: list[list[_Line]]) -> list[list[str]]:
    """Group each run's lines into paragraphs (lists of lines) by vertical gaps."""
    spacings = [b.top - a.top for run in runs for a, b in itertools.pairwise(run) if b.top > a.top]
    usual = statistics.median(spacings) if spacings else 0.0
    paragraphs: list[list[str]] = []
    for run in runs:
        current: list[str] = []
        previous: _Line | None = None
        for line in run:
            gap = line.top - previous.top if previous else 0.0
            if current and usual and gap > PARAGRAPH_GAP * usual:
                paragraphs.append(current)
                current = []
            current.append(line.text)
            previous = line
        if current:
            paragraphs.append(current)
    return paragraphs


def _join(lines: list[str]) -> str:
    """Join a paragraph's lines; a word broken at a line end is mended ("secu-" + "rity"),
    a compound keeps its hyphen ("Sino-" + "Russian")."""
    text = lines[0]
    for line in lines[1:]:
        if text.endswith("\u00ad"):
            text = text[:-1] + line
        elif _HYPHENATED.search(text):
            text = (text[:-1] if line[:1].islower() else text) + line
        else:
            text = f"{text} {line}"
    return text


def _continues(previous: str, following: str) -> bool:
    """A paragraph cut by a column or page break: no sentence end, lowercase next."""
    return not _SENTENCE_END.search(previous) and following[:1].islower()


def _assemble(pages: list[_Page]) -> tuple[str, list[dict]]:
    """The canonical text and, per page, the code-point offset where its text begins."""
    paragraphs: list[str] = []
    starts: list[tuple[int, int, int]] = []  # page number, paragraph index, char in it
    for page in pages:
        page_start: tuple[int, int] | None = None
        for lines in _paragraphs(_ordered(page)):
            text = canonicalize(_join(lines)).replace("\n", " ")
            if not text:
                continue
            if paragraphs and _continues(paragraphs[-1], text):
                joined = _join([paragraphs[-1], text])
                if page_start is None:
                    page_start = (len(paragraphs) - 1, len(joined) - len(text))
                paragraphs[-1] = joined
            else:
                paragraphs.append(text)
                if page_start is None:
                    page_start = (len(paragraphs) - 1, 0)
        if page_start is not None:
            starts.append((page.number, *page_start))
    text = "\n\n".join(paragraphs)
    bases, base = [], 0
    for paragraph in paragraphs:
        bases.append(base)
        base += len(paragraph) + 2
    offsets = [{"page": number, "offset": bases[index] + char} for number, index, char in starts]
    return text, offsets
