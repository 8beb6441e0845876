"""When an answer counts as right: equal to the engine's within ``digits`` significant digits.

Half a unit in the last significant digit of the right answer (0.73 for 0.7311 at two digits,
not 0.74), elementwise for arrays of the same shape. A right answer of 0 needs |answer| below
half a unit of the ``digits``-th decimal (0.005 at two digits), the same rule read at 1.
"""

from __future__ import annotations

import math

import numpy as np


def allowed(right: float, digits: int) -> float:
    magnitude = abs(right)
    exponent = math.floor(math.log10(magnitude)) if magnitude > 0 else -1
    return 0.5 * 10.0 ** (exponent - digits + 1) * (1 + 1e-9)


def close(answer, right, digits: int) -> bool:
    a, r = np.asarray(answer, dtype=float), np.asarray(right, dtype=float)
    if a.shape != r.shape or not np.all(np.isfinite(a)):
        return False
    limits = np.vectorize(lambda v: allowed(float(v), digits), otypes=[float])(r)
    return bool(np.all(np.abs(a - r) <= limits))
