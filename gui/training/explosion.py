"""When the loss explodes: a warning while it can still be acted on (before NaN stops the run).

One function, so that the warning can later come from the engine's own divergence signal
(engine/train.py) without the Training dock changing.
"""

from __future__ import annotations

import math

GROWTH = 100.0          # the loss this many times its best so far…
FLOOR = 1.0             # …and above this (a loss falling from 1e-6 to 1e-4 is no explosion)


def explosion_warning(losses, best: float | None) -> str | None:
    """A sentence for the student if the newest of ``losses`` has exploded, else None."""
    if not len(losses) or best is None:
        return None
    last = float(losses[-1])
    if math.isfinite(last) and last <= max(GROWTH * best, FLOOR):
        return None
    what = f"{last:.3g}" if math.isfinite(last) else "infinite"
    return (f"The loss is exploding ({what}, its best was {best:.3g}): the learning rate is "
            f"probably too large. Pause, lower it and press Reset.")
