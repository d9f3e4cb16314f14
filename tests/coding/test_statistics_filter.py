"""`fixed3` writes a statistic as the report's downloads do (coding/templatetags/statistics.py)."""

from django.template import Context, Template
from django.template.defaultfilters import floatformat

from coding.reliability.export import _fmt  # how the downloads write a statistic


def render(value) -> str:
    return Template("{% load statistics %}{{ value|fixed3 }}").render(Context({"value": value}))


def test_a_half_way_value_shows_as_the_methods_paragraph_writes_it():
    # 0.5575 is stored as 0.55749999...: the paragraph says 0.557, floatformat said 0.558
    assert render(0.5575) == _fmt(0.5575) == "0.557"
    assert floatformat(0.5575, 3) == "0.558"


def test_numbers_and_missing_values():
    for value in (0.0, 1, 0.66649, 0.8005, -0.12345, 2 / 3):
        assert render(value) == _fmt(value)
    assert render(1) == "1.000"
    assert render(-0.12345) == "-0.123"
    assert render(None) == ""
    assert (
        Template('{% load statistics %}{{ v|fixed3|default:"n/a" }}').render(Context({"v": None}))
        == "n/a"
    )
