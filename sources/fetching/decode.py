"""Turn fetched or uploaded bytes into text, choosing the encoding ourselves.

trafilatura guesses encodings from a few kilobytes and ignores both the HTTP header and
`<meta charset>`, so a windows-1251 page can come out as cp1250 mojibake. We decode first
and hand it text.

A declaration (HTTP header, `<meta charset>`) is a claim, and servers and CMSs get it wrong:
a UTF-8 page declared windows-1251, a windows-1251 page declared ISO-8859-1. Once a source
is coded its text can never change, so a wrong guess is permanent. The order here:

1. a byte-order mark decides;
2. bytes that are valid UTF-8 and not plain ASCII are UTF-8, whatever is declared (legacy
   text is practically never valid multi-byte UTF-8 by accident);
3. otherwise the encodings of the study's languages are ranked on the bytes
   (charset-normalizer's mess ratio and language coherence). A declared encoding that
   decodes the bytes and ranks with the best is used; one that ranks clearly worse loses to
   the bytes' clear winner;
4. when no encoding is clearly best (short texts, near ties), `EncodingUnsure` is raised
   with the candidates, so that a person picks one after seeing the text (the item is held).
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

from charset_normalizer import from_bytes

from sources.errors import IngestError

# a declaration is looked for in the first bytes only, as browsers do (WHATWG says 1024;
# real pages put scripts and long <title>s before it, hence more)
META_SCAN_BYTES = 4096
# detection on the whole of a 10 MB page is slow; a sample from both ends is enough
DETECT_SAMPLE_BYTES = 64 * 1024
# candidates are scored by mess ratio less this share of language coherence (both 0..1);
# one whose score is within SCORE_TIE of the best one's ties with it
COHERENCE_WEIGHT = 0.25
SCORE_TIE = 0.05
# ... plus this share of words that mix scripts (see _mixed_words)
MIXED_WORDS_WEIGHT = 0.5

# Encodings of the study's languages and region, as (label shown to people, Python codec).
# Detection ranks these only: a wider set (cp1250, mac_cyrillic, ...) wins ties on short
# texts by accident. Anything else can still be chosen by hand (ENCODING_CHOICES).
STUDY_ENCODINGS: tuple[tuple[str, str], ...] = (
    ("UTF-8", "utf_8"),
    ("windows-1252 (Western)", "cp1252"),
    ("ISO-8859-15 (Western)", "iso8859_15"),
    ("windows-1251 (Cyrillic)", "cp1251"),
    ("KOI8-R (Cyrillic)", "koi8_r"),
    ("ISO-8859-5 (Cyrillic)", "iso8859_5"),
    ("windows-1256 (Arabic, Persian)", "cp1256"),
    ("GB18030 / GBK (Chinese, simplified)", "gb18030"),
    ("Big5 (Chinese, traditional)", "big5"),
    ("EUC-KR (Korean)", "cp949"),
    ("Shift_JIS (Japanese)", "cp932"),
    ("EUC-JP (Japanese)", "euc_jp"),
)
ENCODING_CHOICES: tuple[tuple[str, str], ...] = (
    *STUDY_ENCODINGS,
    ("windows-1250 (Central European)", "cp1250"),
    ("ISO-8859-2 (Central European)", "iso8859_2"),
    ("ISO-8859-6 (Arabic)", "iso8859_6"),
    ("ISO-8859-7 (Greek)", "iso8859_7"),
    ("windows-1253 (Greek)", "cp1253"),
    ("windows-1254 (Turkish)", "cp1254"),
    ("windows-1255 (Hebrew)", "cp1255"),
    ("KOI8-U (Ukrainian)", "koi8_u"),
    ("ISO-2022-JP (Japanese)", "iso2022_jp"),
)
_LABELS = dict((codec, label) for label, codec in ENCODING_CHOICES)
# supersets used in place of what pages declare: the same text for every valid byte
_SUPERSETS = {"gbk": "gb18030", "gb2312": "gb18030", "euc_kr": "cp949", "shift_jis": "cp932"}

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf_32_le"),  # before UTF-16 LE: its BOM starts the same way
    (codecs.BOM_UTF32_BE, "utf_32_be"),
    (codecs.BOM_UTF8, "utf_8"),
    (codecs.BOM_UTF16_LE, "utf_16_le"),
    (codecs.BOM_UTF16_BE, "utf_16_be"),
)
_META_CHARSET = re.compile(rb"<meta\b[^>]*?\bcharset\s*=\s*[\"']?\s*([a-zA-Z0-9_:.+-]+)", re.I)
_NON_ASCII_WORD = re.compile(rb"[^\s<>]*[\x80-\xff][^\s<>]*")
_ASCII_LETTER = re.compile(r"[A-Za-z]")
_OTHER_SCRIPT = re.compile(
    "[\u0370-\u03ff\u0400-\u052f\u0590-\u08ff\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]"
)
_MARKUP = re.compile(rb"<(?:!doctype\s+html|html|head|body|meta|title|p|div|article)\b", re.I)
# C0 controls that do not occur in text (tab, LF, FF and CR excluded)
_BINARY_CONTROLS = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")


class EncodingUnsure(IngestError):
    """No encoding is clearly right: a person must choose (see `candidates`)."""

    def __init__(self, candidates: list[str]) -> None:
        super().__init__(unsure_reason(candidates))
        self.candidates = candidates
        self.body: bytes | None = None  # the bytes in question, set by whoever holds them


def unsure_reason(candidates: list[str]) -> str:
    """Why an item is held, naming every candidate (in the order offered)."""
    names = ", ".join(encoding_label(c) for c in candidates)
    return f"encoding unsure ({names}): choose one and check the text"


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # Python codec name


def encoding_label(codec: str) -> str:
    """The name shown to people for a Python codec name."""
    return _LABELS.get(codec, codec)


def normalize_codec(label: str | None) -> str | None:
    """Python codec name for a charset label or codec name, or None if unknown."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'").lower()).name
    except LookupError:
        return None
    name = name.replace("-", "_")
    return _SUPERSETS.get(name, name)


def _bom(body: bytes) -> tuple[str, int] | None:
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return encoding, len(bom)
    return None


def _declared_codec(label: str | None) -> str | None:
    """Python codec for a declared charset label, following WHATWG where Python differs.

    ISO-8859-1 and ASCII labels mean windows-1252, and a UTF-16 label in a document that was
    read as ASCII means UTF-8.
    """
    name = normalize_codec(label)
    if name in {"latin_1", "iso8859_1", "ascii"}:
        return "cp1252"
    if name is not None and name.startswith(("utf_16", "utf_32")):
        return "utf_8"
    return name


def _meta_charset(body: bytes) -> str | None:
    match = _META_CHARSET.search(body[:META_SCAN_BYTES])
    return _declared_codec(match.group(1).decode("ascii")) if match else None


def _looks_binary(body: bytes) -> bool:
    sample = body[:DETECT_SAMPLE_BYTES]
    if b"\x00" in sample:
        return True
    return len(_BINARY_CONTROLS.findall(sample)) > max(2, len(sample) // 100)


def _looks_garbled(text: str) -> bool:
    """Whether text decoded by its byte-order mark is binary after all: bytes that merely
    start with FF FE decode as UTF-16 to unassigned and private-use code points (about one in
    five), which no document of the study holds."""
    sample = text[: DETECT_SAMPLE_BYTES // 2]
    odd = sum(
        1
        for ch in sample
        if ch not in "\t\n\r\f\v" and unicodedata.category(ch) in ("Cn", "Co", "Cs", "Cc")
    )
    return odd > max(2, len(sample) // 100)


def _sample(body: bytes) -> bytes:
    """The words holding non-ASCII bytes, joined by spaces (at most DETECT_SAMPLE_BYTES).

    Markup and English around them would otherwise dominate the language measures: a page
    in English with a short Japanese paragraph "looks English" read as windows-1252. No
    legacy encoding of the study uses whitespace, "<" or ">" inside a multi-byte character,
    so cutting there never splits one.
    """
    words = _NON_ASCII_WORD.findall(body)
    body = b" ".join(words) if words else body
    if len(body) <= DETECT_SAMPLE_BYTES:
        return body
    half = DETECT_SAMPLE_BYTES // 2
    # cut at a line break so a multi-byte sequence is not split at the seam
    head = body[:half].rpartition(b" ")[0] or body[:half]
    tail = body[-half:].partition(b" ")[2] or body[-half:]
    return head + b" " + tail


def _strict(body: bytes, encoding: str) -> str | None:
    try:
        return body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


@dataclass(frozen=True)
class _Ranked:
    codec: str
    text: str  # the sample decoded
    chaos: float
    coherence: float
    mixed: float = 0.0  # share of words mixing ASCII letters with another script


def _mixed_words(text: str) -> float:
    """Share of words that mix ASCII letters with Cyrillic, Greek, Arabic, Hebrew or CJK.

    "café" read as windows-1251 is "cafй": real words almost never do this, so it settles
    a lone accented letter in an English page that the language measures cannot.
    """
    words = text.split()
    if not words:
        return 0.0
    mixed = sum(1 for w in words if _ASCII_LETTER.search(w) and _OTHER_SCRIPT.search(w))
    return mixed / len(words)


def rank_encodings(body: bytes, extra: tuple[str, ...] = ()) -> list[_Ranked]:
    """The study's encodings (and `extra`) that decode the bytes, best first.

    Encodings that decode to the same text count once (the first, in STUDY_ENCODINGS
    order). An encoding whose text is too messy to be language is left out.
    """
    sample = _sample(body)
    wanted = [codec for _, codec in STUDY_ENCODINGS]
    wanted += [c for c in extra if c not in wanted]
    ranked: list[_Ranked] = []
    for match in from_bytes(sample, cp_isolation=wanted):
        codec = normalize_codec(match.encoding) or match.encoding
        text = str(match)
        ranked.append(_Ranked(codec, text, match.chaos, match.coherence, _mixed_words(text)))
    ranked.sort(key=lambda r: (_score(r), _order(r.codec, wanted)))
    unique: list[_Ranked] = []
    for candidate in ranked:
        same = next((u for u in unique if u.text == candidate.text), None)
        if same is None:
            unique.append(candidate)
    return unique


def _mostly_utf8(body: bytes) -> bool:
    broken = body.decode("utf_8", errors="replace").count("\ufffd")
    return broken <= max(3, len(body) // 2000)


def _order(codec: str, wanted: list[str]) -> int:
    return wanted.index(codec) if codec in wanted else len(wanted)


def _score(candidate: _Ranked) -> float:
    """Lower is better: mess, less a share of language coherence (which short texts lack),
    plus words that mix scripts."""
    return (
        candidate.chaos
        - COHERENCE_WEIGHT * candidate.coherence
        + MIXED_WORDS_WEIGHT * candidate.mixed
    )


def _ties(best: _Ranked, other: _Ranked) -> bool:
    return _score(other) - _score(best) < SCORE_TIE


def choose_encoding(body: bytes, declared: list[str] | None = None) -> str:
    """The codec for bytes that are neither ASCII nor UTF-8 (see the module docstring).

    `declared` are codec names in order of authority (HTTP header, then meta). Raises
    EncodingUnsure when neither the bytes nor a declaration settle it.
    """
    says_utf8 = "utf_8" in (declared or [])
    declared = [d for d in declared or [] if _strict(_sample(body), d) is not None]
    ranked = rank_encodings(body, tuple(declared))
    if not ranked:
        if declared:
            return declared[0]
        if says_utf8 and _mostly_utf8(body):
            return "utf_8"
        raise EncodingUnsure([codec for _, codec in STUDY_ENCODINGS[1:5]])
    best = ranked[0]
    tied = [r for r in ranked[1:] if _ties(best, r)]
    for codec in declared:  # a declaration settles a tie, never overrules a clear winner
        text = _strict(_sample(body), codec)
        if any(r.text == text for r in [best, *tied]):
            return codec
    if not tied:
        return best.codec
    if says_utf8 and _mostly_utf8(body):  # a stray broken byte in a UTF-8 page
        return "utf_8"
    raise EncodingUnsure([best.codec, *(r.codec for r in tied)])


def decode_bytes(
    body: bytes, declared: list[str] | None = None, chosen: str | None = None
) -> Decoded:
    """Decode text bytes: BOM, then valid UTF-8, then the ranking (see the module docstring).

    `chosen` is an encoding a person picked: used as it is. Raises EncodingUnsure.
    """
    if chosen:
        codec = normalize_codec(chosen)
        if codec is None:
            raise IngestError(f"unknown encoding {chosen[:40]}")
        return Decoded(body.decode(codec, errors="replace"), codec)
    bom = _bom(body)
    if bom is not None:
        return Decoded(body[bom[1] :].decode(bom[0], errors="replace"), bom[0])
    text = _strict(body, "utf_8")
    if text is not None:  # ASCII, or multi-byte UTF-8: the bytes are unambiguous
        return Decoded(text, "utf_8")
    codec = choose_encoding(body, declared)
    text = _strict(body, codec)
    if text is None:  # the sample decoded, a byte elsewhere does not
        text = body.decode(codec, errors="replace")
    return Decoded(text, codec)


def declared_encodings(body: bytes, charset_from_header: str | None) -> list[str]:
    """Codecs declared for an HTML document: HTTP header first, then `<meta charset>`."""
    declared = []
    for codec in (_declared_codec(charset_from_header), _meta_charset(body)):
        if codec is not None and codec not in declared:
            declared.append(codec)
    return declared


def decode_html_bytes(
    body: bytes, charset_from_header: str | None = None, chosen: str | None = None
) -> Decoded:
    """Decode an HTML document; see `decode_bytes`. Raises IngestError ("empty file",
    "not HTML") and EncodingUnsure."""
    if not body.strip():
        raise IngestError("empty file")
    if _bom(body) is None and not chosen and _looks_binary(body):
        raise IngestError("not HTML")
    decoded = decode_bytes(body, declared_encodings(body, charset_from_header), chosen)
    if _bom(body) is not None and _looks_garbled(decoded.text):
        raise IngestError("not HTML")
    return decoded


def decode_html(
    body: bytes, charset_from_header: str | None = None, chosen: str | None = None
) -> str:
    """The text of an HTML document (see `decode_html_bytes`)."""
    return decode_html_bytes(body, charset_from_header, chosen).text


def decode_text_bytes(body: bytes, chosen: str | None = None) -> Decoded:
    """Decode an uploaded .txt/.md file. Raises IngestError and EncodingUnsure."""
    if not body.strip():
        raise IngestError("empty file")
    if _bom(body) is None and not chosen and _looks_binary(body):
        raise IngestError("not text")
    decoded = decode_bytes(body, None, chosen)
    if not decoded.text.strip():
        raise IngestError("empty file")
    if _bom(body) is not None and _looks_garbled(decoded.text):
        raise IngestError("not text")
    return decoded


def decode_text_file(body: bytes, chosen: str | None = None) -> str:
    return decode_text_bytes(body, chosen).text
