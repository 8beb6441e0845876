"""Numbers as a node shows them: scalars rounded sensibly, arrays as shape plus a short summary."""

from __future__ import annotations

import math

import numpy as np


def scalar(x: float) -> str:
    """-12.00, 0.7311, 1.2e-05: two decimals for whole numbers (as the CS231n figures), else
    four significant digits."""
    x = float(x)
    if math.isnan(x) or math.isinf(x):
        return str(x)
    if x == 0:
        return "0.00"
    if abs(x) < 1e6 and x == round(x):
        return f"{x:.2f}"
    if 1e-3 <= abs(x) < 1e5:
        return f"{x:.4g}"
    return f"{x:.3g}"


def short(value) -> str:
    """One line for a node: a scalar, a short vector in full, else its shape and range."""
    if value is None:
        return "—"
    arr = np.asarray(value, dtype=float)
    if arr.ndim == 0:
        return scalar(float(arr))
    if arr.size == 0:
        return f"{_shape(arr)} empty"
    if arr.ndim == 1 and arr.size <= 3:
        return "[" + ", ".join(scalar(v) for v in arr) + "]"
    return f"{_shape(arr)} [{arr.min():.3g}, {arr.max():.3g}]"


def long(value) -> str:
    """Several lines for the inspector: the whole array when small, else numpy's summary."""
    if value is None:
        return "—"
    arr = np.asarray(value, dtype=float)
    if arr.ndim == 0:
        x = float(arr)
        exact = f"{x:.10g}"
        return scalar(x) if float(scalar(x)) == x else f"{scalar(x)}   (= {exact})"
    with np.printoptions(precision=4, suppress=True, threshold=64, edgeitems=3, linewidth=36):
        body = np.array2string(arr)
    return f"shape {_shape(arr)}\n{body}"


def _shape(arr) -> str:
    return "×".join(str(n) for n in arr.shape) if arr.ndim > 1 else f"({arr.shape[0]})"
