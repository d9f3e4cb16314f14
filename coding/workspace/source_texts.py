"""Source texts kept in memory between saves, keyed by (source id, text hash).

Every save checks its quote against the source's text and stores the context around it. Asking
the database for that window costs more than the rest of the query: PostgreSQL counts UTF-8
characters from the start of the (compressed) text to find code point N, so a save near the
end of a 100,000-character source spends ~0.5 ms in SUBSTR and LENGTH alone. Python strings
index code points in constant time, so each web process keeps recently coded texts here.

The key includes the text's SHA-256 (`Source.text_hash`, read fresh by every save), so an
edited text (possible until the source is first coded) is never served stale: it has a new key.
A text whose hash no longer matches what the caller read is returned but not kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from sources.models import Source

MAX_CHARS = 4_000_000  # per process: at most ~16 MB even if every character took four bytes

_texts: OrderedDict[tuple[int, str], str] = OrderedDict()
_chars = 0
_lock = threading.Lock()


def source_text(source_id: int, text_hash: str) -> str | None:
    """The text of source `source_id`, whose hash the caller just read as `text_hash`; None if
    the source is gone."""
    key = (source_id, text_hash)
    with _lock:
        text = _texts.get(key)
        if text is not None:
            _texts.move_to_end(key)
            return text
    found = Source.objects.values_list("text", "text_hash").filter(pk=source_id).first()
    if found is None:
        return None
    text, current_hash = found
    if current_hash == text_hash:
        _keep(key, text)
    return text


def _keep(key: tuple[int, str], text: str) -> None:
    global _chars
    if len(text) > MAX_CHARS:
        return
    with _lock:
        if key in _texts:
            return
        _texts[key] = text
        _chars += len(text)
        while _chars > MAX_CHARS:
            _, dropped = _texts.popitem(last=False)
            _chars -= len(dropped)


def clear() -> None:
    """Forget every kept text (tests)."""
    global _chars
    with _lock:
        _texts.clear()
        _chars = 0
