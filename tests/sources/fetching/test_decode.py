"""decode_html / decode_text_file: which encoding wins, and what is refused."""

# ruff: noqa: RUF001 (Cyrillic, Persian and typographic quotes are the point here)

from __future__ import annotations

import codecs
import random
from pathlib import Path

import pytest

from sources.errors import IngestError
from sources.fetching.decode import decode_html, decode_text_file

PAGES = Path(__file__).parents[1] / "pages"
RU_META = (PAGES / "ru_cp1251_meta.html").read_bytes()
RU_NONE = (PAGES / "ru_cp1251_undeclared.html").read_bytes()
EN = (PAGES / "en_thinktank_note.html").read_bytes()
ZH = (PAGES / "zh_news.html").read_bytes()


def test_fixtures_really_are_windows_1251() -> None:
    # guards the tests below: the files must not be valid UTF-8
    for body in (RU_META, RU_NONE):
        with pytest.raises(UnicodeDecodeError):
            body.decode("utf-8")
    assert b"charset=windows-1251" in RU_META
    assert b"charset" not in RU_NONE.lower()


def no_detection(body: bytes) -> str:
    raise AssertionError("the declared charset should have been used")


def test_windows_1251_declared_only_in_meta(monkeypatch: pytest.MonkeyPatch) -> None:
    text = decode_html(RU_META, None)
    assert "Министр обороны КНДР провёл переговоры в Москве" in text
    assert "«сугубо оборонительным»" in text  # guillemets are cp1251 bytes 0xAB/0xBB


def test_windows_1251_declared_nowhere_is_detected() -> None:
    text = decode_html(RU_NONE, None)
    assert "Корабли Каспийской флотилии и военно-морских сил Ирана" in text
    assert "манёврах" in text


def test_header_charset_wins_over_detection() -> None:
    # a KOI8-R page declared only in the header: detection alone might say otherwise
    body = "<html><body><p>Учения завершились.</p></body></html>".encode("koi8-r")
    assert "Учения завершились." in decode_html(body, "KOI8-R")


def test_header_charset_wins_over_meta(monkeypatch: pytest.MonkeyPatch) -> None:
    body = RU_META.replace(b"charset=windows-1251", b"charset=iso-8859-5")
    assert "Министр обороны" in decode_html(body, "windows-1251")


def test_wrong_utf8_header_falls_back_to_meta(monkeypatch: pytest.MonkeyPatch) -> None:
    assert "Министр обороны" in decode_html(RU_META, "utf-8")


def test_western_default_header_loses_to_valid_utf8() -> None:
    text = decode_html(ZH, "ISO-8859-1")
    assert "中俄空军举行第九次联合空中战略巡航" in text


def test_utf8_without_bom() -> None:
    text = decode_html(ZH, None)
    assert "第九次联合空中战略巡航" in text
    assert not text.startswith("\ufeff")


def test_utf8_with_bom_wins_over_header_and_bom_is_dropped() -> None:
    text = decode_html(codecs.BOM_UTF8 + EN, "windows-1251")
    assert text.startswith("<!DOCTYPE html>")
    assert "Tehran’s naval spokesman" in text


def test_utf16_with_bom() -> None:
    body = codecs.BOM_UTF16_LE + ZH.decode("utf-8").encode("utf-16-le")
    assert "第九次联合空中战略巡航" in decode_html(body, None)


def test_meta_utf16_label_on_an_ascii_compatible_page_means_utf8() -> None:
    body = '<html><head><meta charset="utf-16"></head><body>Пхеньян</body></html>'.encode()
    assert "Пхеньян" in decode_html(body, None)


def test_unknown_header_charset_is_ignored() -> None:
    assert "Министр обороны" in decode_html(RU_META, "x-no-such-charset")


def test_broken_utf8_markup_is_decoded_with_replacement() -> None:
    body = b"<html><body><p>ok \xff\xfe\xfd text</p></body></html>"
    assert "ok" in decode_html(body, "utf-8")


@pytest.mark.parametrize(
    "body",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
        b"%PDF-1.7\n1 0 obj\n<<>>\nstream\n\x00\x01\x02\x03\x00\x9c\xff",
        bytes(range(256)) * 4,
    ],
)
def test_binary_is_not_html(body: bytes) -> None:
    with pytest.raises(IngestError) as info:
        decode_html(body, None)
    assert info.value.reason == "not HTML"


@pytest.mark.parametrize("body", [b"", b"  \r\n\t "])
def test_empty_html(body: bytes) -> None:
    with pytest.raises(IngestError, match="empty file"):
        decode_html(body, None)


def test_text_file_utf8_and_bom() -> None:
    text = "Визит министра обороны КНДР\n\nسال\u200cهای اخیر 👩\u200d💻"
    assert decode_text_file(text.encode()) == text
    assert decode_text_file(codecs.BOM_UTF8 + text.encode()) == text
    assert decode_text_file(codecs.BOM_UTF16_LE + text.encode("utf-16-le")) == text


def test_text_file_windows_1251_is_detected() -> None:
    text = (
        "Делегация КНДР прибыла в Тегеран для переговоров о поставках беспилотников.\n"
        "Встреча продлится два дня."
    )
    assert decode_text_file(text.encode("cp1251")) == text


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "empty file"),
        (b"\n\n  \n", "empty file"),
        (codecs.BOM_UTF8, "empty file"),
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "not text"),
        (b"text with a NUL \x00 inside", "not text"),
        # bytes that start with a UTF-16 byte-order mark decode, but to no text
        pytest.param(
            codecs.BOM_UTF16_LE + random.Random(7).randbytes(3000), "not text", id="ff-fe-noise"
        ),
        pytest.param(
            codecs.BOM_UTF16_BE + random.Random(8).randbytes(200), "not text", id="fe-ff-noise"
        ),
    ],
)
def test_text_file_refusals(body: bytes, reason: str) -> None:
    with pytest.raises(IngestError) as info:
        decode_text_file(body)
    assert info.value.reason == reason


def test_utf16_with_its_bom_is_text_in_every_script() -> None:
    text = "习近平 met Путин. یادداشت رزمایش 🚀 e\u0301 — the drills went on.\n\nSecond paragraph."
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        assert decode_text_file(bom + text.encode(codec)) == text
