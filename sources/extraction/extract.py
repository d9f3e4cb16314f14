"""Article text and metadata from HTML (via trafilatura) and from plain-text uploads.

What trafilatura does not do for us, and this module does:

* It drops non-printable characters, ZWNJ (U+200C) and ZWJ (U+200D) among them, which
  breaks Persian spelling (سال‌های) and emoji sequences (👩‍💻). We swap them for printable
  placeholder characters that do not occur in the page before extraction, and back after.
* It separates paragraphs with a single newline. We rebuild the text from its body tree so
  that paragraphs are separated by a blank line, as the canonical text requires.
* It returns menu text for a section front and may date a page from its "© 2025" footer.
  `_looks_like_article` refuses text without real paragraphs, and a 1 January date is
  kept only when the page states that day.
* It returns None with no reason for empty or non-HTML input; we say which.

The extracted text is plain text that may contain "<script>" literally (from
`&lt;script&gt;` in the page); it is safe only because every page renders it escaped.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from sources.errors import IngestError
from sources.text import canonicalize

if TYPE_CHECKING:  # trafilatura (~26 MiB) is imported when a page is first extracted, so web
    # processes, which only create jobs, never load it (issue 20)
    from lxml.etree import _Element
    from trafilatura.settings import Extractor

# below this many characters of real paragraphs (CJK characters count double) a page is
# taken to have no article: a short news item still has two or three sentences
MIN_ARTICLE_CHARS = 200
# a paragraph needs this width and a sentence end to count as prose; menu items,
# headlines and bylines rarely have both
MIN_PARAGRAPH_WIDTH = 80
LONG_PARAGRAPH_WIDTH = 200

ZWNJ, ZWJ = "\u200c", "\u200d"
# printable, non-space, unchanged by NFC and not stripped by trafilatura: alchemical symbols
_PLACEHOLDERS = [(chr(0x1F700 + i), chr(0x1F701 + i)) for i in range(0, 0x70, 2)]
_ZW_REFERENCES = re.compile(r"&(zwnj|zwj);|&#[xX]0*200([cCdD]);|&#0*820([45]);")

_HTML_HINT = re.compile(
    r"<(?:!doctype\s+html|html|head|body|title|meta|p|div|article|main|section|span|a|br|"
    r"h[1-6]|table|ul|ol|li|header|nav|footer)[\s>/]",
    re.I,
)
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
_HTML_LANG = re.compile(
    r"<html\b[^>]*?\slang\s*=\s*[\"']?\s*([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*)", re.I
)
_META_LANG = re.compile(
    r"<meta\b[^>]*?(?:http-equiv\s*=\s*[\"']?content-language|property\s*=\s*[\"']?og:locale)"
    r"[^>]*?content\s*=\s*[\"']?\s*([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*)",
    re.I,
)
# . ! ? … and the ideographic, fullwidth, Arabic and Devanagari sentence ends
_SENTENCE_END = re.compile("[.!?\u2026\u3002\uff01\uff1f\u061f\u0964]")
_WIDE = re.compile(
    "[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f"
    "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\U00020000-\U0003fffd]"
)


@dataclass(frozen=True)
class Extracted:
    text: str  # canonical (see sources.text.canonicalize)
    title: str | None = None
    author: str | None = None
    outlet: str | None = None
    date: dt.date | None = None
    language: str | None = None
    canonical_url: str | None = None
    description: str | None = None
    # how the text was made, stored with the source (sources.models.Source.provenance)
    provenance: dict = field(default_factory=dict)


# --- HTML -------------------------------------------------------------------------------


def extract_html(
    html: str, url: str | None = None, *, min_chars: int = MIN_ARTICLE_CHARS
) -> Extracted:
    """Extract the article of an HTML page (already decoded, see sources.fetching.decode).

    Raises IngestError: "empty file", "not HTML", "no article text found".
    """
    if not isinstance(html, str):
        # trafilatura would guess the encoding itself, and guess windows-1251 wrong
        raise TypeError(
            "extract_html takes text: decode with sources.fetching.decode.decode_html first"
        )
    _require_html(html)
    from trafilatura import bare_extraction

    protected, restore = _protect_joiners(html)
    try:
        document = bare_extraction(protected, options=_options(url))
    except Exception as exc:  # trafilatura catches its own; lxml can still raise
        raise IngestError("no article text found", detail=repr(exc)) from None
    if document is None or document.body is None:
        raise IngestError("no article text found")
    text = canonicalize(restore(_body_text(document.body)))
    if not _looks_like_article(text, min_chars):
        raise IngestError("no article text found")
    canonical_url = document.url if _is_http_url(document.url) else None
    return Extracted(
        text=text,
        title=_clean_meta(document.title, restore),
        author=_clean_meta(document.author, restore),
        outlet=_clean_meta(document.sitename, restore),
        date=_article_date(document.date, html),
        language=_declared_language(html),
        canonical_url=canonical_url or (url if _is_http_url(url) else None),
        description=_clean_meta(document.description, restore),
    )


@functools.lru_cache(maxsize=1)
def _daily_options(today: dt.date) -> Extractor:
    # building an Extractor reads a dozen config values (~5% of an extraction); its date
    # params hold today's date as the latest valid one, hence one per day
    from trafilatura.settings import Extractor

    return Extractor(
        with_metadata=True,
        comments=False,
        # "txt": skip the single-newline rendering we would discard (see _body_text)
        output_format="txt",
    )


def _options(url: str | None) -> Extractor:
    options = copy.copy(_daily_options(dt.date.today()))
    options.url = url
    options.source = url
    return options


def _require_html(html: str) -> None:
    head = html[:65536]
    if not head.strip():
        raise IngestError("empty file")
    sample = head[:4096]
    if "\x00" in head or len(_CONTROL_CHARS.findall(sample)) > max(2, len(sample) // 100):
        raise IngestError("not HTML")
    stripped = head.lstrip("\ufeff \t\r\n")
    if stripped[:1] in ("{", "["):
        try:
            json.loads(html)
        except ValueError:
            pass
        else:
            raise IngestError("not HTML")
    if not _HTML_HINT.search(head):
        raise IngestError("not HTML")


def _protect_joiners(html: str) -> tuple[str, Callable[[str], str]]:
    """Swap ZWNJ/ZWJ (raw or as character references) for placeholders trafilatura keeps.

    Returns the protected HTML and a function that puts the joiners back into extracted
    strings. Placeholders are chosen among characters absent from the page, so restoring
    cannot touch a character the page really contains.
    """
    if "&" in html:
        html = _ZW_REFERENCES.sub(_reference_to_char, html)
    if ZWNJ not in html and ZWJ not in html:
        return html, _identity
    for nj, j in _PLACEHOLDERS:
        if nj not in html and j not in html:
            break
    else:  # every candidate occurs in the page: give up on the joiners, keep the text
        return html, _identity
    html = html.replace(ZWNJ, nj).replace(ZWJ, j)

    def restore(value: str) -> str:
        return value.replace(nj, ZWNJ).replace(j, ZWJ)

    return html, restore


def _identity(value: str) -> str:
    return value


def _reference_to_char(match: re.Match[str]) -> str:
    name, hex_digit, dec_digit = match.groups()
    if name is not None:
        return ZWNJ if name == "zwnj" else ZWJ
    if hex_digit is not None:
        return ZWNJ if hex_digit in "cC" else ZWJ
    return ZWNJ if dec_digit == "4" else ZWJ


def _body_text(body: _Element) -> str:
    """Render each top-level block of trafilatura's body tree, blank line between blocks."""
    from trafilatura.xml import xmltotxt

    blocks = (xmltotxt(child, False).strip() for child in body)
    return "\n\n".join(block for block in blocks if block)


def _width(line: str) -> int:
    return len(line) + len(_WIDE.findall(line))


def _looks_like_article(text: str, min_chars: int) -> bool:
    """True if the text has at least `min_chars` of prose paragraphs.

    Prose: a line at least MIN_PARAGRAPH_WIDTH wide with a sentence end, or very long.
    A nav-only page extracts to menu items and headlines, which are neither.
    """
    prose = 0
    for line in text.split("\n"):
        width = _width(line)
        if width >= LONG_PARAGRAPH_WIDTH or (
            width >= MIN_PARAGRAPH_WIDTH and _SENTENCE_END.search(line)
        ):
            prose += width
            if prose >= min_chars:
                return True
    return False


def _clean_meta(value: str | None, restore: Callable[[str], str]) -> str | None:
    if not value:
        return None
    value = " ".join(unicodedata.normalize("NFC", restore(value)).split())
    return value or None


def _is_http_url(value: str | None) -> bool:
    return bool(value) and value.lower().startswith(("http://", "https://"))


def _article_date(value: str | None, html: str) -> dt.date | None:
    """Publication date, unless it is a year-only guess.

    htmldate turns a copyright line ("© 2025") or a bare year into 1 January of that year.
    We cannot tell that from a real 1 January date unless the page states the day, so a
    1 January date is kept only when the page spells it out (ISO in metadata or a few
    common written forms).
    """
    if not value:
        return None
    try:
        date = dt.date.fromisoformat(value[:10])
    except ValueError:
        return None
    if (date.month, date.day) == (1, 1) and not _states_new_year(date.year, html):
        return None
    return date


def _states_new_year(year: int, html: str) -> bool:
    y = str(year)
    literal = (f"{y}-01-01", f"{y}/01/01", f"{y}.01.01", f"01.01.{y}", f"01/01/{y}",
               f"{y}年1月1日", f"{y}年01月01日")  # fmt: skip
    if any(form in html for form in literal):
        return True
    written = re.compile(
        rf"\b(?:1(?:st)?\s+january,?\s+{y}|january\s+1(?:st)?,?\s+{y}|1\s+января\s+{y})\b", re.I
    )
    return written.search(html) is not None


def _declared_language(html: str) -> str | None:
    head = html[:16384]
    match = _HTML_LANG.search(head) or _META_LANG.search(head)
    if match is None:
        return None
    primary, *rest = re.split(r"[-_]", match.group(1))
    parts = [primary.lower()]
    for part in rest:
        if len(part) == 2:
            parts.append(part.upper())
        elif len(part) == 4:
            parts.append(part.title())
        else:
            parts.append(part.lower())
    return "-".join(parts)


# --- plain text and Markdown ------------------------------------------------------------

MAX_TITLE_LENGTH = 200
_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n(?:---|\.\.\.)\n", re.S)
_FRONT_TITLE = re.compile(r"^title:\s*(.+?)\s*$", re.M)
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_THEMATIC_BREAK = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def extract_text_document(text: str, filename: str) -> Extracted:
    """Wrap an uploaded or pasted .txt/.md text (already decoded) as an extracted article.

    Markdown stays readable as plain text: '#' marks and setext underlines leave headings,
    which become paragraphs of their own; front matter is dropped (its title is used).
    Title: front matter, else first heading (Markdown), else the first line if short,
    else the file name.
    """
    text = canonicalize(text)
    if not text:
        raise IngestError("empty file")
    name = PurePosixPath(filename.replace("\\", "/")).name
    title = None
    if name.lower().endswith((".md", ".markdown")):
        text, title = _markdown_to_text(text)
        text = canonicalize(text)
        if not text:
            raise IngestError("empty file")
    if title is None:
        first = text.split("\n", 1)[0].strip()
        title = first if len(first) <= MAX_TITLE_LENGTH else None
    if not title:
        title = PurePosixPath(name).stem or name or None
    return Extracted(text=text, title=title)


def _markdown_to_text(text: str) -> tuple[str, str | None]:
    title = None
    front = _FRONT_MATTER.match(text + "\n")
    if front is not None:
        found = _FRONT_TITLE.search(front.group(1))
        if found:
            title = found.group(1).strip("\"'").strip() or None
        text = text[front.end() :]
    lines = text.split("\n")
    out: list[str] = []
    fence: str | None = None
    for line in lines:
        if fence is not None:
            out.append(line)
            if line.strip().startswith(fence):
                fence = None
            continue
        opening = _FENCE.match(line)
        if opening:
            fence = opening.group(1)[0] * 3
            out.append(line)
            continue
        heading = _ATX.match(line)
        if heading:
            content = (heading.group(2) or "").strip()
            title = title or content or None
            out.extend(["", content, ""])
            continue
        if _SETEXT.match(line) and out and out[-1].strip():
            # "Title" underlined with === or ---: the underline goes, the line stays
            content = out[-1].strip()
            title = title or content
            out[-1:] = ["", content, ""]
            continue
        if _THEMATIC_BREAK.match(line):
            out.append("")
            continue
        out.append(line)
    return "\n".join(out), title
