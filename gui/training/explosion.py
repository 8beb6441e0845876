"""Whether a training loss has exploded, and the warning that says what to do about it.

One small function, so that when the engine reports explosions itself (engine/train.py), the
Training dock can take its signal here instead of looking at the losses.
"""

from __future__ import annotations

import math

FACTOR = 1000.0          # a loss this many times the first one has exploded
HINT = "lower the learning rate"


def exploded(first: float, losses) -> float | None:
    """The first of ``losses`` above FACTOR × ``first`` (the run's first loss), else None.
    A first loss of 0 or less, or not finite, gives no baseline: None."""
    if not (math.isfinite(first) and first > 0):
        return None
    limit = FACTOR * first
    for loss in losses:
        loss = float(loss)
        if math.isfinite(loss) and loss > limit:
            return loss
    return None


def warning(first: float, loss: float, lr: float | None) -> str:
    at = f" at learning rate {lr:g}" if lr is not None else ""
    return (f"The loss is exploding{at}: {loss:.3g}, over {FACTOR:,.0f}× its first value "
            f"{first:.3g}. Training diverges: {HINT} (try a tenth of it).")
