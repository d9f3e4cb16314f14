"""How likely a source reports a tie: the relevance score that orders the screening queue.

Until a model exists, the score counts what a screener looks for: sentences naming two or more
actors (co-mentions, the passages ties are coded from) weigh most, then distinct actors, then
plain mentions (capped, so one long article about one state does not outrank a short one
about two).
"""

from __future__ import annotations

from dataclasses import dataclass

from coding.detection.detector import Detector
from coding.detection.passages import passages

CO_MENTION_WEIGHT = 3.0
ACTOR_WEIGHT = 1.0
MENTION_WEIGHT = 0.1
MENTION_CAP = 20


@dataclass(frozen=True)
class Relevance:
    score: float
    actors: list[str]  # ISO3s in order of first mention
    co_mention_sentences: int
    mentions: int


def relevance(detector: Detector, text: str) -> Relevance:
    mentions = detector.find(text)
    actors = list(dict.fromkeys(m.iso3 for m in mentions))
    co = len(passages(text, mentions, min_actors=2))
    score = (
        CO_MENTION_WEIGHT * co
        + ACTOR_WEIGHT * len(actors)
        + MENTION_WEIGHT * min(len(mentions), MENTION_CAP)
    )
    return Relevance(round(score, 3), actors, co, len(mentions))
