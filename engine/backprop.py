"""Forward and backward over a plan, and the trace of the backward pass as readable steps.

The trace is the single record that the GUI's animation, the CLI's table and the tests all
read: one step per edge, in the order the backward pass walks them (reverse topological order),
each with the upstream gradient ∂L/∂(consumer's output), the local gradient ∂(output)/∂(input),
their product handed downstream, and the local gradient's formula. A node that feeds several
consumers gets a ``sum`` step once all its contributions are in (the multivariate chain rule);
a dense layer gets ``param`` steps for ∂L/∂W = xᵀ·δ and ∂L/∂b = Σδ.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .domains import explain
from .errors import GraphError
from .graph import ComputationGraph
from .plan import Plan


@dataclass(slots=True)
class Step:
    """One step of the backward pass.

    kind: ``seed`` (the output's gradient is 1), ``edge`` (source → target.port), ``sum`` (a node's
    gradient is the sum of what its consumers handed back) or ``param`` (a dense layer's W or b).
    """

    kind: str
    node: str                       # the node whose gradient this step sets or extends
    source: str | None = None       # edge: the producer receiving ``downstream``
    port: str | None = None         # edge: target port; param: the tensor's name
    upstream: object = None         # ∂L/∂(output of ``node``)
    local: object = None            # ∂(output of node)/∂(input at port)
    downstream: object = None       # upstream · local, handed to ``source`` (or the param grad)
    formula: str = ""
    parts: tuple = ()               # sum: ((consumer, port, contribution), …)


@dataclass
class Result:
    output: str | None
    values: dict
    grads: dict                     # node -> ∂L/∂(node's output), None where L does not depend
    tensor_grads: dict              # (node, tensor) -> ∂L/∂tensor
    trace: Sequence[Step] | None = None     # a Trace: Steps in backward order
    loss: float | None = None
    order: list[str] = field(default_factory=list)


def run(graph: ComputationGraph, feeds: dict | None = None, trace: bool = True,
        plan: Plan | None = None) -> Result:
    """Forward and backward once; record the trace unless ``trace`` is False.

    Without an output (several end nodes, none chosen) only the forward pass runs.
    """
    plan = plan or Plan.build(graph, feeds)
    leaves = plan.leaf_values(graph, feeds)
    ids = [i.id for i in plan.graph_nodes]
    with np.errstate(all="ignore"):
        if plan.output is None:
            values = plan.call("forward", leaves)
            _check_finite_values(plan, values)
            return Result(None, dict(zip(ids, map(_out, values))), dict.fromkeys(ids), {},
                          [] if trace else None, None, ids)
        raw: list | None = [] if trace else None
        values, grads, tgrads = plan.call("traced" if trace else "full", leaves, raw)
    _check_finite_values(plan, values)
    _check_finite_grads(plan, leaves, grads, raw)
    out_id = ids[plan.output]
    spec = plan.graph_nodes[plan.output].op
    out_value = values[plan.output]
    loss = float(out_value) if spec.is_loss or np.shape(out_value) == () else None
    return Result(out_id, dict(zip(ids, map(_out, values))),
                  {i: (_out(g) if g is not None else None) for i, g in zip(ids, grads)},
                  {slot: _out(g) for slot, g in zip(plan.slots, tgrads)},
                  Trace(plan, raw) if trace else None, loss, ids)


def _out(value):
    """Plain floats for scalars, float arrays otherwise (a relu's 0/1 mask is kept as bools
    by the fast path and shown as numbers)."""
    kind = type(value)
    if kind is float:
        return value
    if kind is np.ndarray:
        if value.ndim == 0:
            return float(value)
        return value.astype(float) if value.dtype == bool else value
    return float(value) if np.ndim(value) == 0 else np.asarray(value, dtype=float)


def _finite(value) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    return bool(np.all(np.isfinite(value)))


def _check_finite_values(plan: Plan, values: list) -> None:
    for info, value in zip(plan.graph_nodes, values):
        if not _finite(value):
            inputs = {p: values[i] for p, i in zip(info.op.ports, info.inputs)}
            why = explain(info.op, inputs, info.config)
            what = "NaN" if np.any(np.isnan(value)) else "an infinite value"
            raise GraphError(why or f"produced {what} in the forward pass", info.id, info.label)


def _check_finite_grads(plan: Plan, leaves, grads, raw) -> None:
    """A NaN or infinite gradient is reported at the edge that made it: the first edge of the
    backward pass whose upstream was finite and whose downstream is not."""
    if all(g is None or _finite(g) for g in grads):
        return
    if raw is None:
        raw = []
        plan.call("traced", leaves, raw)
    for item in raw:
        if item[0] == "edge" and _finite(item[2]) and not _finite(item[4]):
            edge = plan.edges[item[1]]
            info = next(i for i in plan.graph_nodes if i.id == edge.target)
            raise GraphError("the gradient it hands back is NaN or infinite in the backward pass",
                             info.id, info.label, edge.port)
        if item[0] == "param" and _finite(item[3]) and not _finite(item[5]):
            info = plan.graph_nodes[item[1]]
            raise GraphError(f"the gradient of {item[2]} is NaN or infinite", info.id,
                             info.label, item[2])
    raise GraphError("a gradient is NaN or infinite in the backward pass")


class Trace(Sequence):
    """The backward pass as a sequence of Steps, built from the generated code's raw tuples
    only when read: a GUI replays one step at a time, and a 10,000-node graph's trace costs
    nothing until someone looks at it."""

    def __init__(self, plan: Plan, raw: list):
        self._plan, self._raw = plan, raw
        self._cache: dict[int, Step] = {}
        self._by_source: dict[str, list[int]] | None = None

    def __len__(self) -> int:
        return len(self._raw)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        step = self._cache.get(i)
        if step is None:
            step = self._cache[i] = self._make(self._raw[i])
        return step

    def __eq__(self, other) -> bool:
        return list(self) == list(other)

    def _make(self, item) -> Step:
        nodes, kind = self._plan.graph_nodes, item[0]
        if kind == "seed":
            return Step("seed", nodes[item[1]].id, downstream=_out(item[2]), formula="∂L/∂L = 1")
        if kind == "edge":
            _, k, up, local, down = item
            e = self._plan.edges[k]
            return Step("edge", e.target, e.source, e.port, _out(up), _out(local), _out(down),
                        e.formula)
        if kind == "sum":
            node = nodes[item[1]].id
            return Step("sum", node, downstream=_out(item[2]),
                        formula="sum over consumers (multivariate chain rule)",
                        parts=self._parts(node))
        _, i, name, up, local, grad = item
        info = nodes[i]
        return Step("param", info.id, None, name, _out(up), _out(local), _out(grad),
                    info.op.formula[name])

    def _parts(self, node: str) -> tuple:
        """What each consumer handed back to ``node``: the terms of its sum."""
        if self._by_source is None:
            self._by_source = {}
            for pos, item in enumerate(self._raw):
                if item[0] == "edge":
                    source = self._plan.edges[item[1]].source
                    self._by_source.setdefault(source, []).append(pos)
        edges = self._plan.edges
        return tuple((edges[self._raw[pos][1]].target, edges[self._raw[pos][1]].port,
                      _out(self._raw[pos][4])) for pos in self._by_source.get(node, ()))
