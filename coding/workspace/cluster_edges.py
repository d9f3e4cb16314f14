"""Codings whose span splits a character as the reader sees it, and their repair.

The workspace keeps a span's edges on grapheme-cluster boundaries (`Intl.Segmenter`), but
codings saved before it did, or through the API, may start or end inside a cluster: half a flag
("🇰" of "🇰🇷"), an emoji without its skin tone, a letter without its combining mark. Such a span
is drawn and exported as broken text. `find_split_codings` lists them (Unicode's extended
grapheme clusters, UAX #29, the rule the browser follows); `repair` widens each edge to the
cluster around it, through `update_coding`, so the quote, the context, the version and the
coding's history follow as for any edit. A coding approved into an event is left as it is:
its event, not the coding, changes now (the PI undoes the approval to repair it).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import regex

from coding.models import Coding
from coding.models.events import EventEvidence
from coding.workspace.codings import CodingApproved, StaleVersion, update_coding
from coding.workspace.validation import CodingInvalid, SpanText
from sources.models import Source


@dataclass(frozen=True)
class SplitCoding:
    coding: Coding
    start: int  # the span widened to whole clusters
    end: int
    approved: bool


def cluster_bounds(text: str) -> list[int]:
    """Every code-point offset at which a grapheme cluster starts, and the text's length."""
    return [m.start() for m in regex.finditer(r"\X", text)] + [len(text)]


def widen(bounds: list[int], start: int, end: int) -> tuple[int, int]:
    """[start, end) widened to the clusters its edges fall in (`bounds` from `cluster_bounds`)."""
    return bounds[bisect.bisect_right(bounds, start) - 1], bounds[bisect.bisect_left(bounds, end)]


def find_split_codings(sources: Iterable[Source]) -> Iterator[SplitCoding]:
    """The codings of these sources whose start or end falls inside a grapheme cluster."""
    for source in sources:
        codings = list(
            Coding.objects.filter(source=source)
            .select_related("coder")
            .order_by("start", "end", "pk")
        )
        if not codings:
            continue
        bounds = cluster_bounds(source.text)
        approved = set(
            EventEvidence.objects.filter(coding__source=source).values_list("coding_id", flat=True)
        )
        for coding in codings:
            start, end = widen(bounds, coding.start, min(coding.end, len(source.text)))
            if (start, end) != (coding.start, coding.end):
                yield SplitCoding(coding, start, end, coding.pk in approved)


def repair(split: SplitCoding, text: str) -> str | None:
    """Widen the coding's span to whole clusters; None when done, else why it was left."""
    if split.approved:
        return "approved into an event: undo the approval to repair it"
    coding = split.coding
    change = {"start": split.start, "end": split.end, "quote": text[split.start : split.end]}
    try:
        update_coding(coding, None, change, coding.version, text=SpanText.of(text), approved=False)
    except CodingApproved:
        return "approved into an event meanwhile"
    except StaleVersion:
        return "changed meanwhile: run the command again"
    except CodingInvalid as invalid:
        return "; ".join(m for messages in invalid.message_dict.values() for m in messages)
    return None
