"""Shapes without running the graph: what each node's value will be (a scalar, a vector of 3,
a 2×3 matrix), so an edge whose shapes cannot meet is refused when it is connected, with both
shapes in words ("a is a vector of 3, b is a vector of 2: add needs equal shapes or one a
scalar") instead of numpy's words at the next Run.

Shapes come from the ops themselves: each node's forward rule (and its ``check``) is evaluated
once on stand-in arrays of the right shapes (every element ½, inside every op's domain), in
topological order. A node whose inputs are not all connected has an unknown shape (None), and
so has everything downstream of it: nothing is refused on a guess.
"""

from __future__ import annotations

import networkx as nx
import numpy as np

from .errors import GraphError
from .plan import _consts, _eval

STAND_IN = 0.5

# What an op needs of its inputs' shapes, in words; ops not named here are elementwise on two
# inputs (numpy broadcasting) or say it in their own check's message.
NEEDS = {
    "matmul": "matmul needs a's last size to equal b's first",
    "dense": "dense needs x's last size to equal its in_features (W's rows)",
    "mse": "mse needs the prediction and the target to have the same shape",
    "bce": "bce needs the prediction and the target to have the same shape",
    "softmax_ce": "softmax_ce needs the logits and the target to have the same shape",
}


def describe(shape) -> str:
    """A shape in words: "a scalar", "a vector of 3", "a 2×3 matrix", "a 2×3×4 array"."""
    shape = tuple(int(n) for n in shape)
    if shape == ():
        return "a scalar"
    if len(shape) == 1:
        return f"a vector of {shape[0]}"
    dims = "×".join(str(n) for n in shape)
    return f"a {dims} matrix" if len(shape) == 2 else f"a {dims} array"


def _leaf_shape(graph, node: str):
    tensors = graph.node(node)["tensors"]
    return np.shape(tensors["value"]) if "value" in tensors else None


def _probe(graph, node: str, inputs: dict):
    """The node's output shape for input shapes ``inputs`` (port → shape); raises ValueError,
    TypeError… as the op would."""
    spec = graph.op(node)
    data = graph.node(node)
    ins = {p: (np.full(s, STAND_IN) if s != () else STAND_IN) for p, s in inputs.items()}
    tens = {t: data["tensors"][t] for t in spec.tensors}
    if spec.check:
        spec.check(ins, tens, data["config"])
    env = {**ins, **tens, **_consts(_Info(data["config"]))}
    with np.errstate(all="ignore"):
        for name, expr in spec.save.items():
            env[name] = _eval(expr, env)
        return tuple(np.shape(_eval(spec.forward, env)))


class _Info:
    """The bit of a plan's NodeInfo that ``_consts`` reads."""

    def __init__(self, config: dict) -> None:
        self.config = config


def infer(graph, extra: tuple[str, str, str] | None = None) -> dict:
    """node → its value's shape, or None where unknown (an input port not connected, or the
    op refuses its inputs). ``extra`` (source, target, port) is an edge assumed connected."""
    shapes: dict = {}
    for node in nx.topological_sort(graph.nx):
        spec = graph.op(node)
        if not spec.ports:
            shapes[node] = _leaf_shape(graph, node)
            continue
        sources = graph.inputs_of(node)
        if extra is not None and extra[1] == node:
            sources[extra[2]] = extra[0]
        inputs = {p: shapes.get(sources[p]) if p in sources else None for p in spec.ports}
        if any(s is None for s in inputs.values()):
            shapes[node] = None
            continue
        try:
            shapes[node] = _probe(graph, node, inputs)
        except Exception:                     # noqa: BLE001 - unknown, not refused here
            shapes[node] = None
    return shapes


def check_edge(graph, source: str, target: str, port: str, shapes: dict | None = None) -> None:
    """Raise GraphError, naming both shapes in words, if ``target`` cannot take ``source``'s
    value on ``port`` together with what its other ports already have. Silent when a shape is
    unknown (another port still open) or when the edge would make a cycle (refused elsewhere)."""
    if source not in graph or target not in graph or nx.has_path(graph.nx, target, source):
        return
    shapes = infer(graph) if shapes is None else shapes
    spec = graph.op(target)
    sources = graph.inputs_of(target)
    sources[port] = source
    inputs = {p: shapes.get(sources[p]) if p in sources else None for p in spec.ports}
    if shapes.get(source) is None or any(s is None for s in inputs.values()):
        return
    try:
        _probe(graph, target, inputs)
    except Exception as exc:                 # noqa: BLE001 - the op's refusal, in words below
        words = refusal(spec, graph.node(target)["tensors"], inputs, exc)
        raise GraphError(words, target, graph.label(target), port) from None


def refusal(spec, tensors: dict, inputs: dict, exc: Exception) -> str:
    """Both (all) input shapes in words, then what the op needs."""
    parts = [f"{p} is {describe(s)}" for p, s in inputs.items()]
    if spec.name == "dense" and len(np.shape(tensors.get("W", ()))) == 2:
        parts.append(f"in_features is {np.shape(tensors['W'])[0]}")
    need = NEEDS.get(spec.name)
    if need is None:
        need = (f"{spec.name} needs equal shapes or one a scalar" if len(spec.ports) == 2
                and spec.check is None else str(exc))
    return ", ".join(parts) + ": " + need
