"""The passage classifier: TF-IDF over words and character n-grams, a linear classifier.

Pure scikit-learn, no Django, no external weights, no network. A passage's text has its actor
mentions masked (so the model learns what ties look like, not which states are named); the
classes are the codebook's activity slugs plus NONE (a passage naming two actors that nobody
coded). Character n-grams carry Russian endings, Persian and Chinese, where word tokens fail.
"""

from __future__ import annotations

import pickle
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from coding.detection.detector import Mention

NONE = "__none__"
MASK = " actorx "
FORMAT = 1  # bump when the pickled shape changes; older blobs are then retrained


def masked(text: str, start: int, end: int, mentions: Sequence[Mention]) -> str:
    """text[start:end] with every actor mention inside it replaced by a placeholder word."""
    out, at = [], start
    for m in mentions:
        if m.start < start or m.end > end:
            continue
        out += [text[at : m.start], MASK]
        at = m.end
    out.append(text[at:end])
    return "".join(out)


@dataclass(frozen=True)
class Prediction:
    label: str
    score: float


class PassageClassifier:
    def __init__(self, seed: int = 0, max_features: int = 40_000):
        # scikit-learn (with SciPy, ~100 MiB) is loaded by the worker that trains and by the
        # first suggestion a web process serves, not by every web process at start-up
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import SGDClassifier
        from sklearn.pipeline import FeatureUnion, make_pipeline

        words = TfidfVectorizer(
            analyzer="word",
            ngram_range=(1, 2),
            token_pattern=r"(?u)\b\w+\b",
            sublinear_tf=True,
            max_features=max_features,
            dtype=np.float32,
        )
        chars = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(2, 4),
            sublinear_tf=True,
            max_features=max_features,
            dtype=np.float32,
        )
        classifier = SGDClassifier(
            loss="log_loss",
            alpha=2e-5,
            class_weight="balanced",
            max_iter=40,
            tol=1e-4,
            random_state=seed,
        )
        self.pipeline = make_pipeline(
            FeatureUnion([("words", words), ("chars", chars)]), classifier
        )
        self.labels: list[str] = []

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> PassageClassifier:
        if len(set(labels)) < 2:
            raise ValueError("training needs at least two classes (e.g. an activity and none)")
        self.pipeline.fit(list(texts), list(labels))
        self.labels = [str(c) for c in self.pipeline.classes_]
        return self

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        """The most likely class of each text and its probability."""
        if not texts:
            return []
        probabilities = self.pipeline.predict_proba(list(texts))
        best = probabilities.argmax(axis=1)
        return [
            Prediction(self.labels[i], float(probabilities[row, i])) for row, i in enumerate(best)
        ]

    def tie_probabilities(self, texts: Sequence[str]) -> list[float]:
        """How likely each text reports a tie: 1 - P(NONE) (1.0 for every text when the model
        never saw a passage without a tie)."""
        if not texts:
            return []
        if NONE not in self.labels:
            return [1.0] * len(texts)
        probabilities = self.pipeline.predict_proba(list(texts))
        none = self.labels.index(NONE)
        return [float(1.0 - row[none]) for row in probabilities]

    def to_bytes(self) -> bytes:
        return pickle.dumps((FORMAT, self), protocol=pickle.HIGHEST_PROTOCOL)

    @staticmethod
    def from_bytes(blob: bytes) -> PassageClassifier:
        """Only for blobs this module wrote into our own database (pickle runs code)."""
        version, model = pickle.loads(blob)
        if version != FORMAT:
            raise ValueError("stored model has an old format; retrain")
        return model
