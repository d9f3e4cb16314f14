"""Scoring a coder (the machine, or a person) against the reference, like content analysis does.

Passages: a coded span matches a reference span on the same source when they overlap by at
least half the shorter one (one-to-one, best overlap first). Precision = matched / coded,
recall = matched / reference, F1 their harmonic mean. Agreement per variable: Krippendorff's
alpha (nominal) between the coder and the reference over every unit either of them coded, a
missing coding counting as the category "none" (so missing and extra passages lower alpha too).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from coding.reliability.stats import alpha
from coding.suggestions.examples import MIN_OVERLAP, overlap

VARIABLES = ("activity", "area", "dyad")
ABSENT = "none"


@dataclass(frozen=True)
class Coded:
    source: int
    start: int
    end: int
    activity: str
    area: str
    dyad: str


def match(coded: Sequence[Coded], reference: Sequence[Coded]) -> list[tuple[Coded, Coded]]:
    by_source: dict[int, list[Coded]] = defaultdict(list)
    for r in reference:
        by_source[r.source].append(r)
    pairs = []
    candidates = []
    for c in coded:
        for r in by_source.get(c.source, ()):
            share = overlap(c.start, c.end, r.start, r.end)
            if share >= MIN_OVERLAP:
                candidates.append((share, id(c), id(r), c, r))
    used_c, used_r = set(), set()
    for _, ic, ir, c, r in sorted(candidates, key=lambda t: -t[0]):
        if ic in used_c or ir in used_r:
            continue
        used_c.add(ic)
        used_r.add(ir)
        pairs.append((c, r))
    return pairs


def evaluate(coded: Sequence[Coded], reference: Sequence[Coded]) -> dict:
    pairs = match(coded, reference)
    n_c, n_r, n_m = len(coded), len(reference), len(pairs)
    precision = n_m / n_c if n_c else None
    recall = n_m / n_r if n_r else None
    f1 = (
        2 * precision * recall / (precision + recall)
        if precision is not None and recall is not None and precision + recall > 0
        else None
    )
    matched_c = {id(c) for c, _ in pairs}
    matched_r = {id(r) for _, r in pairs}
    alphas = {}
    for variable in VARIABLES:
        row_c, row_r = [], []
        for c, r in pairs:
            row_c.append(getattr(c, variable))
            row_r.append(getattr(r, variable))
        for r in reference:
            if id(r) not in matched_r:
                row_c.append(ABSENT)
                row_r.append(getattr(r, variable))
        for c in coded:
            if id(c) not in matched_c:
                row_c.append(getattr(c, variable))
                row_r.append(ABSENT)
        try:
            alphas[variable] = alpha([row_c, row_r], "nominal")
        except ValueError:
            alphas[variable] = None
    return {
        "coded": n_c,
        "reference": n_r,
        "matched": n_m,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "alpha": alphas,
    }
