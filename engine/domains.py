"""Why a node produced NaN or ∞, in words: the domain its op needs and the input that left it
("log needs x > 0; its input is −2"). Used where the forward pass finds a value that is not
finite (backprop.py), so the error raised at the node says the reason, not numpy's "NaN".

Each partial op lists (port, test of a good value, the rule in words); the test is numpy,
elementwise, and the first element that fails it is named.
"""

from __future__ import annotations

import numpy as np

from .numbers import format_number


def _power_rules(config: dict) -> list:
    p = float(config.get("p", 2.0))
    shown = format_number(p)
    rules = []
    if p != round(p):
        rules.append(("x", lambda x: x >= 0,
                      f"power needs x ≥ 0 when p = {shown} is not a whole number"))
    if p < 0:
        rules.append(("x", lambda x: x != 0, f"power needs x ≠ 0 when p = {shown} < 0"))
    return rules


RULES = {
    "log": lambda config: [("x", lambda x: x > 0, "log needs x > 0")],
    "divide": lambda config: [("b", lambda b: b != 0, "divide needs b ≠ 0")],
    "power": _power_rules,
    "exp": lambda config: [("x", lambda x: x < 709.78, "exp overflows for x above about 709")],
}


# Rules an input must keep even when the value it gives is finite: a bce target of 3 gives a
# number, but not a cross-entropy (its gradients would teach nonsense).
ALWAYS = {
    "bce": lambda config: [("y", lambda y: (y >= 0) & (y <= 1),
                            "bce needs targets y in [0, 1]")],
}


def explain(op, inputs: dict, config: dict) -> str | None:
    """The rule broken by ``inputs`` (port → value) of an ``op`` node, or None."""
    return _broken(RULES.get(op.name), op, inputs, config)


def refuse(op, inputs: dict, config: dict) -> None:
    """Raise ValueError with the words of an ALWAYS rule that ``inputs`` break."""
    why = _broken(ALWAYS.get(op.name), op, inputs, config)
    if why is not None:
        raise ValueError(why)


def _broken(rules, op, inputs: dict, config: dict) -> str | None:
    if rules is None:
        return None
    one_port = len(op.ports) == 1
    for port, good, words in rules(config):
        if port not in inputs:
            continue
        value = np.asarray(inputs[port], dtype=float)
        with np.errstate(all="ignore"):
            bad = ~np.asarray(good(value), dtype=bool) | np.isnan(value)
        if not bad.any():
            continue
        if value.ndim == 0:
            where = "its input" if one_port else f"its input {port}"
            return f"{words}; {where} is {format_number(value)}"
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        at = ", ".join(map(str, index))
        return f"{words}; its input {port}[{at}] is {format_number(value[index])}"
    return None
