"""`json_data`: Django's `json_script`, written by orjson, for the document view's data.

A document view carries the source's text and up to 1,000 codings as JSON (issue 20). The
standard library's encoder took ~6 ms of the page's ~50 ms, and wrote every character outside
ASCII as a six-byte escape: a Persian or Chinese source came out at two to three times its UTF-8.
"""

import orjson
from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# As json_script: nothing in the JSON can close the script element or open markup. Replaced in
# the bytes: on text outside ASCII, str.translate took several times as long as json.dumps.
ESCAPES = ((b"<", b"\\u003C"), (b">", b"\\u003E"), (b"&", b"\\u0026"))


@register.filter
def json_data(value, element_id: str) -> SafeString:
    """`value` (plain data: dicts, lists, strings, numbers, booleans, None) as
    `<script id="element_id" type="application/json">`, read back by JSON.parse."""
    data = orjson.dumps(value)
    for char, escape in ESCAPES:
        data = data.replace(char, escape)
    text = data.decode()
    return format_html(
        '<script id="{}" type="application/json">{}</script>', element_id, mark_safe(text)
    )
