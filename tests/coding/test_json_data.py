"""The document view's data filter: json_script's escaping, orjson's bytes."""

import json
import re

from django.template import Context, Template
from django.utils.html import json_script

from coding.templatetags.json_data import json_data

TRICKY = {
    "text": "</script><script>alert(1)</script> <!-- & --> \u2018quotes\u2019 \u2028\u2029",
    "scripts": "中俄 Россия تهران، می‌گوید 🙂 e\u0301",
    "numbers": [0, -1, 2.5, 10**15],
    "flags": [True, False, None],
    "nested": {"a": [{"b": "</SCRIPT >"}]},
}


def body(html: str) -> str:
    return re.fullmatch(r'<script id="data" type="application/json">(.*)</script>', html, re.S)[1]


def test_it_reads_back_as_json_script_does():
    assert json.loads(body(json_data(TRICKY, "data"))) == TRICKY
    assert json.loads(body(json_data(TRICKY, "data"))) == json.loads(
        body(json_script(TRICKY, "data"))
    )


def test_nothing_in_the_data_closes_the_element_or_opens_markup():
    inside = body(json_data(TRICKY, "data"))
    assert not set("<>&") & set(inside)
    assert inside.count("\\u003C") == json_script(TRICKY, "data").count("\\u003C")


def test_characters_outside_ascii_are_written_as_utf8_not_escapes():
    inside = body(json_data({"text": "中俄 تهران 🙂"}, "data"))
    assert "中俄 تهران 🙂" in inside and "\\u" not in inside


def test_the_element_id_is_escaped_and_the_filter_loads_in_templates():
    assert json_data([1], 'a"b') == '<script id="a&quot;b" type="application/json">[1]</script>'
    html = Template('{% load json_data %}{{ value|json_data:"page-data" }}').render(
        Context({"value": {"text": "</script>"}})
    )
    assert html == (
        '<script id="page-data" type="application/json">{"text":"\\u003C/script\\u003E"}</script>'
    )
