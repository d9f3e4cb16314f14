"""Offsets round-trip for every script the study meets (code points <-> UTF-16 units)."""

import pytest

from coding.offsets import points_to_utf16, utf16_to_points
from coding.workspace.validation import SpanText, check_span

SAMPLES = {
    "emoji outside the BMP": "Talks 🤝🏽 went well 🇨🇳🇷🇺 and 😀.",
    "CJK": "中俄两国海军在日本海举行联合巡航。",
    "Persian RTL with ZWNJ": "سپاه پاسداران می‌گوید رزمایش کمربند امنیت دریایی آغاز شد.",
    "Cyrillic": "Министр обороны России прибыл в Пхеньян.",
    "combining marks": "Cafe\u0301 de\u0301ja\u0300 vu, Ha\u0300 No\u0323i.",
    "paragraph breaks": "First 🙂 paragraph.\n\nSecond 中文 one.\n\nThird, Тегеран.",
}


@pytest.mark.parametrize("text", SAMPLES.values(), ids=SAMPLES.keys())
def test_every_code_point_round_trips(text):
    units = text.encode("utf-16-le")
    for point in range(len(text) + 1):
        unit = points_to_utf16(text, point)
        assert utf16_to_points(text, unit) == point
        # The UTF-16 prefix up to `unit` decodes to exactly the first `point` code points.
        assert units[: unit * 2].decode("utf-16-le") == text[:point]


@pytest.mark.parametrize("text", SAMPLES.values(), ids=SAMPLES.keys())
def test_a_span_of_each_script_checks_and_keeps_its_characters(text):
    start, end = 2, len(text) - 2
    span = check_span(SpanText.of(text), start, end, text[start:end])
    assert text[span.start : span.end] == span.quote == text[start:end].strip()


def test_a_unit_inside_a_surrogate_pair_snaps_to_its_start():
    text = "a😀b"
    assert utf16_to_points(text, 2) == 1
    assert points_to_utf16(text, 2) == 3
