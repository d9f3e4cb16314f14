"""Scoring a coder against the reference (pure)."""

import pytest

from coding.suggestions.dyads import dyad_of
from coding.suggestions.evaluation import Coded, evaluate

REF = [
    Coded(1, 0, 40, "military_exercises", "war", "CHN-RUS"),
    Coded(1, 50, 90, "arms_sales", "war", "RUS>IRN"),
    Coded(2, 0, 30, "heads_of_state", "contacts", "CHN-RUS"),
    Coded(2, 40, 80, "heads_of_state", "contacts", "IRN-RUS"),
]


def test_a_perfect_coder():
    result = evaluate(REF, REF)
    assert (result["precision"], result["recall"], result["f1"]) == (1.0, 1.0, 1.0)
    assert result["alpha"]["activity"] == pytest.approx(1.0)


def test_missing_extra_and_wrong_passages():
    coded = [
        Coded(1, 5, 38, "military_exercises", "war", "CHN-RUS"),  # matches (overlap)
        Coded(1, 52, 88, "military_exercises", "war", "RUS>IRN"),  # matches, wrong activity
        Coded(2, 85, 120, "heads_of_state", "contacts", "CHN-RUS"),  # extra
        Coded(3, 0, 10, "heads_of_state", "contacts", "CHN-RUS"),  # another source: extra
    ]
    result = evaluate(coded, REF)
    assert result["matched"] == 2
    assert result["precision"] == pytest.approx(0.5)
    assert result["recall"] == pytest.approx(0.5)
    assert result["f1"] == pytest.approx(0.5)
    # every variable is lowered by the two missing and two extra passages
    assert result["alpha"]["area"] < 1 and result["alpha"]["activity"] < result["alpha"]["area"]


def test_a_passage_matches_only_once():
    coded = [REF[0], REF[0]]
    result = evaluate(coded, REF[:1])
    assert result["matched"] == 1 and result["precision"] == 0.5


def test_nothing_coded():
    result = evaluate([], REF)
    assert result["precision"] is None and result["recall"] == 0 and result["f1"] is None


def test_dyads_from_actors():
    assert dyad_of(["RUS", "IRN"], directed=True).label == "RUS>IRN"
    assert dyad_of(["RUS", "CHN"], directed=False).label == "CHN-RUS"
    multi = dyad_of(["RUS", "CHN", "IRN"], directed=False)
    assert multi.dyad_type == "multilateral" and multi.label == "CHN+IRN+RUS"
    assert dyad_of(["RUS"], directed=False) is None
