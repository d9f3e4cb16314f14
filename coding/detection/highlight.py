"""Text cut into plain and actor parts, for templates that highlight the detected actors."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from coding.detection.detector import Mention


@dataclass(frozen=True)
class Segment:
    text: str
    iso3: str = ""
    start: int = 0


def segments(text: str, mentions: Sequence[Mention]) -> list[Segment]:
    """Consecutive pieces covering the whole text; mentions must not overlap (the detector's)."""
    out, at = [], 0
    for mention in sorted(mentions):
        if mention.start > at:
            out.append(Segment(text[at : mention.start], "", at))
        out.append(Segment(text[mention.start : mention.end], mention.iso3, mention.start))
        at = mention.end
    if at < len(text):
        out.append(Segment(text[at:], "", at))
    return out
