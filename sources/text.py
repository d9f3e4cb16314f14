"""Canonical article text, its hash, and offset conversion.

Annotations point into a source's text by Unicode code point (start included, end
excluded), so the text must be fixed once, at ingestion, before any offset exists:
`canonicalize` is that one normalization. It keeps U+200C ZERO WIDTH NON-JOINER and U+200D
ZERO WIDTH JOINER: the first is part of Persian spelling (سال‌های), the second holds emoji
sequences together (👩‍💻).

Browsers index strings in UTF-16 code units, the server in code points; the two differ by one
for every character outside the Basic Multilingual Plane (most emoji, rare CJK). Convert
with `utf16_to_codepoint` / `codepoint_to_utf16` at the API boundary.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

# line separators that str.splitlines() and some editors honour; the canonical text has "\n"
_LINE_BREAKS = re.compile(r"\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
# control characters other than tab and newline: PostgreSQL cannot store NUL, the others
# are invisible noise that would still take up offsets
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")
_TRAILING_SPACE = re.compile(r"[^\S\n]+$", re.M)
_BLANK_RUNS = re.compile(r"\n{3,}")
# what would make canonicalize change a text, for its quick test: the characters above (line
# separators other than "\n", controls, surrogates), and whitespace ending a line
_CHANGED_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_SPACE_BEFORE_NEWLINE = re.compile(r"[^\S\n]\n")


class TextTooLong(ValueError):
    """A source's text is longer than SOURCE_MAX_TEXT_CHARS; the message says by how much."""


def check_text_length(text: str, limit: int | None = None) -> None:
    """The one check of a source's length, for every path that creates a source (the form,
    the API, the CLI, fetched pages and feeds): raises TextTooLong with the same message."""
    if limit is None:
        from django.conf import settings

        limit = settings.SOURCE_MAX_TEXT_CHARS
    if len(text) > limit:
        raise TextTooLong(
            f"The text has {len(text):,} characters; a source may have at most {limit:,}. "
            "Split it into parts and add each as a source."
        )


def canonicalize(text: str) -> str:
    """Return the canonical form of an article text.

    Line endings become "\\n"; Unicode is NFC; control characters other than tab are
    dropped (lone surrogates become U+FFFD); trailing whitespace is stripped from every line;
    runs of blank lines collapse into one, so paragraphs are separated by exactly "\\n\\n";
    the whole is stripped. Idempotent. Everything else, ZWNJ and ZWJ included, is kept.
    """
    if is_canonical(text):  # the usual case, and three times faster to test than to redo
        return text
    return _canonicalize(text)


def is_canonical(text: str) -> bool:
    """True if `canonicalize` would return `text` unchanged."""
    return (
        text == text.strip()
        and "\n\n\n" not in text
        and _CHANGED_CHARS.search(text) is None
        and _SPACE_BEFORE_NEWLINE.search(text) is None
        and unicodedata.is_normalized("NFC", text)
    )


def _canonicalize(text: str) -> str:
    text = _LINE_BREAKS.sub("\n", text)
    text = _CONTROLS.sub("", text)
    if _SURROGATES.search(text):
        text = _SURROGATES.sub("\ufffd", text)
    text = unicodedata.normalize("NFC", text)
    text = _TRAILING_SPACE.sub("", text)
    text = _BLANK_RUNS.sub("\n\n", text)
    return text.strip()


def hash_text(text: str) -> str:
    """SHA-256 (hex) of `text` as it is, encoded as UTF-8 (for text already canonical)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def text_hash(text: str) -> str:
    """SHA-256 (hex) of the canonical form of `text`, encoded as UTF-8."""
    return hash_text(canonicalize(text))


def codepoint_to_utf16(text: str, cp_offset: int) -> int:
    """Convert a code-point offset into `text` to a UTF-16 code-unit offset (JavaScript)."""
    if not 0 <= cp_offset <= len(text):
        raise ValueError(f"offset {cp_offset} outside text of length {len(text)}")
    # one extra unit per astral character before the offset; encoding runs in C
    prefix = text[:cp_offset]
    return len(prefix.encode("utf-16-le", "surrogatepass")) // 2


def utf16_to_codepoint(text: str, utf16_offset: int) -> int:
    """Convert a UTF-16 code-unit offset (JavaScript) into `text` to a code-point offset.

    Raises ValueError if the offset is out of range or falls between the two halves of a
    surrogate pair (no code-point offset corresponds to it).
    """
    units = text.encode("utf-16-le", "surrogatepass")
    if not 0 <= utf16_offset <= len(units) // 2:
        raise ValueError(f"offset {utf16_offset} outside text of {len(units) // 2} UTF-16 units")
    cut = units[: 2 * utf16_offset]
    if cut and 0xD800 <= int.from_bytes(cut[-2:], "little") <= 0xDBFF:
        raise ValueError(f"offset {utf16_offset} splits a surrogate pair")
    return len(cut.decode("utf-16-le", "surrogatepass"))
