"""What an edit may write into a node's setting: the kind of value the op's default is (a
finite number, a whole number, a shape, a feed), within the ranges the inspector offers.

The engine checks settings from its registry on every path; this is the window's own check
before it pushes an edit, so that an edit never lets in a value that Save or a later load would
refuse. It reads the op's declared defaults and nothing else.
"""

from __future__ import annotations

import math

FEEDS = (None, "features", "targets")
WHOLE = {"in_features": (1, 4096), "units": (1, 4096), "seed": (0, 2**31 - 1)}
SHAPE_DIM_MAX, SHAPE_SIZE_MAX = 4096, 4096 * 4096
NUMBER_MAX = 1e6                 # the inspector's spin boxes offer −1e6 … 1e6


def refusal(spec, key: str, value) -> str | None:
    """Why ``value`` cannot be ``spec``'s setting ``key``; None when it can."""
    if key not in spec.config:
        return f"{spec.name} has no setting {key!r}"
    default = spec.config[key]
    if key == "feed":
        return None if value in FEEDS else "feed must be none, features or targets"
    if key == "shape":
        if not isinstance(value, list) or not all(_whole(n) and n > 0 for n in value):
            return "shape must be a list of positive whole numbers, like [] or [2, 3]"
        if any(n > SHAPE_DIM_MAX for n in value) or math.prod(value) > SHAPE_SIZE_MAX:
            return f"shape is too large (at most {SHAPE_DIM_MAX:,} per side and " \
                   f"{SHAPE_SIZE_MAX:,} numbers)"
        return None
    if key in WHOLE or _whole(default):
        low, high = WHOLE.get(key, (-2**31, 2**31 - 1))
        if not _whole(value) or not low <= value <= high:
            return f"{key} must be a whole number from {low:,} to {high:,}"
        return None
    if isinstance(default, float):
        if not _number(value) or not math.isfinite(value) or abs(value) > NUMBER_MAX:
            return f"{key} must be a finite number from −{NUMBER_MAX:g} to {NUMBER_MAX:g}"
        return None
    return None


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
