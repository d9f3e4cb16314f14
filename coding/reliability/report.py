"""The reliability report: every figure, as plain JSON-safe data, from a ``CodingSet``.

All statistics come from ``coding.reliability`` (pure numpy). This module decides what is
computed for which view (definitions in ``coding.reliability.data``) and collects the numbers;
``coding.reliability.export`` turns them into Markdown, text, LaTeX, CSV, JSON, SVG and PDF.

Intervals: every alpha rests on the same 10,000 resamples of the counted sources (one
``stats.Resamples``): presence units are sources, sentences are resampled with their source, and
unitizing alpha_U is recomputed exactly per resample of sources (``stats.pooled_unitizing``).
``method="kalpha"`` gives Hayes & Krippendorff's (2007) pair bootstrap instead (no interval for
alpha_U then). No interval where none is meaningful: fewer than 10 pairable units or sources, no
variation, or no disagreement at all; the row's ``interval_note`` says why.

Unitizing across sources: each source is its own continuum (a gap ends with its source);
sources with the same number of done coders m are pooled as one continuum, and the groups with
weights w_g = m_g (m_g - 1) L_g: per category alpha_U = 1 - sum_g w_g D_o,g / sum_g w_g D_e,g.
"""

from __future__ import annotations

import contextlib
import itertools
import math
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import numpy as np

from coding.reliability import stats
from coding.reliability.data import (
    NOMINAL_VARIABLES,
    SENTENCE_VARIABLES,
    UNITIZING_VARIABLES,
    CodingRecord,
    CodingSet,
    presence_categories,
    presence_data,
    sentence_data,
    unitizing_data,
)

N_RESAMPLES = 10_000
SEED = 2007
CI = 0.95
METHOD = "units"
INTERVAL = "augmented"
METHOD_NAMES = {
    "units": "bootstrap resamples of sources (augmented BCa)",
    "kalpha": "Hayes & Krippendorff's (2007) bootstrap",
}
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


def alpha_text(alpha: float, minimums: tuple[float, ...] = MINIMUMS) -> str:
    """``alpha`` with 3 decimals, or as many more as it takes for a value just below a minimum
    not to print as the minimum itself: 0.6665 is "0.6665", not "0.667" (for text that says
    the alpha is below 0.667). Rounding never lifts a value at or above a minimum below it."""
    for digits in range(3, 16):
        text = f"{alpha:.{digits}f}"
        if not any(alpha < m <= float(text) for m in minimums):
            return text
    return repr(alpha)  # the shortest text that reads back as this very float


def as_array(data: list[list[Any]]) -> np.ndarray:
    """A coders x units table as floats (NaN missing): values become their rank among the
    distinct values, which changes no nominal or ordinal statistic and spares every statistic
    re-encoding Python lists. ``values_of`` maps them back."""
    values = sorted({x for row in data for x in row if x is not None})
    rank = {v: float(k) for k, v in enumerate(values)}
    rank[None] = np.nan
    width = len(data[0]) if data else 0
    return np.array([[rank[x] for x in row] for row in data], dtype=np.float64).reshape(
        len(data), width
    )


def values_of(data: list[list[Any]]) -> list[Any]:
    return sorted({x for row in data for x in row if x is not None})


def _alpha_row(
    view: str,
    variable: str,
    category: str | None,
    label: str,
    level: str,
    data: np.ndarray,
) -> dict[str, Any]:
    """A row of the alpha table without its interval (``Draws.fill`` adds the intervals)."""
    row: dict[str, Any] = {
        "view": view, "variable": variable, "category": category, "label": label, "level": level,
        "alpha": None, "low": None, "high": None, "q": {}, "units": 0, "values": 0, "note": "",
        "interval_note": "",
    }  # fmt: skip
    try:
        parts = stats.alpha_result(data, level)
    except ValueError as exc:
        row["note"] = str(exc)
        row["interval_note"] = f"no interval: alpha is undefined ({exc})"
        row["units"], row["values"] = _pairable_counts(data)
        return row
    row.update(alpha=parts.alpha, units=parts.n_units, values=parts.n_pairable)
    return row


class Draws:
    """The bootstrap settings of one report, and the resamples of its sources, shared by all
    of its alphas."""

    def __init__(self, n_sources: int, n_resamples: int, seed: int, method: str) -> None:
        self.method = method
        self.n_resamples = n_resamples
        self.seed = seed
        self.resamples = (
            stats.Resamples(n_sources, n_resamples, seed)
            if method == "units" and n_sources
            else None
        )
        self.waiting: list[tuple[dict[str, Any], np.ndarray, str, np.ndarray]] = []

    def add(self, row: dict[str, Any], data: np.ndarray, clusters: np.ndarray) -> dict[str, Any]:
        """Queue a row for its interval; returns the row."""
        if row["alpha"] is not None:
            self.waiting.append((row, data, row["level"], clusters))
        return row

    def fill(self) -> None:
        """Compute the intervals of the queued rows, all on the same resamples."""
        if self.method == "kalpha":
            results = [
                stats.bootstrap_alpha(data, level, n_resamples=self.n_resamples, seed=self.seed,
                                      minimums=MINIMUMS, ci=CI, method="kalpha")
                for _, data, level, _ in self.waiting
            ]  # fmt: skip
        elif self.resamples is not None:
            results = stats.bootstrap_alpha_many(
                [(data, level, clusters) for _, data, level, clusters in self.waiting],
                self.resamples, minimums=MINIMUMS, ci=CI, interval=INTERVAL,
                min_units=MIN_PAIRABLE_UNITS,
            )  # fmt: skip
        else:
            results = []
        for (row, *_), boot in zip(self.waiting, results, strict=True):
            if isinstance(boot, ValueError):
                row["interval_note"] = f"no interval: {boot}"
                continue
            row.update(
                low=boot.low, high=boot.high, interval_note=boot.note,
                q={_q_key(m): boot.q[float(m)] for m in MINIMUMS if float(m) in boot.q},
            )  # fmt: skip
            if boot.low is not None and row["units"] < MIN_PAIRABLE_UNITS:  # kalpha: same rule
                note = f"no interval: fewer than {MIN_PAIRABLE_UNITS} pairable units"
                row.update(low=None, high=None, q={}, interval_note=note)
        self.waiting = []


def _presence_row(
    variable: str, category: str | None, label: str, data: np.ndarray
) -> dict[str, Any]:
    """A presence row; where alpha is undefined because every pairable value is 1, the note
    says so in the words of the view (every coder coded the category in every source)."""
    row = _alpha_row("presence", variable, category, label, "nominal", data)
    if row["alpha"] is None and row["note"].startswith("no variation"):
        pairable = data[:, (~np.isnan(data)).sum(axis=0) >= 2]
        values = pairable[~np.isnan(pairable)]
        if values.size and (values == 1).all():
            what = "this category" if category is not None else "every category"
            row["note"] = f"no variation: every coder coded {what} in every source"
            row["interval_note"] = f"no interval: alpha is undefined ({row['note']})"
    return row


def _name_the_only_value(
    row: dict[str, Any], data: np.ndarray, names: list[Any], labels: dict[str, str]
) -> None:
    """Where alpha is undefined for lack of variation, name the one value coders used (the
    statistics see ranks, see ``as_array``: their note would say "every pairable value is
    0.0")."""
    if row["alpha"] is not None or not row["note"].startswith("no variation"):
        return
    pairable = data[:, (~np.isnan(data)).sum(axis=0) >= 2]
    ranks = np.unique(pairable[~np.isnan(pairable)])
    if ranks.size == 1:
        value = names[int(ranks[0])]
        row["note"] = f"no variation: every pairable value is {labels.get(str(value), value)}"
        row["interval_note"] = f"no interval: alpha is undefined ({row['note']})"


def _pairable_counts(data: np.ndarray) -> tuple[int, int]:
    per_unit = (~np.isnan(data)).sum(axis=0)
    pairable = per_unit[per_unit >= 2]
    return int(pairable.size), int(pairable.sum())


def _pairs(coders: list[str], data: np.ndarray, level: str) -> list[dict[str, Any]]:
    """Percent agreement, Cohen's kappa and alpha for every pair of coders."""
    result = []
    for i, j in itertools.combinations(range(len(coders)), 2):
        two = data[[i, j]]
        shared = int((~np.isnan(two)).all(axis=0).sum())
        entry: dict[str, Any] = {
            "a": coders[i], "b": coders[j], "units": shared,
            "agreement": None, "kappa": None, "alpha": None,
        }  # fmt: skip
        if shared:
            entry["agreement"] = stats.percent_agreement(two)
            with contextlib.suppress(ValueError):
                entry["kappa"] = stats.cohen_kappa(two[0], two[1])
            with contextlib.suppress(ValueError):
                entry["alpha"] = stats.alpha(two, level)
        result.append(entry)
    return result


def _coincidence(
    data: np.ndarray, names: list[Any], labels: dict[str, str]
) -> dict[str, Any] | None:
    """The coincidence matrix of ``data`` (ranks of ``names``, see ``as_array``)."""
    try:
        ranks, matrix = stats.coincidence_matrix(data)
    except ValueError:
        return None
    values = [names[int(r)] for r in ranks]
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


def _unitizing_rows(cs: CodingSet, variable: str, draws: Draws) -> list[dict[str, Any]]:
    continua = unitizing_data(cs, variable)
    index = {source.id: i for i, source in enumerate(cs.sources)}
    sources = [
        {"coders": list(c.coders), "length": c.length, "units": c.units}
        for c in continua
        if len(c.coders) >= 2
    ]
    clusters = [index[c.source_ids[0]] for c in continua if len(c.coders) >= 2]
    blocks = draws.resamples.blocks() if draws.resamples is not None else None
    results = stats.pooled_unitizing(sources, clusters, blocks) if sources else {}
    labels = cs.labels.get(variable, {})
    units_per_category: dict[str, int] = {}
    for coding in cs.codings:
        key = coding.value(variable)
        units_per_category[key] = units_per_category.get(key, 0) + 1
    rows = []
    for category, (value, alphas) in results.items():
        if category is None:
            label, units = "all categories", len(cs.codings)
        else:
            label, units = labels.get(category, category), units_per_category.get(category, 0)
        rows.append(_unitizing_row(variable, category, label, value, alphas, units, len(sources)))
    rows.sort(key=lambda r: (r["category"] is not None, r["category"] or ""))
    return rows


def _unitizing_row(
    variable: str,
    category: str | None,
    label: str,
    value: float,
    alphas: np.ndarray | None,
    units: int,
    n_sources: int,
) -> dict[str, Any]:
    defined = not np.isnan(value)
    row = {
        "view": "unitizing", "variable": variable, "category": category, "label": label,
        "level": "unitizing", "alpha": value if defined else None,
        "low": None, "high": None, "q": {}, "units": units, "values": 0,
        "note": "" if defined else "expected disagreement is 0",
        "interval_note": "no interval: Hayes & Krippendorff's bootstrap has none for alpha_U",
    }  # fmt: skip
    if not defined:
        row["interval_note"] = "no interval: alpha_U is undefined (expected disagreement is 0)"
    if not defined or alphas is None:
        return row
    finite = alphas[np.isfinite(alphas)]
    if n_sources < MIN_PAIRABLE_UNITS:
        row["interval_note"] = f"no interval: fewer than {MIN_PAIRABLE_UNITS} sources"
    elif finite.size < 0.5 * alphas.size:
        row["interval_note"] = "no interval: most resamples have no variation"
    else:
        low, high = stats.percentile_interval(finite, CI)
        row.update(low=low, high=high, interval_note="",
                   q={_q_key(m): float(np.count_nonzero(finite < m) / finite.size)
                      for m in MINIMUMS})  # fmt: skip
    return row


def drift_batch_size(n_sources: int) -> int:
    """Sources per drift point: at least 10, at most about 12 points."""
    return max(MIN_PAIRABLE_UNITS, math.ceil(n_sources / 12))


def _clinic(coders: list[str], pooled: dict[str, np.ndarray], n_sources: int) -> dict[str, Any]:
    """The coder clinic (presence, per variable): alpha with each coder left out, and drift,
    alpha per batch of sources in the order they were added (their ids)."""
    leave_one_out: dict[str, list[dict[str, Any]]] = {}
    drift: dict[str, list[dict[str, Any]]] = {}
    size = drift_batch_size(n_sources)
    for variable, data in pooled.items():
        entries = []
        for i, coder in enumerate(coders):
            value = None
            if len(coders) > 2:
                with contextlib.suppress(ValueError):
                    value = stats.alpha(np.delete(data, i, axis=0), "nominal")
            entries.append({"coder": coder, "alpha": value})
        leave_one_out[variable] = entries
        n_categories = data.shape[1] // max(n_sources, 1)
        by_source = data.reshape(len(coders), n_categories, n_sources) if n_sources else data
        points = []
        for start in range(0, n_sources, size):
            stop = min(start + size, n_sources)
            batch = by_source[:, :, start:stop].reshape(len(coders), -1)
            value = None
            with contextlib.suppress(ValueError):
                value = stats.alpha(batch, "nominal")
            points.append({"label": f"sources {start + 1}-{stop}", "alpha": value})
        drift[variable] = points
    return {"leave_one_out": leave_one_out, "drift": drift, "batch_size": size}


TOP_DISAGREEMENTS = 5


def _reference_agreement(cs: CodingSet, draws: Draws) -> dict[str, Any]:
    """Each coder against the adjudicated result (approved events), per variable: presence of
    each category in the adjudicated sources the coder finished, as alpha of two rows (coder,
    reference) with an interval from the report's resamples of sources; and the coder's most
    frequent differences from the reference, with example passages.

    Only the groups the review has decided form the reference (``data.load_adjudication``):
    a coder's codings in a group still open (``cs.undecided``) are left out of the comparison,
    and counted in ``left_out``."""
    index = {s.id: i for i, s in enumerate(cs.sources)}
    texts = {s.id: s.text for s in cs.sources}
    used: dict[tuple[int, str, str], set[str]] = defaultdict(set)
    first: dict[tuple[int, str, str, str], CodingRecord] = {}
    left_out: dict[str, int] = {coder: 0 for coder in cs.coders}
    for c in cs.codings:
        if c.id in cs.undecided:
            if c.source_id in cs.reference:
                left_out[c.coder] += 1
            continue
        for variable in NOMINAL_VARIABLES:
            value = c.value(variable)
            used[(c.source_id, c.coder, variable)].add(value)
            first.setdefault((c.source_id, c.coder, variable, value), c)
    rows: dict[str, list[dict[str, Any]]] = {}
    disagreements: dict[str, list[dict[str, Any]]] = {}
    for coder in cs.coders:
        adjudicated = [s for s in cs.sources if s.id in cs.reference and coder in s.coders]
        counts: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
        for variable in NOMINAL_VARIABLES:
            categories = sorted(
                {x for s in adjudicated for x in cs.reference[s.id][variable]}
                | set(presence_categories(cs, variable))
            )
            data = np.array(
                [[[float(k in used[(s.id, coder, variable)]) for s in adjudicated]
                  for k in categories],
                 [[float(k in cs.reference[s.id][variable]) for s in adjudicated]
                  for k in categories]],
            ).reshape(2, -1)  # fmt: skip
            clusters = np.tile([index[s.id] for s in adjudicated], len(categories))
            row = _alpha_row("reference", variable, None, coder, "nominal", data)
            row["sources"], row["left_out"] = len(adjudicated), left_out[coder]
            rows.setdefault(variable, []).append(draws.add(row, data, clusters.astype(np.int64)))
            for s in adjudicated:
                mine, theirs = used[(s.id, coder, variable)], cs.reference[s.id][variable]
                for kind, keys in (("coded, not in the reference", mine - theirs),
                                   ("in the reference, not coded", theirs - mine)):  # fmt: skip
                    for k in keys:
                        coding = first.get((s.id, coder, variable, k))
                        quote = texts[s.id][coding.start : coding.end][:120] if coding else ""
                        counts[(variable, k, kind)].append({"source": s.id, "quote": quote})
        ranked = sorted(counts.items(), key=lambda x: (-len(x[1]), x[0]))[:TOP_DISAGREEMENTS]
        disagreements[coder] = [
            {"variable": v, "category": k, "label": cs.labels.get(v, {}).get(k, k), "kind": kind,
             "count": len(examples), "examples": examples[:3]}
            for (v, k, kind), examples in ranked
        ]  # fmt: skip
    return {"rows": rows, "disagreements": disagreements,
            "sources": sum(1 for s in cs.sources if s.id in cs.reference),
            "left_out": sum(left_out.values()), "left_out_by_coder": left_out}  # fmt: skip


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
            warnings.append(f"{name}: alpha = {alpha_text(row['alpha'])} is below {MINIMUMS[0]}.")
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
    method: str = METHOD,
) -> dict[str, Any]:
    """Every figure of the reliability report for these codings (see the module docstring)."""
    coders = cs.coders
    draws = Draws(len(cs.sources), n_resamples, seed, method)
    n_sources = len(cs.sources)
    by_source = np.arange(n_sources)
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
    pooled_by_variable: dict[str, np.ndarray] = {}
    for variable, tables in presence.items():
        labels = cs.labels.get(variable, {})
        arrays = {k: np.array(t, dtype=np.float64) for k, t in tables.items()}  # None -> NaN
        if tables:
            pooled = pooled_by_variable[variable] = np.hstack(list(arrays.values()))
            row = _presence_row(variable, None, "all categories", pooled)
            rows.append(draws.add(row, pooled, np.tile(by_source, len(tables))))
            pairs[f"presence:{variable}"] = _pairs(coders, pooled, "nominal")
        step(f"presence: {variable}")
        for category, table in arrays.items():
            row = _presence_row(variable, category, labels.get(category, category), table)
            rows.append(draws.add(row, table, by_source))
            step(f"presence: {variable} / {category}")
    index = {source.id: i for i, source in enumerate(cs.sources)}
    sentence_sources = np.array([index[u[0]] for u in sentences.units], dtype=np.int64)
    for variable, level in SENTENCE_VARIABLES:
        names = values_of(sentences.values[variable])
        data = as_array(sentences.values[variable])
        label = "confidence scale" if variable == "confidence" else "all categories"
        row = _alpha_row("sentences", variable, None, label, level, data)
        _name_the_only_value(row, data, names, cs.labels.get(variable, {}))
        rows.append(draws.add(row, data, sentence_sources))
        if coders:
            pairs[f"sentences:{variable}"] = _pairs(coders, data, level)
        table = _coincidence(data, names, cs.labels.get(variable, {})) if coders else None
        if table:
            coincidence[variable] = table
        step(f"sentences: {variable}")
    reference = _reference_agreement(cs, draws)
    draws.fill()
    for variable in UNITIZING_VARIABLES:
        rows.extend(_unitizing_rows(cs, variable, draws))
        step(f"unitizing: {variable}")

    settings = {
        "n_resamples": n_resamples,
        "seed": seed,
        "method": method,
        "interval": INTERVAL if method == "units" else "percentile",
        "method_name": METHOD_NAMES[method],
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
        "clinic": {**_clinic(coders, pooled_by_variable, n_sources), "reference": reference},
        "warnings": warnings,
        "category_warnings": category_warnings,
    }
