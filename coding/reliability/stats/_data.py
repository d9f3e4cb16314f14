"""Reliability data -> integer codes.

Reliability data is a coders x units table: ``data[i][u]`` is the value coder ``i`` gave unit
``u``. It may be a sequence of rows (``None`` or NaN for a missing value) or a 2-D numpy array
(NaN for a missing value). Everything downstream works on a matrix of integer codes, ``-1``
meaning missing, plus the list of distinct values the codes stand for.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

MISSING = -1
CODE_DTYPE = np.int32  # value codes; 2**31 distinct values is plenty


@dataclass(frozen=True)
class CodedData:
    """Reliability data as integer codes.

    ``codes[i, u]`` is the index into ``values`` of the value coder ``i`` gave unit ``u``, or
    ``MISSING``. Codes follow the sort order of the values (or the order of ``value_domain``
    when one was given), so for ordinal data code order is rank order.
    """

    codes: np.ndarray
    values: list[Any]
    numeric: np.ndarray | None
    """``values`` as float64 when every value is a real number, else None."""

    @property
    def n_values(self) -> int:
        return len(self.values)


def is_missing(x: object) -> bool:
    if x is None:
        return True
    if isinstance(x, float | np.floating):
        return math.isnan(x)
    return False


def is_real_number(x: object) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool | np.bool_)


def encode(data: Any, value_domain: Sequence[Hashable] | None = None) -> CodedData:
    """Encode a coders x units table (rows of values, or a 2-D array) into integer codes."""
    if isinstance(data, np.ndarray) and data.dtype.kind in "iuf":
        if data.ndim != 2:
            raise ValueError(
                f"reliability data must be 2-D (coders x units); got an array of shape {data.shape}"
            )
        coded = _encode_numeric_array(np.asarray(data, dtype=np.float64))
    else:
        coded = _encode_rows(data)
    if value_domain is not None:
        coded = _apply_domain(coded, value_domain)
    return coded


def _encode_numeric_array(arr: np.ndarray) -> CodedData:
    """Codes of a float array, NaN = missing.

    Coding data is nearly always small integers (category ids, scale points), for which a
    counting pass is an order of magnitude faster than the sort np.unique does on millions of
    values; it also avoids boolean compression and keeps temporaries few and 32-bit.
    """
    lo = float(np.fmin.reduce(arr, axis=None)) if arr.size else math.nan  # fmin skips NaN
    if math.isnan(lo):  # everything missing
        return CodedData(np.full(arr.shape, MISSING, dtype=CODE_DTYPE), [], np.empty(0))
    hi = float(np.fmax.reduce(arr, axis=None))
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ValueError("reliability data contains infinite values")
    span = hi - lo
    if span <= min(max(4096.0, 2.0 * arr.size), 2.0**30):
        shifted = arr - (lo - 1.0)
        np.fmax(shifted, 0.0, out=shifted)  # missing (NaN) -> 0, value v -> v - lo + 1
        offsets = shifted.astype(np.int32)
        if np.array_equal(offsets, shifted):  # every value an integer
            seen = np.bincount(offsets.ravel(), minlength=int(span) + 2) > 0
            seen[0] = False
            uniq = np.flatnonzero(seen).astype(np.float64) + (lo - 1.0)
            if seen[1:].all():  # the values are lo, lo + 1, ..., hi: code = offset - 1
                offsets -= 1
                return CodedData(codes=offsets, values=uniq.tolist(), numeric=uniq)
            lookup = (np.cumsum(seen) - 1).astype(CODE_DTYPE)
            lookup[0] = MISSING
            return CodedData(codes=lookup[offsets], values=uniq.tolist(), numeric=uniq)
    mask = ~np.isnan(arr)
    uniq, inverse = np.unique(arr[mask], return_inverse=True)
    codes = np.full(arr.shape, MISSING, dtype=CODE_DTYPE)
    codes[mask] = inverse.reshape(-1)
    return CodedData(codes=codes, values=uniq.tolist(), numeric=uniq)


def _as_rows(data: Any) -> list[list[Any]]:
    if isinstance(data, np.ndarray):
        if data.ndim != 2:
            raise ValueError(
                f"reliability data must be 2-D (coders x units); got an array of shape {data.shape}"
            )
        return data.tolist()
    if isinstance(data, str | bytes):
        raise ValueError("reliability data must be a sequence of coder rows, not a string")
    rows = []
    for row in data:
        if isinstance(row, str | bytes) or not isinstance(row, Sequence | np.ndarray):
            raise ValueError(
                "reliability data must be a sequence of coder rows (one value per unit); "
                f"got a row of type {type(row).__name__}"
            )
        rows.append(list(row))
    return rows


def _encode_rows(data: Any) -> CodedData:
    rows = _as_rows(data)
    n_units = len(rows[0]) if rows else 0
    index: dict[Hashable, int] = {}
    flat: list[int] = []
    for i, row in enumerate(rows):
        if len(row) != n_units:
            raise ValueError(
                f"every coder row must have one value per unit: row 0 has {n_units} values, "
                f"row {i} has {len(row)}"
            )
        for x in row:
            if is_missing(x):
                flat.append(MISSING)
                continue
            try:
                code = index.get(x)
                if code is None:
                    code = index[x] = len(index)
            except TypeError:
                raise ValueError(
                    f"values must be hashable; got a value of type {type(x).__name__}"
                ) from None
            flat.append(code)
    values = list(index)
    try:
        order = sorted(range(len(values)), key=values.__getitem__)
    except TypeError:  # mixed, unorderable types: keep first-seen order
        order = list(range(len(values)))
    rank = np.empty(len(values) + 1, dtype=CODE_DTYPE)
    rank[order] = np.arange(len(values))
    rank[-1] = MISSING  # codes of -1 index the last slot
    codes = rank[np.asarray(flat, dtype=np.intp).reshape(len(rows), n_units)]
    values = [values[k] for k in order]
    return CodedData(codes=codes, values=values, numeric=_numeric(values))


def _numeric(values: list[Any]) -> np.ndarray | None:
    if not all(is_real_number(v) for v in values):
        return None
    numeric = np.asarray(values, dtype=np.float64)
    if not np.isfinite(numeric).all():
        raise ValueError("reliability data contains infinite values")
    return numeric


def _apply_domain(coded: CodedData, value_domain: Sequence[Hashable]) -> CodedData:
    domain = list(value_domain)
    try:
        position = {v: k for k, v in enumerate(domain)}
    except TypeError:
        raise ValueError("value_domain entries must be hashable") from None
    if len(position) != len(domain):
        raise ValueError("value_domain contains duplicate values")
    outside = [v for v in coded.values if v not in position]
    if outside:
        shown = ", ".join(repr(v) for v in outside[:5])
        raise ValueError(f"reliability data contains values outside value_domain: {shown}")
    remap = np.array([position[v] for v in coded.values] + [MISSING], dtype=CODE_DTYPE)
    return CodedData(codes=remap[coded.codes], values=domain, numeric=_numeric(domain))
