"""Numbers as the GUI shows them, all through the engine's one formatter (engine.numbers), so a
value reads the same on a node, an edge, in the inspector and on the command line."""

from __future__ import annotations

import numpy as np

from backprop_studio.engine.numbers import format_number, format_shape, format_tensor

NODE_CHARS = 20         # the longest number text a node's value row holds whole


def scalar(x: float) -> str:
    """−12, 0.73, 1.2e−05."""
    return format_number(x)


def short(value) -> str:
    """One line for a node: a scalar, a small array in full, else its shape and range."""
    return format_tensor(value, max_chars=NODE_CHARS)


def long(value) -> str:
    """Several lines for the inspector: the whole array when small, else numpy's summary, with
    the same digits as everywhere else (a scalar adds its exact value when that differs)."""
    if value is None:
        return "—"
    arr = np.asarray(value, dtype=float)
    if arr.ndim == 0:
        x = float(arr)
        exact = f"{x:.10g}".replace("-", "−")
        shown = format_number(x)
        return shown if shown == exact else f"{shown}   (= {exact})"
    with np.printoptions(threshold=64, edgeitems=3, linewidth=36,
                         formatter={"float_kind": format_number}):
        body = np.array2string(arr)
    return f"shape {format_shape(arr.shape)}\n{body}"
