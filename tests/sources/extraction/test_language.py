import pytest

from sources.extraction.language import SAMPLE, identify_language

TEXTS = {
    "en": "China and Russia held joint naval drills in the Sea of Japan on Monday, officials said.",
    "ru": "Россия и Китай провели совместные военно-морские учения в Японском море в понедельник.",
    "zh": "中国和俄罗斯周一在日本海举行了联合海上演习，官员们说。",  # noqa: RUF001
    "fa": "ایران و روسیه روز دوشنبه رزمایش مشترک دریایی برگزار کردند، به گفته مقامات.",
    "ko": "북한과 러시아는 월요일 군사 협력 협정에 서명했다고 관리들이 밝혔다.",
}


@pytest.mark.parametrize(("language", "text"), TEXTS.items())
def test_the_study_languages_are_identified(language, text):
    assert identify_language(text) == language


@pytest.mark.parametrize(
    "text",
    ["Xi met Putin.", "习近平 met Путин in Moscow. یادداشت 🚀 said.", "12 345 — 2024-03-01", ""],
)
def test_a_short_or_mixed_text_has_no_language(text):
    assert identify_language(text) is None


def test_the_beginning_decides():
    text = TEXTS["ru"] * (SAMPLE // len(TEXTS["ru"]) + 1) + TEXTS["en"] * 1000
    assert identify_language(text) == "ru"
