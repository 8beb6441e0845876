"""The one number formatter: every value and gradient reads the same on a node, an edge, in the
inspector, in the explanation text and on the command line.

The digits follow the CS231n figures (−4, 0.73, −0.038): whole numbers without decimals, two
decimals from 0.1 up, two significant digits below. The canvas and the explanations use the
Unicode minus; the command line asks for ``-`` so that any terminal prints it.
"""

from __future__ import annotations

import math

import numpy as np

MINUS = "−"


def format_number(x, minus: str = MINUS) -> str:
    """−4, 0.73, −0.038, 3.5e−05, 1.2e+06: the same digits wherever a number is shown."""
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return ("-inf" if x < 0 else "inf").replace("-", minus)
    if x == 0:
        return "0"
    if x == round(x) and abs(x) < 1e6:
        text = str(int(round(x)))
    elif 0.1 <= abs(x) < 1e4:
        text = f"{x:.2f}"
    else:
        text = f"{x:.2g}"
    return text.replace("-", minus)


def format_shape(shape) -> str:
    """1×2, 4×16; a vector's length alone: (3)."""
    shape = tuple(shape)
    if len(shape) == 1:
        return f"({shape[0]})"
    return "×".join(str(n) for n in shape)


def format_tensor(x, max_chars: int | None = None, limit: int = 12, minus: str = MINUS) -> str:
    """A scalar as format_number; a small array in full ([0.59, 0.6], [[1, 2], [3, 4]]); else
    (or when the full form is longer than ``max_chars``) its shape and range: 1×16 ∈[−0.98, 0.97].
    Never cut short with an ellipsis: what is shown is whole."""
    if x is None:
        return "—"
    arr = np.asarray(x, dtype=float)
    if arr.ndim == 0:
        return format_number(arr, minus)
    if arr.size == 0:
        return f"{format_shape(arr.shape)} empty"
    if arr.size <= limit:
        full = _nested(arr, minus)
        if max_chars is None or len(full) <= max_chars:
            return full
    return (f"{format_shape(arr.shape)} ∈[{format_number(arr.min(), minus)}, "
            f"{format_number(arr.max(), minus)}]")


def _nested(arr, minus: str) -> str:
    if arr.ndim == 1:
        return "[" + ", ".join(format_number(v, minus) for v in arr) + "]"
    return "[" + ", ".join(_nested(row, minus) for row in arr) + "]"
