"""Turn fetched or uploaded bytes into text, choosing the encoding ourselves.

trafilatura guesses encodings from a few kilobytes and ignores both the HTTP header and
`<meta charset>`, so a windows-1251 page can come out as cp1250 mojibake. We decode first
and hand it text.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from sources.errors import IngestError

# a declaration is looked for in the first bytes only, as browsers do (WHATWG says 1024;
# real pages put scripts and long <title>s before it, hence more)
META_SCAN_BYTES = 4096
# detection on the whole of a 10 MB page is slow; a sample from both ends is enough
DETECT_SAMPLE_BYTES = 64 * 1024

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: its BOM starts the same way
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"<meta\b[^>]*?\bcharset\s*=\s*[\"']?\s*([a-zA-Z0-9_:.+-]+)", re.I)
_MARKUP = re.compile(rb"<(?:!doctype\s+html|html|head|body|meta|title|p|div|article)\b", re.I)
# C0 controls that do not occur in text (tab, LF, FF and CR excluded)
_BINARY_CONTROLS = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")
# single-byte Western defaults that servers often send for pages really in UTF-8
_WESTERN_DEFAULTS = {"latin-1", "iso8859-1", "cp1252", "ascii"}


def _bom(body: bytes) -> tuple[str, int] | None:
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return encoding, len(bom)
    return None


def _codec(label: str | None) -> str | None:
    """Python codec name for a declared charset label, or None if unknown.

    Follows the WHATWG mapping where Python differs: ISO-8859-1 and ASCII labels mean
    windows-1252, and a UTF-16 label in a document that was read as ASCII means UTF-8.
    """
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    if name in {"latin-1", "iso8859-1", "ascii"}:
        return "cp1252"
    if name.startswith(("utf-16", "utf-32")):
        return "utf-8"
    return name


def _meta_charset(body: bytes) -> str | None:
    match = _META_CHARSET.search(body[:META_SCAN_BYTES])
    return _codec(match.group(1).decode("ascii")) if match else None


def _looks_binary(body: bytes) -> bool:
    sample = body[:DETECT_SAMPLE_BYTES]
    if b"\x00" in sample:
        return True
    return len(_BINARY_CONTROLS.findall(sample)) > max(2, len(sample) // 100)


def _detect(body: bytes) -> str | None:
    """charset-normalizer's best guess, on a sample for large inputs."""
    if len(body) > DETECT_SAMPLE_BYTES:
        half = DETECT_SAMPLE_BYTES // 2
        # cut at a line break so a multi-byte sequence is not split at the seam
        head = body[:half].rpartition(b"\n")[0] or body[:half]
        tail = body[-half:].partition(b"\n")[2] or body[-half:]
        sample = head + b"\n" + tail
    else:
        sample = body
    best = from_bytes(sample).best()
    return best.encoding if best is not None else None


def _strict(body: bytes, encoding: str) -> str | None:
    try:
        return body.decode(encoding)
    except UnicodeDecodeError:
        return None


def decode_html(body: bytes, charset_from_header: str | None = None) -> str:
    """Decode an HTML document.

    Order: byte-order mark; HTTP charset; `<meta charset>` or `http-equiv` Content-Type in
    the first 4 KB; valid UTF-8; charset-normalizer; UTF-8 with replacement characters.
    A declared charset that fails to decode strictly is treated as a hint only, and a
    Western default header (ISO-8859-1) loses to a body that is valid UTF-8.
    """
    if not body.strip():
        raise IngestError("empty file")
    bom = _bom(body)
    if bom is not None:
        return body[bom[1] :].decode(bom[0], errors="replace")
    if _looks_binary(body):
        raise IngestError("not HTML")

    declared = []
    header = _codec(charset_from_header)
    if header is not None:
        declared.append(header)
    meta = _meta_charset(body)
    if meta is not None:
        declared.append(meta)
    for encoding in declared:
        if encoding in _WESTERN_DEFAULTS and encoding == header and not body.isascii():
            text = _strict(body, "utf-8")
            if text is not None:
                return text
        text = _strict(body, encoding)
        if text is not None:
            return text

    text = _strict(body, "utf-8")
    if text is not None:
        return text
    detected = _detect(body)
    if detected is not None:
        return body.decode(detected, errors="replace")
    if declared:
        return body.decode(declared[0], errors="replace")
    if _MARKUP.search(body[:META_SCAN_BYTES]):
        return body.decode("utf-8", errors="replace")
    raise IngestError("not HTML")


def decode_text_file(body: bytes) -> str:
    """Decode an uploaded .txt/.md file: BOM, strict UTF-8, then detection."""
    if not body.strip():
        raise IngestError("empty file")
    bom = _bom(body)
    if bom is not None:
        text = body[bom[1] :].decode(bom[0], errors="replace")
    elif _looks_binary(body):
        raise IngestError("not text")
    else:
        text = _strict(body, "utf-8")
        if text is None:
            detected = _detect(body)
            if detected is None:
                raise IngestError("not text")
            text = body.decode(detected, errors="replace")
    if not text.strip():
        raise IngestError("empty file")
    return text
