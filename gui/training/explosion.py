"""The Training dock's words for an exploding loss. Whether it exploded is the engine's rule
(engine.train.exploded: past EXPLOSION_FACTOR × the run's first loss), the same one behind the
command line's warning and Trainer.explosion.
"""

from __future__ import annotations

from backprop_studio.engine.limits import EXPLOSION_FACTOR
from backprop_studio.engine.train import exploded

HINT = "lower the learning rate"

__all__ = ["HINT", "exploded", "warning"]


def warning(first: float, loss: float, lr: float | None) -> str:
    at = f" at learning rate {lr:g}" if lr is not None else ""
    return (f"The loss is exploding{at}: {loss:.3g}, over {EXPLOSION_FACTOR:,.0f}× its first "
            f"value {first:.3g}. Training diverges: {HINT} (try a tenth of it).")
