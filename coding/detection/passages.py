# ruff: noqa: RUF001, RUF002 (CJK and Persian punctuation on purpose)
"""Sentences (and long sentences' clauses) as code-point spans, and the actors named in each.

A passage is what a coder would highlight for one tie: a sentence, or a clause of a long one.
Splitting is deliberately plain: sentence ends in Latin, Cyrillic, Persian and CJK text
(. ! ? … 。 ！ ？ ؟ and line breaks), then clauses at ; ； and ؛ when a sentence is longer than
`CLAUSE_SPLIT_AT` code points.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from coding.detection.detector import Mention

SENTENCE_END = re.compile(r"(?:[.!?…]+[\"'”’»)\]]*(?=\s)|[。！？؟]+[”’」』)]*|\n+)")
CLAUSE_END = re.compile(r"[;；؛]")
CLAUSE_SPLIT_AT = 300


@dataclass(frozen=True)
class Passage:
    start: int
    end: int
    mentions: tuple[Mention, ...]

    @property
    def actors(self) -> tuple[str, ...]:
        """Distinct ISO3s in order of first mention."""
        return tuple(dict.fromkeys(m.iso3 for m in self.mentions))


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentences (clauses of long ones), whitespace trimmed, in order."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in SENTENCE_END.finditer(text):
        spans += _clauses(text, start, match.end())
        start = match.end()
    spans += _clauses(text, start, len(text))
    return spans


def _clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    span = _trimmed(text, start, end)
    if span is None:
        return []
    if span[1] - span[0] <= CLAUSE_SPLIT_AT:
        return [span]
    out, at = [], span[0]
    for match in CLAUSE_END.finditer(text, span[0], span[1]):
        piece = _trimmed(text, at, match.end())
        if piece:
            out.append(piece)
        at = match.end()
    piece = _trimmed(text, at, span[1])
    if piece:
        out.append(piece)
    return out


def passages(text: str, mentions: Sequence[Mention], *, min_actors: int = 1) -> list[Passage]:
    """Sentences with at least `min_actors` distinct actors named in them."""
    ordered = sorted(mentions)
    result, i = [], 0
    for start, end in sentence_spans(text):
        inside = []
        while i < len(ordered) and ordered[i].start < end:
            if ordered[i].start >= start:
                inside.append(ordered[i])
            i += 1
        passage = Passage(start, end, tuple(inside))
        if len(passage.actors) >= min_actors:
            result.append(passage)
    return result
