"""Which leaves are drawn inside the node they feed: a weight matrix inside W₁x₀, a target
inside its loss, as the seeds write x₁ = f(W₁x₀) and E = ½‖x₃ − t‖² with W and t as part of
the step rather than as boxes of their own.

A leaf folds when it has no inputs and feeds exactly one port, and is either a parameter
holding more than one number (a scalar parameter stays a node: the CS231n gate figures draw
every input as one) or an input on a loss's target port (every port of a loss after its
first). The canvas shows a
folded leaf as two rows of its consumer (its value and gradient, which are its one edge's),
and the layout gives it no column of its own. Folding changes only the drawing.
"""

from __future__ import annotations

import numpy as np

from .graph import ComputationGraph

FOLDABLE_OPS = ("parameter", "input")


def foldable(graph: ComputationGraph, node: str) -> tuple[str, str] | None:
    """(consumer, port) when ``node`` would be drawn inside its consumer, else None."""
    if graph.op(node).name not in FOLDABLE_OPS or graph.inputs_of(node):
        return None
    consumers = graph.consumers_of(node)
    if len(consumers) != 1:
        return None
    consumer, port = consumers[0]
    spec = graph.op(consumer)
    if spec.name == "dense":            # a layer draws its own W and b (and may be neurons)
        return None
    if graph.op(node).name == "input":
        return (consumer, port) if spec.is_loss and port != spec.ports[0] else None
    value = graph.node(node).get("tensors", {}).get("value")
    return (consumer, port) if value is not None and np.size(value) > 1 else None


def folded_leaves(graph: ComputationGraph) -> dict[str, tuple[str, str]]:
    """{leaf: (consumer, port)} for every leaf that folds, in the graph's node order."""
    out = {}
    for node in graph.nodes:
        hit = foldable(graph, node)
        if hit is not None:
            out[node] = hit
    return out


def folds_of(graph: ComputationGraph, folded: dict[str, tuple[str, str]]
             ) -> dict[str, list[str]]:
    """{consumer: [its folded leaves, in port order]}."""
    out: dict[str, list[str]] = {}
    for leaf, (consumer, _) in folded.items():
        out.setdefault(consumer, []).append(leaf)
    for consumer, leaves in out.items():
        ports = list(graph.op(consumer).ports)
        leaves.sort(key=lambda leaf: ports.index(folded[leaf][1]))
    return out
