"""canonicalize, text_hash and the UTF-16 / code point offset conversions."""

# ruff: noqa: RUF001 (multilingual test text on purpose)

from __future__ import annotations

import hashlib
import json
import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from sources.text import canonicalize, codepoint_to_utf16, text_hash, utf16_to_codepoint

ZWNJ, ZWJ = "\u200c", "\u200d"
PERSIAN = f"سال{ZWNJ}های اخیر رزمایش{ZWNJ}ها"  # "in recent years ... exercises"
CODER = f"👩{ZWJ}💻"  # woman technologist: 3 code points, 5 UTF-16 units
FLAG = "🇨🇳"  # two regional indicators, both outside the BMP


def test_line_endings_become_newlines() -> None:
    assert canonicalize("a\r\nb\rc\nd") == "a\nb\nc\nd"
    assert canonicalize("a\u2028b\x0cc\x85d") == "a\nb\nc\nd"


def test_paragraphs_are_separated_by_exactly_one_blank_line() -> None:
    raw = "\n\n  Title  \r\n\r\n\r\n\r\nFirst para\nsecond line   \n \t\n\n\nLast\t \n\n"
    assert canonicalize(raw) == "Title\n\nFirst para\nsecond line\n\nLast"


def test_leading_indentation_inside_the_text_is_kept() -> None:
    assert canonicalize("Quote:\n\n    indented line") == "Quote:\n\n    indented line"


def test_nfc_composes_but_keeps_sequences_without_precomposed_form() -> None:
    assert canonicalize("Cafe\u0301") == "Café"
    assert len(canonicalize("Cafe\u0301")) == 4
    # q + combining dot above has no precomposed character: stays two code points
    assert canonicalize("q\u0307") == "q\u0307"
    # Cyrillic й decomposed (и + breve) composes to one code point
    assert canonicalize("и\u0306") == "й"


def test_zwnj_and_zwj_are_kept() -> None:
    text = f"{PERSIAN}\n\n{CODER} {FLAG}"
    assert canonicalize(text) == text
    assert ZWNJ in canonicalize(PERSIAN)
    assert canonicalize(CODER) == CODER


def test_scripts_survive_unchanged() -> None:
    text = "中俄联合空中战略巡航。\n\nМинистр обороны КНДР провёл переговоры.\n\n" + PERSIAN
    assert canonicalize(text) == text


def test_control_characters_and_lone_surrogates_are_removed() -> None:
    assert canonicalize("a\x00b\x07c\x1bd\x7fe\tf") == "abcde\tf"
    assert canonicalize("bad \ud800 half") == "bad \ufffd half"


def test_text_hash_is_sha256_of_the_canonical_utf8() -> None:
    canonical = f"Визит\n\n{PERSIAN} {CODER}"
    expected = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    assert text_hash(canonical) == expected
    assert text_hash(canonical.replace("\n", "\r\n") + "\n\n\n") == expected
    assert text_hash(canonical + ".") != expected


def js_length(text: str) -> int:
    """Length of the string as JavaScript counts it (UTF-16 units)."""
    return len(text.encode("utf-16-le")) // 2


def test_offsets_around_astral_characters() -> None:
    text = f"A{CODER}B{FLAG}中"
    # code points: A=0, 👩=1, ZWJ=2, 💻=3, B=4, 🇨=5, 🇳=6, 中=7
    # UTF-16:      A=0, 👩=1-2, ZWJ=3, 💻=4-5, B=6, 🇨=7-8, 🇳=9-10, 中=11
    pairs = [(0, 0), (1, 1), (2, 3), (3, 4), (4, 6), (5, 7), (6, 9), (7, 11), (8, 12)]
    for cp, unit in pairs:
        assert codepoint_to_utf16(text, cp) == unit
        assert utf16_to_codepoint(text, unit) == cp
    assert js_length(text) == 12


def test_offsets_in_bmp_only_text_are_identical() -> None:
    text = PERSIAN + "中俄" + "é"
    for i in range(len(text) + 1):
        assert codepoint_to_utf16(text, i) == i
        assert utf16_to_codepoint(text, i) == i


def test_offset_inside_a_surrogate_pair_is_rejected() -> None:
    with pytest.raises(ValueError, match="surrogate"):
        utf16_to_codepoint(f"A{CODER}", 2)  # between the halves of 👩


@pytest.mark.parametrize("offset", [-1, 13])
def test_offsets_out_of_range_are_rejected(offset: int) -> None:
    text = f"A{CODER}B{FLAG}中"
    with pytest.raises(ValueError):
        utf16_to_codepoint(text, offset)
    with pytest.raises(ValueError):
        codepoint_to_utf16(text, offset if offset < 0 else 9)


def test_quote_selected_in_a_browser_maps_back_to_the_same_text() -> None:
    # what the client sends: JS offsets of "rezmayesh-ha" in a string holding emoji first
    text = f"{CODER} {FLAG} گزارش: {PERSIAN}"
    quote = f"رزمایش{ZWNJ}ها"
    js = json.loads(json.dumps(text))  # same string; offsets computed as JS would
    js_start = js_length(js[: js.index(quote)])
    start = utf16_to_codepoint(text, js_start)
    end = utf16_to_codepoint(text, js_start + js_length(quote))
    assert text[start:end] == quote


text_strategy = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(["\r", "\n", " ", ZWNJ, ZWJ, "\u0301", "🇨", "👩"]),
    ),
    max_size=200,
)


@given(text_strategy)
def test_canonicalize_is_idempotent_and_keeps_its_promises(text: str) -> None:
    once = canonicalize(text)
    assert canonicalize(once) == once
    assert "\r" not in once
    assert "\n\n\n" not in once
    assert once == once.strip()
    assert unicodedata.is_normalized("NFC", once)
    assert all(not line.endswith((" ", "\t")) for line in once.split("\n"))
    assert once.count(ZWNJ) == text.count(ZWNJ)
    assert once.count(ZWJ) == text.count(ZWJ)


# short texts over few characters, so that each thing canonicalize changes often comes alone
awkward_text = st.text(
    alphabet=st.sampled_from(
        [*"ab\n \t\xa0\u3000\u0301\u212b", ZWNJ, ZWJ, *"\r\x0b\x85\u2028\x00\x1f\x7f\x9f\ud800"]
    ),
    max_size=8,
)


@given(awkward_text)
@example("a \nb")  # whitespace ending a line
@example("a\xa0\nb")
@example("a\n\n\nb")  # a run of blank lines
@example("a\x85b")  # a line separator
@example("a\u0301")  # not NFC
@example("\u212b")
@example(" a")
def test_canonical_text_is_recognised_exactly(text: str) -> None:
    from sources.text import _canonicalize, is_canonical

    full = _canonicalize(text)  # the normalization without the quick test
    assert canonicalize(text) == full
    assert is_canonical(text) == (full == text)
    assert is_canonical(full)


@given(text_strategy)
def test_offset_conversions_round_trip(text: str) -> None:
    text = canonicalize(text)
    for cp in range(len(text) + 1):
        unit = codepoint_to_utf16(text, cp)
        assert utf16_to_codepoint(text, unit) == cp
        assert unit == js_length(text[:cp])
