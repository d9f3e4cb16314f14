"""How likely a source reports a tie: the relevance score that orders the screening queue.

Until the project has a suggestion model, the score counts what a screener looks for:
sentences naming two or more actors (co-mentions, the passages ties are coded from) weigh most,
then distinct actors, then plain mentions (capped, so one long article about one state does not
outrank a short one about two).

Once a model is trained, the score is the model's: each candidate passage (a sentence naming
two or more actors, as suggestions use) gets a tie probability, 1 - P(no tie); the source's
score is 10 x the highest (one clear tie is what makes a source relevant) + the sum (several
ties add up) + 0.01 x distinct actors (orders sources without candidate passages). It ranges
from 0 to about 11 for a source with one passage, and is only compared with other model
scores: every open source is rescored when a model is trained.
"""

from __future__ import annotations

from dataclasses import dataclass

from coding.detection.detector import Detector
from coding.detection.passages import passages
from coding.suggestions.model import PassageClassifier, masked

CO_MENTION_WEIGHT = 3.0
ACTOR_WEIGHT = 1.0
MENTION_WEIGHT = 0.1
MENTION_CAP = 20
MODEL_MAX_WEIGHT = 10.0
MODEL_ACTOR_WEIGHT = 0.01


@dataclass(frozen=True)
class Relevance:
    score: float
    actors: list[str]  # ISO3s in order of first mention
    co_mention_sentences: int
    mentions: int
    top_tie: float | None = None  # the model's highest passage tie probability (model scores)


def relevance(
    detector: Detector, text: str, classifier: PassageClassifier | None = None
) -> Relevance:
    """The source's score: the model's when a classifier is given, else co-mentions."""
    mentions = detector.find(text)
    actors = list(dict.fromkeys(m.iso3 for m in mentions))
    candidates = passages(text, mentions, min_actors=2)
    if classifier is not None:
        ties = classifier.tie_probabilities(
            [masked(text, p.start, p.end, p.mentions) for p in candidates]
        )
        top = max(ties, default=0.0)
        score = MODEL_MAX_WEIGHT * top + sum(ties) + MODEL_ACTOR_WEIGHT * len(actors)
        return Relevance(round(score, 4), actors, len(candidates), len(mentions), round(top, 4))
    score = (
        CO_MENTION_WEIGHT * len(candidates)
        + ACTOR_WEIGHT * len(actors)
        + MENTION_WEIGHT * min(len(mentions), MENTION_CAP)
    )
    return Relevance(round(score, 3), actors, len(candidates), len(mentions))
