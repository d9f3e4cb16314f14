"""The workspace's hot answers are written without DRF's renderer (span_list.as_json): the
bytes must be the ones DRF's JSONRenderer writes."""

from rest_framework.renderers import JSONRenderer

from coding.workspace.span_list import as_json

TRICKY = [
    "中俄 held a joint patrol", "ایران\u200cو روسیه", "Россия и КНДР", "✊🏽 🇰🇵", "e\u0301",
    'quote "inside" and \\ backslash', "line\u2028separator\u2029paragraph", "tab\tnew\nline",
    "\x01 control", "",
]  # fmt: skip


def test_as_json_writes_drfs_bytes():
    coding = {"id": 7, "quote": TRICKY[0], "participants": [1, 2], "side_b": None, "ok": True}
    assert as_json(coding) == JSONRenderer().render(coding)
    listing = [{"id": i, "quote": text, "note": text} for i, text in enumerate(TRICKY)]
    assert as_json(listing) == JSONRenderer().render(listing)
