"""The reliability report: every figure, as plain JSON-safe data, from a ``CodingSet``.

All statistics come from ``coding.reliability`` (pure numpy). This module decides what is
computed for which view (definitions in ``coding.reliability.data``) and collects the numbers;
``coding.reliability.export`` turns them into Markdown, text, LaTeX, CSV, JSON, SVG and PDF.

Unitizing across sources: sources with the same done coders form one continuum. When the
coders differ between sources there are several continua; then per category
alpha_U = 1 - sum_g w_g D_o,g / sum_g w_g D_e,g with w_g = m_g (m_g - 1) L_g (ordered coder
pairs times continuum length), which equals the single-continuum alpha_U when there is one.
alpha_U has no bootstrap interval (no published algorithm); it is reported without one.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable
from typing import Any

import numpy as np

from coding.reliability import stats
from coding.reliability.data import (
    NOMINAL_VARIABLES,
    SENTENCE_VARIABLES,
    UNITIZING_VARIABLES,
    CodingSet,
    pooled_presence,
    presence_data,
    sentence_data,
    unitizing_data,
)

N_RESAMPLES = 10_000
SEED = 2007
CI = 0.95
MINIMUMS = (0.667, 0.800)
MIN_PAIRABLE_UNITS = 10
"""Fewer pairable units than this earn a warning: the interval is then too wide to rely on."""
TOP_CONFUSIONS = 10

NOTHING_TO_COMPARE = (
    "No source has been marked done by two or more of the selected coders, so there is "
    "nothing to compare yet."
)

Progress = Callable[[int, int, str], None]

VIEW_TITLES = {
    "presence": "Presence of a category in a source",
    "sentences": "Sentences (text units)",
    "unitizing": "Unitizing (highlighted spans)",
}


def _q_key(minimum: float) -> str:
    return f"{minimum:.3f}"


def _alpha_row(
    view: str,
    variable: str,
    category: str | None,
    label: str,
    level: str,
    data: list[list[Any]],
    n_resamples: int,
    seed: int,
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "view": view, "variable": variable, "category": category, "label": label, "level": level,
        "alpha": None, "low": None, "high": None, "q": {}, "units": 0, "values": 0, "note": "",
    }  # fmt: skip
    try:
        parts = stats.alpha_result(data, level)
        boot = stats.bootstrap_alpha(
            data, level, n_resamples=n_resamples, seed=seed, minimums=MINIMUMS, ci=CI
        )
    except ValueError as exc:
        row["note"] = str(exc)
        row["units"], row["values"] = _pairable_counts(data)
        return row
    row.update(
        alpha=parts.alpha, low=boot.low, high=boot.high,
        q={_q_key(m): boot.q[float(m)] for m in MINIMUMS},
        units=parts.n_units, values=parts.n_pairable,
    )  # fmt: skip
    return row


def _pairable_counts(data: list[list[Any]]) -> tuple[int, int]:
    if not data:
        return 0, 0
    per_unit = [sum(row[u] is not None for row in data) for u in range(len(data[0]))]
    pairable = [m for m in per_unit if m >= 2]
    return len(pairable), sum(pairable)


def _pairs(coders: list[str], data: list[list[Any]], level: str) -> list[dict[str, Any]]:
    """Percent agreement, Cohen's kappa and alpha for every pair of coders."""
    result = []
    for i, j in itertools.combinations(range(len(coders)), 2):
        two = [data[i], data[j]]
        shared = sum(a is not None and b is not None for a, b in zip(*two, strict=True))
        entry: dict[str, Any] = {
            "a": coders[i], "b": coders[j], "units": shared,
            "agreement": None, "kappa": None, "alpha": None,
        }  # fmt: skip
        if shared:
            entry["agreement"] = stats.percent_agreement(two)
            with contextlib.suppress(ValueError):
                entry["kappa"] = stats.cohen_kappa(*two)
            with contextlib.suppress(ValueError):
                entry["alpha"] = stats.alpha(two, level)
        result.append(entry)
    return result


def _coincidence(data: list[list[Any]], labels: dict[str, str]) -> dict[str, Any] | None:
    try:
        values, matrix = stats.coincidence_matrix(data)
    except ValueError:
        return None
    confusions = []
    for c, k in itertools.combinations(range(len(values)), 2):
        count = float(matrix[c, k] + matrix[k, c])
        if count > 0:
            a, b = values[c], values[k]
            confusions.append({
                "a": labels.get(str(a), str(a)), "b": labels.get(str(b), str(b)),
                "a_value": a, "b_value": b, "count": count,
            })  # fmt: skip
    confusions.sort(key=lambda x: (-x["count"], str(x["a"]), str(x["b"])))
    return {
        "values": [v if isinstance(v, str) else int(v) for v in values],
        "labels": [labels.get(str(v), str(v)) for v in values],
        "matrix": np.round(matrix, 6).tolist(),
        "confusions": confusions[:TOP_CONFUSIONS],
    }


def _unitizing_rows(cs: CodingSet, variable: str) -> list[dict[str, Any]]:
    observed: dict[str, float] = {}
    expected: dict[str, float] = {}
    for continuum in unitizing_data(cs, variable):
        if len(continuum.coders) < 2 or not continuum.units:
            continue
        result = stats.unitizing_alpha(
            continuum.units, 0, continuum.length, coders=list(continuum.coders)
        )
        m = len(continuum.coders)
        weight = m * (m - 1) * continuum.length
        for category, d_o in result["observed"].items():
            observed[category] = observed.get(category, 0.0) + weight * d_o
            expected[category] = expected.get(category, 0.0) + weight * result["expected"][category]
    labels = cs.labels.get(variable, {})
    units_per_category: dict[str, int] = {}
    for coding in cs.codings:
        key = coding.value(variable)
        units_per_category[key] = units_per_category.get(key, 0) + 1
    rows = []
    for category in sorted(observed):
        rows.append(_unitizing_row(variable, category, labels.get(category, category),
                                   observed[category], expected[category],
                                   units_per_category.get(category, 0)))  # fmt: skip
    if observed:
        rows.insert(0, _unitizing_row(variable, None, "all categories", sum(observed.values()),
                                      sum(expected.values()), len(cs.codings)))  # fmt: skip
    return rows


def _unitizing_row(
    variable: str, category: str | None, label: str, d_o: float, d_e: float, units: int
) -> dict[str, Any]:
    return {
        "view": "unitizing", "variable": variable, "category": category, "label": label,
        "level": "unitizing", "alpha": 1.0 - d_o / d_e if d_e > 0 else None,
        "low": None, "high": None, "q": {}, "units": units, "values": 0,
        "note": "" if d_e > 0 else "expected disagreement is 0",
    }  # fmt: skip


def _warnings(rows: list[dict[str, Any]]) -> list[str]:
    warnings = []
    for row in rows:
        name = f"{VIEW_TITLES[row['view']]}: {row['variable']}" + (
            f" / {row['label']}" if row["category"] is not None else ""
        )
        if row["alpha"] is None:
            warnings.append(f"{name}: alpha is undefined ({row['note']}).")
            continue
        if row["alpha"] < MINIMUMS[0]:
            warnings.append(f"{name}: alpha = {row['alpha']:.3f} is below {MINIMUMS[0]}.")
        if row["view"] != "unitizing" and row["units"] < MIN_PAIRABLE_UNITS:
            warnings.append(
                f"{name}: only {row['units']} pairable unit(s) (fewer than {MIN_PAIRABLE_UNITS})."
            )
    return warnings


def build_report(
    cs: CodingSet,
    *,
    n_resamples: int = N_RESAMPLES,
    seed: int = SEED,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Every figure of the reliability report for these codings (see the module docstring)."""
    coders = cs.coders
    presence = {v: presence_data(cs, v) for v in NOMINAL_VARIABLES}
    sentences = sentence_data(cs)
    total = (
        sum(len(t) + 1 for t in presence.values())
        + len(SENTENCE_VARIABLES)
        + len(UNITIZING_VARIABLES)
    )
    done = 0

    def step(message: str) -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, total, message)

    rows: list[dict[str, Any]] = []
    pairs: dict[str, list[dict[str, Any]]] = {}
    coincidence: dict[str, Any] = {}
    for variable, tables in presence.items():
        labels = cs.labels.get(variable, {})
        pooled = pooled_presence(tables)
        if tables:
            rows.append(_alpha_row("presence", variable, None, "all categories", "nominal",
                                   pooled, n_resamples, seed))  # fmt: skip
            pairs[f"presence:{variable}"] = _pairs(coders, pooled, "nominal")
        step(f"presence: {variable}")
        for category, table in tables.items():
            rows.append(_alpha_row("presence", variable, category, labels.get(category, category),
                                   "nominal", table, n_resamples, seed))  # fmt: skip
            step(f"presence: {variable} / {category}")
    for variable, level in SENTENCE_VARIABLES:
        data = sentences.values[variable]
        label = "confidence scale" if variable == "confidence" else "all categories"
        rows.append(_alpha_row("sentences", variable, None, label, level, data, n_resamples, seed))
        if coders:
            pairs[f"sentences:{variable}"] = _pairs(coders, data, level)
        table = _coincidence(data, cs.labels.get(variable, {})) if coders else None
        if table:
            coincidence[variable] = table
        step(f"sentences: {variable}")
    for variable in UNITIZING_VARIABLES:
        rows.extend(_unitizing_rows(cs, variable))
        step(f"unitizing: {variable}")

    settings = {
        "n_resamples": n_resamples,
        "seed": seed,
        "ci": CI,
        "minimums": list(MINIMUMS),
        "min_pairable_units": MIN_PAIRABLE_UNITS,
    }
    warnings = _warnings([r for r in rows if r["category"] is None])
    category_warnings = _warnings([r for r in rows if r["category"] is not None])
    if not cs.sources:
        warnings.insert(0, NOTHING_TO_COMPARE)
    return {
        "counts": {
            "sources": len(cs.sources),
            "coders": len(coders),
            "codings": len(cs.codings),
            "sentences": len(sentences.units),
        },
        "coders": coders,
        "settings": settings,
        "rows": rows,
        "pairs": pairs,
        "coincidence": coincidence,
        "warnings": warnings,
        "category_warnings": category_warnings,
    }
