"""extract_html and extract_text_document on the stored pages and on edge cases."""

# ruff: noqa: RUF001 (multilingual test text on purpose)

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import trafilatura

from sources.errors import IngestError
from sources.extraction.extract import Extracted, extract_html, extract_text_document
from sources.fetching.decode import decode_html
from sources.text import canonicalize

PAGES = Path(__file__).parents[1] / "pages"
ZWNJ, ZWJ = "\u200c", "\u200d"
PLACEHOLDER_RANGE = re.compile("[\U0001f700-\U0001f77f]")


def page(name: str) -> str:
    return decode_html((PAGES / name).read_bytes(), None)


def extracted(name: str) -> Extracted:
    return extract_html(page(name))


def assert_canonical_paragraphs(text: str) -> None:
    assert text == canonicalize(text)
    assert "\n\n\n" not in text


# --- the English think-tank note: boilerplate, scripts and metadata ---------------------


def test_english_note_text_and_paragraphs() -> None:
    result = extracted("en_thinktank_note.html")
    paragraphs = result.text.split("\n\n")
    assert "A habit, not a pact" in paragraphs
    assert "What to watch" in paragraphs
    assert any(
        p.startswith("In mid-March, naval units from China, Russia and Iran") for p in paragraphs
    )
    assert "toward something closer to operational alignment." in result.text
    assert_canonical_paragraphs(result.text)


def test_english_note_metadata() -> None:
    result = extracted("en_thinktank_note.html")
    assert result.title == "Drills Without an Alliance: Reading the 2025 Trilateral Naval Exercise"
    assert result.author == "Lena Whitcombe"
    assert result.outlet == "Meridian Centre for Strategic Studies"
    assert result.date == dt.date(2025, 3, 14)
    assert result.language == "en"
    assert result.canonical_url == (
        "https://meridian-centre.example/analysis/2025/drills-without-an-alliance"
    )
    assert result.description.startswith("China, Russia and Iran held their fifth joint naval")


@pytest.mark.parametrize(
    "boilerplate",
    [
        # navigation, cookie banner, sidebar, footer
        "Programmes", "Donate", "We use cookies", "Get our weekly briefing", "Most read",
        "Shells by rail", "Registered charity", "All rights reserved",
        # script bodies, document.write output, inline handlers, style rules, iframe fallback
        "dataLayer", "gtag", "MC-ANALYTICS-42", "scriptInjectedParagraph", "acceptCookies",
        "trackDonate", "initShareButtons", "share-bar-style-rule", "cookie-banner",
        "iframeFallbackText", "subscribe(this)", "initSite",
    ],
)  # fmt: skip
def test_english_note_drops_boilerplate_and_active_content(boilerplate: str) -> None:
    assert boilerplate not in extracted("en_thinktank_note.html").text


# --- encoded markup is text; real markup never is ---------------------------------------


def test_entity_encoded_markup_is_kept_as_literal_text() -> None:
    text = extracted("entity_markup.html").text
    assert "tried the classic probe <script>alert(1)</script> before moving on" in text
    assert "&lt;" not in text


@pytest.mark.parametrize(
    "marker",
    ["stealFocus", "inline-body-script-marker", "iframe-body-fallback-marker",
     "inline-body-style-marker", "hidden-style-marker", "onmouseover", "font-family"],
)  # fmt: skip
def test_real_scripts_handlers_iframes_and_styles_never_reach_the_text(marker: str) -> None:
    assert marker not in extracted("entity_markup.html").text


def test_emoji_zwj_sequence_and_flag_survive() -> None:
    text = extracted("entity_markup.html").text
    assert f"a cheerful 👩{ZWJ}💻 emoji and a flag 🇷🇺," in text


# --- Persian: ZWNJ kept, in all its spellings -------------------------------------------


def test_trafilatura_alone_drops_zwnj() -> None:
    # the reason for the placeholder workaround; if this starts failing, upstream changed
    raw = trafilatura.extract(page("fa_rtl_zwnj.html"))
    assert "سالهای" in raw
    assert ZWNJ not in raw


@pytest.mark.parametrize(
    "word",
    [
        f"سال{ZWNJ}های", f"می{ZWNJ}شود", f"به{ZWNJ}طور", f"کشتی{ZWNJ}های",
        f"بین{ZWNJ}المللی", f"نشان{ZWNJ}دهنده",
        f"هم{ZWNJ}زمان",  # &zwnj; in the source
        f"گفت{ZWNJ}وگو",  # &#8204;
        f"همکاری{ZWNJ}های",  # &#x200C;
    ],
)  # fmt: skip
def test_persian_words_keep_their_zwnj(word: str) -> None:
    assert word in extracted("fa_rtl_zwnj.html").text


def test_persian_page_metadata_and_no_placeholder_leaks() -> None:
    result = extracted("fa_rtl_zwnj.html")
    assert result.language == "fa"
    assert result.outlet == "خبرنامه دریا"
    assert (
        result.description
        == f"رزمایش{ZWNJ}های دریایی سه کشور با تمرین نجات و پدافند هوایی پایان یافت."
    )
    assert result.date == dt.date(2025, 3, 20)
    assert "سالهای" not in result.text
    for value in (result.text, result.title, result.description):
        assert not PLACEHOLDER_RANGE.search(value)
    assert_canonical_paragraphs(result.text)


def test_placeholders_never_collide_with_characters_in_the_page() -> None:
    # the page itself uses the first placeholder candidates; they must come out unchanged
    body = (
        "<html><body><article><p>Symbols \U0001f700 and \U0001f701 appear in this sentence, "
        f"next to the Persian word سال{ZWNJ}های and the sequence 👩{ZWJ}💻. "
        + "This paragraph is padded to read like a real article sentence. " * 5
        + "</p></article></body></html>"
    )
    text = extract_html(body).text
    assert "Symbols \U0001f700 and \U0001f701 appear" in text
    assert f"سال{ZWNJ}های" in text
    assert f"👩{ZWJ}💻" in text


ARTICLE_BODY = (
    "<body><article><p>"
    + "Defence ministers of Russia and Belarus met in Minsk to discuss air defence. " * 4
    + "</p></article></body></html>"
)


@pytest.mark.parametrize(
    ("head", "language"),
    [
        ('<HTML LANG="RU">', "ru"),
        ('<html xml:lang="en" lang="zh-hant-tw">', "zh-Hant-TW"),
        ('<html><head><meta property="og:locale" content="fa_IR"></head>', "fa-IR"),
        ("<html><head><title>No declaration</title></head>", None),
    ],
)
def test_declared_language(head: str, language: str | None) -> None:
    assert extract_html(head + ARTICLE_BODY).language == language


# --- other scripts and encodings ---------------------------------------------------------


def test_chinese_page() -> None:
    result = extracted("zh_news.html")
    assert result.title == "中俄空军举行第九次联合空中战略巡航"
    assert result.language == "zh-CN"
    assert result.date == dt.date(2024, 11, 30)
    assert "双方飞机在预定空域会合后进行了编队飞行。" in result.text
    assert "热点推荐" not in result.text and "版权所有" not in result.text
    assert_canonical_paragraphs(result.text)


@pytest.mark.parametrize(
    ("name", "sentence"),
    [
        ("ru_cp1251_meta.html", "Министр обороны КНДР в среду провёл в Москве переговоры"),
        ("ru_cp1251_undeclared.html", "Корабли Каспийской флотилии и военно-морских сил Ирана"),
    ],
)
def test_windows_1251_pages_after_decoding(name: str, sentence: str) -> None:
    result = extracted(name)
    assert sentence in result.text
    assert "Читайте также" not in result.text and "Главная" not in result.text


def test_bytes_are_refused_so_trafilatura_never_guesses_the_encoding() -> None:
    with pytest.raises(TypeError, match="decode"):
        extract_html((PAGES / "ru_cp1251_meta.html").read_bytes())  # type: ignore[arg-type]


def test_trafilatura_imports_with_its_html_cleaner() -> None:
    # trafilatura needs lxml_html_clean, a separate package since lxml 5.2; without it the
    # import fails at runtime, not at install time
    import lxml_html_clean  # noqa: F401
    from lxml.html.clean import Cleaner  # noqa: F401

    assert trafilatura.bare_extraction is not None


# --- refusals ----------------------------------------------------------------------------


def test_nav_only_section_front_has_no_article() -> None:
    html = page("section_front.html")
    assert trafilatura.extract(html)  # trafilatura alone returns the menus
    with pytest.raises(IngestError) as info:
        extract_html(html)
    assert info.value.reason == "no article text found"


def test_a_single_short_paragraph_is_not_an_article() -> None:
    sentence = (
        "Defence ministers of Russia and Belarus met in Minsk on Tuesday to discuss air defence."
    )
    html = f"<html><body><article><p>{sentence}</p></article></body></html>"
    with pytest.raises(IngestError, match="no article text found"):
        extract_html(html)
    assert extract_html(html, min_chars=50).text == sentence


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("", "empty file"),
        ("   \n\t ", "empty file"),
        ('{"title": "<p>Naval drill</p>", "body": "<div>text</div>"}', "not HTML"),
        ('[{"id": 1}]', "not HTML"),
        ("Plain text with no markup at all, several words long, about a naval drill.", "not HTML"),
        ("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR<html>", "not HTML"),
    ],
)
def test_empty_and_non_html_input(content: str, reason: str) -> None:
    with pytest.raises(IngestError) as info:
        extract_html(content)
    assert info.value.reason == reason


# --- dates ------------------------------------------------------------------------------


def undated(html: str) -> str:
    html = re.sub(r'<meta property="article:published_time"[^>]*>', "", html)
    html = re.sub(r'"datePublished": "[^"]*",', "", html)
    return re.sub(r"<time[^>]*>.*?</time>", "", html)


def test_copyright_year_does_not_become_the_date() -> None:
    html = undated(page("en_thinktank_note.html"))
    # without our check, the "© 2025" footer becomes 1 January 2025
    assert trafilatura.bare_extraction(html, with_metadata=True).date == "2025-01-01"
    assert extract_html(html).date is None


def test_a_stated_first_of_january_is_kept() -> None:
    html = undated(page("en_thinktank_note.html")).replace(
        "</head>", '<meta property="article:published_time" content="2025-01-01T08:00:00Z"></head>'
    )
    assert extract_html(html).date == dt.date(2025, 1, 1)


def test_non_http_canonical_link_is_not_reported() -> None:
    html = page("en_thinktank_note.html").replace(
        "https://meridian-centre.example/analysis/2025/drills-without-an-alliance",
        "javascript:alert(1)",
    )
    result = extract_html(html, url="https://mirror.example/note")
    assert result.canonical_url == "https://mirror.example/note"


# --- plain text and Markdown ------------------------------------------------------------


def test_text_file_title_from_first_line() -> None:
    text = "Pyongyang talks end\r\n\r\n\r\nThe delegation left on Friday.  \r\nNo statement.\r\n"
    result = extract_text_document(text, "notes.txt")
    assert result.title == "Pyongyang talks end"
    assert result.text == "Pyongyang talks end\n\nThe delegation left on Friday.\nNo statement."


def test_text_file_with_long_first_line_takes_the_file_name() -> None:
    result = extract_text_document("word " * 100, "uploads/2025-03 minsk visit.txt")
    assert result.title == "2025-03 minsk visit"


def test_text_file_keeps_zwnj_and_emoji() -> None:
    text = f"گزارش\n\nسال{ZWNJ}های اخیر 👩{ZWJ}💻"
    assert extract_text_document(text, "fa.txt").text == text


@pytest.mark.parametrize("text", ["", " \n\n\t", "\r\n"])
def test_empty_text_file(text: str) -> None:
    with pytest.raises(IngestError, match="empty file"):
        extract_text_document(text, "empty.txt")


def test_markdown_headings_and_paragraphs() -> None:
    md = (
        "# Security ties: a weekly digest\n"
        "Compiled by the coding team.\n\n"
        "## Exercises\n\n"
        "China and Russia held a joint naval drill.\n"
        "It lasted four days.\n\n"
        "Arms transfers\n"
        "--------------\n\n"
        "No new deliveries were confirmed.\n\n"
        "***\n\n"
        "```\n# this is code, not a heading\n```\n"
    )
    result = extract_text_document(md, "digest.md")
    assert result.title == "Security ties: a weekly digest"
    assert result.text == (
        "Security ties: a weekly digest\n\n"
        "Compiled by the coding team.\n\n"
        "Exercises\n\n"
        "China and Russia held a joint naval drill.\nIt lasted four days.\n\n"
        "Arms transfers\n\n"
        "No new deliveries were confirmed.\n\n"
        "```\n# this is code, not a heading\n```"
    )


def test_markdown_front_matter_title() -> None:
    md = '---\ntitle: "Minsk visit, March 2025"\nauthor: team\n---\nThe minister arrived.\n'
    result = extract_text_document(md, "notes/minsk.md")
    assert result.title == "Minsk visit, March 2025"
    assert result.text == "The minister arrived."


def test_markdown_rules_are_not_applied_to_txt() -> None:
    assert (
        extract_text_document("# not a heading\n\ntext", "a.txt").text == "# not a heading\n\ntext"
    )
