"""The encoding corpus: every text in every encoding, declared, undeclared and mis-declared,

comes back exactly; when the bytes cannot tell, the item is held with the candidates."""

# ruff: noqa: RUF003 (the scripts of the study and their mojibake are the point here)

from __future__ import annotations

import codecs

import pytest

from sources.fetching.decode import (
    EncodingUnsure,
    decode_html,
    decode_html_bytes,
    decode_text_file,
    normalize_codec,
)
from tests.sources.fetching.encoding_corpus import ENGLISH, cases, written

CASES = cases()
# declarations a server or CMS gets wrong: a Western default, Cyrillic, UTF-8, Chinese
WRONG = ["iso-8859-1", "windows-1251", "utf-8", "koi8-r", "gbk", "big5", "shift_jis"]


def page(text: str, meta: str | None = None) -> str:
    head = f'<meta charset="{meta}">' if meta else ""
    paragraphs = "".join(f"<p>{p}</p>" for p in text.split("\n\n"))
    head = f"<head>{head}<title>t</title></head>"
    return f"<!DOCTYPE html><html>{head}<body>{paragraphs}</body></html>"


def ids(case: tuple[str, str]) -> str:
    return "-".join(case)


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_undeclared_page_round_trips(case: tuple[str, str]) -> None:
    lang, encoding = case
    text = written(lang, encoding)
    html = page(text)
    assert decode_html(html.encode(encoding), None) == html


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_english_article_with_one_paragraph_in_the_language(case: tuple[str, str]) -> None:
    lang, encoding = case
    html = page(f"{ENGLISH}\n\n{written(lang, encoding)}\n\n{ENGLISH}")
    assert decode_html(html.encode(encoding), None) == html


@pytest.mark.parametrize("case", CASES, ids=ids)
@pytest.mark.parametrize("where", ["header", "meta"])
def test_declared_page_round_trips(case: tuple[str, str], where: str) -> None:
    lang, encoding = case
    html = page(written(lang, encoding), meta=encoding if where == "meta" else None)
    header = encoding if where == "header" else None
    assert decode_html(html.encode(encoding), header) == html


# every case with every declaration that is wrong for it
MISDECLARED = [
    pytest.param(case, wrong, id=f"{ids(case)}-as-{wrong}")
    for case in CASES
    for wrong in WRONG
    if normalize_codec(wrong) != normalize_codec(case[1])
]


@pytest.mark.parametrize(("case", "wrong"), MISDECLARED)
@pytest.mark.parametrize("where", ["header", "meta"])
def test_misdeclared_page_round_trips(case: tuple[str, str], wrong: str, where: str) -> None:
    lang, encoding = case
    html = page(f"{ENGLISH}\n\n{written(lang, encoding)}", meta=wrong if where == "meta" else None)
    header = wrong if where == "header" else None
    assert decode_html(html.encode(encoding), header) == html


@pytest.mark.parametrize("case", CASES, ids=ids)
def test_text_file_round_trips_with_and_without_bom(case: tuple[str, str]) -> None:
    lang, encoding = case
    text = written(lang, encoding)
    assert decode_text_file(text.encode(encoding)) == text
    if encoding == "utf-8":
        assert decode_text_file(codecs.BOM_UTF8 + text.encode(encoding)) == text


def test_the_issues_three_pages() -> None:
    russian = written("ru", "windows-1251")
    html = page(f"{ENGLISH}\n\n{russian}")
    # windows-1251, declared nowhere (was read as windows-1250)
    assert decode_html(html.encode("cp1251"), None) == html
    # UTF-8 bytes declared windows-1251 (was "Р’РёР·РёС‚ РІ…")
    assert decode_html(page(russian, "windows-1251").encode("utf-8"), "windows-1251") == page(
        russian, "windows-1251"
    )
    # windows-1251 declared ISO-8859-1 (was "Âèçèò â Ïõåíüÿí…")
    assert decode_html(page(russian).encode("cp1251"), "ISO-8859-1") == page(russian)


@pytest.mark.parametrize(
    ("word", "encoding"),
    [("Визит", "cp1251"), ("北朝鮮", "gb18030"), ("북한과", "euc-kr"), ("وزير", "cp1256")],
)
def test_a_few_letters_are_held_with_their_candidates(word: str, encoding: str) -> None:
    body = page(word).encode(encoding)
    with pytest.raises(EncodingUnsure) as raised:
        decode_html(body, None)
    assert normalize_codec(encoding) in raised.value.candidates
    assert "encoding unsure" in raised.value.reason
    chosen = decode_html_bytes(body, None, chosen=encoding)
    assert chosen.text == page(word)


def test_a_declaration_settles_a_tie() -> None:
    body = page("Визит").encode("cp1251")
    assert decode_html(body, "windows-1251") == page("Визит")


@pytest.mark.parametrize("word", ["café", "Genève", "Außenministerin"])
def test_one_accented_word_in_an_english_page_is_windows_1252(word: str) -> None:
    html = page(f"{ENGLISH} {word}")
    assert decode_html(html.encode("cp1252"), None) == html
