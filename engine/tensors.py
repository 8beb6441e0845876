"""A tensor value from a file, the API or an editor, measured before it is made.

Nested lists are walked level by level (no recursion, so depth cannot exhaust the stack): each
level must be lists of one length, the leaves plain finite numbers, the nesting at most
MAX_TENSOR_DIMS and the element count within MAX_TENSOR_ELEMENTS, all known before numpy
allocates anything.
"""

from __future__ import annotations

import math

import numpy as np

from .limits import MAX_TENSOR_DIMS, MAX_TENSOR_ELEMENTS
from .text import shorten

_NUMBER = (int, float, np.integer, np.floating)


def _is_number(x) -> bool:
    return isinstance(x, _NUMBER) and not isinstance(x, (bool, np.bool_))


def measure(value) -> tuple[int, ...]:
    """The shape nested lists describe; ValueError if they are not a tensor the engine takes."""
    shape: list[int] = []
    level = [value]
    while isinstance(level[0], (list, tuple)):
        n = len(level[0])
        for item in level:
            if not isinstance(item, (list, tuple)) or len(item) != n:
                raise ValueError("not a rectangular array of numbers (its rows differ in "
                                 "length or nesting)")
        if len(shape) == MAX_TENSOR_DIMS:
            raise ValueError(f"nests deeper than {MAX_TENSOR_DIMS} levels, the most a tensor "
                             f"may have")
        shape.append(n)
        if math.prod(shape) > MAX_TENSOR_ELEMENTS:
            raise ValueError(f"has more than {MAX_TENSOR_ELEMENTS:,} elements, the most a tensor "
                             f"may hold")
        if n == 0:
            return tuple(shape)
        level = [x for item in level for x in item]
    if not set(map(type, level)) <= _PLAIN:            # the fast check, in C; then the slow one
        for item in level:
            if not _is_number(item):
                raise ValueError(f"not a number or a rectangular array of numbers "
                                 f"(found {shorten(item)})")
    return tuple(shape)


_PLAIN = {int, float}


def shape_of(value) -> tuple[int, ...]:
    """The shape a value would have as a tensor (measured, nothing allocated)."""
    if isinstance(value, np.ndarray):
        return value.shape
    return measure(value)


def to_tensor(value):
    """A checked copy: a Python float for a scalar, else a float64 array; all finite."""
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "iuf":
            raise ValueError(f"not an array of numbers (dtype {value.dtype})")
        if value.ndim > MAX_TENSOR_DIMS or value.size > MAX_TENSOR_ELEMENTS:
            raise ValueError(f"shape {value.shape} is beyond the limits ({MAX_TENSOR_DIMS} "
                             f"dimensions, {MAX_TENSOR_ELEMENTS:,} elements)")
        arr = value.astype(float)
    else:
        measure(value)
        try:
            arr = np.array(value, dtype=float)
        except OverflowError:
            raise ValueError("holds a number too large for a float") from None
    if not np.all(np.isfinite(arr)):
        raise ValueError("holds NaN or an infinite number; only finite numbers are allowed")
    return float(arr) if arr.ndim == 0 else arr


def count(value) -> int:
    """The number of elements of a tensor already made by to_tensor."""
    return 1 if isinstance(value, float) else int(value.size)
