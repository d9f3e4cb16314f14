"""Training examples and proposals over one text (pure: text, mentions, spans in, data out).

The unit is the candidate passage: a sentence (or clause) naming at least two distinct actors
(coding.detection.passages). For training, a candidate takes the activity of the approved
coding that covers it (overlap of at least half the shorter span), else NONE; each approved
coding's own span is an extra example of its activity.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from coding.detection.detector import Mention
from coding.detection.passages import Passage, passages
from coding.suggestions.dyads import Dyad, dyad_of
from coding.suggestions.model import NONE, PassageClassifier, masked

MIN_OVERLAP = 0.5


@dataclass(frozen=True)
class Labelled:
    start: int
    end: int
    activity: str  # slug


@dataclass(frozen=True)
class Proposal:
    start: int
    end: int
    activity: str
    score: float
    dyad: Dyad


def overlap(a_start: int, a_end: int, b_start: int, b_end: int) -> float:
    """Shared length over the shorter span's length (0 when disjoint)."""
    shared = min(a_end, b_end) - max(a_start, b_start)
    shorter = min(a_end - a_start, b_end - b_start)
    return shared / shorter if shared > 0 and shorter > 0 else 0.0


def candidates(text: str, mentions: Sequence[Mention]) -> list[Passage]:
    return passages(text, mentions, min_actors=2)


def training_examples(
    text: str, mentions: Sequence[Mention], approved: Sequence[Labelled]
) -> tuple[list[str], list[str]]:
    texts, labels = [], []
    for passage in candidates(text, mentions):
        best, label = 0.0, NONE
        for coding in approved:
            share = overlap(passage.start, passage.end, coding.start, coding.end)
            if share >= MIN_OVERLAP and share > best:
                best, label = share, coding.activity
        texts.append(masked(text, passage.start, passage.end, passage.mentions))
        labels.append(label)
    for coding in approved:
        texts.append(masked(text, coding.start, coding.end, mentions))
        labels.append(coding.activity)
    return texts, labels


def propose(
    classifier: PassageClassifier,
    text: str,
    mentions: Sequence[Mention],
    directed: Mapping[str, bool],
    *,
    min_score: float = 0.0,
) -> list[Proposal]:
    """The candidates the classifier gives an activity (not NONE), with their dyads."""
    found = candidates(text, mentions)
    if not found:
        return []
    predictions = classifier.predict([masked(text, p.start, p.end, p.mentions) for p in found])
    out = []
    for passage, prediction in zip(found, predictions, strict=True):
        if prediction.label == NONE or prediction.score < min_score:
            continue
        dyad = dyad_of(passage.actors, directed.get(prediction.label, False))
        if dyad is not None:
            out.append(
                Proposal(passage.start, passage.end, prediction.label, prediction.score, dyad)
            )
    return out
