"""An op's numeric settings (power's p, leaky_relu's alpha, flatten's axis) as the literals its
code templates read, named as the op declares them (engine/settings.py)."""

from __future__ import annotations

from ..ops import get_op


def setting_values(node) -> dict[str, str]:
    out = {}
    for setting in get_op(node.op).settings:
        if setting.kind in ("int", "float"):
            cast = int if setting.kind == "int" else float
            out[setting.name] = repr(cast(node.config.get(setting.name, setting.default)))
    return out
