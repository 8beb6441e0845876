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
from dataclasses import dataclass, field

import numpy as np

from .errors import GraphError
from .graph import ComputationGraph
from .plan import Plan


@dataclass(frozen=True)
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
    trace: list[Step] | None = None
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
    _check_finite_grads(plan, values, grads, raw)
    out_id = ids[plan.output]
    spec = plan.graph_nodes[plan.output].op
    out_value = values[plan.output]
    loss = float(out_value) if spec.is_loss or np.shape(out_value) == () else None
    return Result(out_id, dict(zip(ids, map(_out, values))),
                  {i: (_out(g) if g is not None else None) for i, g in zip(ids, grads)},
                  {slot: _out(g) for slot, g in zip(plan.slots, tgrads)},
                  _steps(plan, raw) if trace else None, loss, ids)


def _out(value):
    return float(value) if np.ndim(value) == 0 else np.asarray(value)


def _finite(value) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    return bool(np.all(np.isfinite(value)))


def _check_finite_values(plan: Plan, values: list) -> None:
    for info, value in zip(plan.graph_nodes, values):
        if not _finite(value):
            what = "NaN" if np.any(np.isnan(value)) else "an infinite value"
            raise GraphError(f"produced {what} in the forward pass", info.id, info.label)


def _check_finite_grads(plan: Plan, values, grads, raw) -> None:
    for info, grad in zip(reversed(plan.graph_nodes), reversed(grads)):
        if grad is not None and not _finite(grad):
            raise GraphError("its gradient is NaN or infinite in the backward pass", info.id,
                             info.label)


def _steps(plan: Plan, raw: list) -> list[Step]:
    """Turn the generated code's tuples into Steps, adding each sum step's parts."""
    nodes = plan.graph_nodes
    steps: list[Step] = []
    handed: dict[str, list] = {}
    for item in raw:
        kind = item[0]
        if kind == "seed":
            node = nodes[item[1]].id
            steps.append(Step("seed", node, downstream=_out(item[2]), formula="∂L/∂L = 1"))
        elif kind == "edge":
            _, k, up, local, down = item
            e = plan.edges[k]
            steps.append(Step("edge", e.target, e.source, e.port, _out(up), _out(local),
                              _out(down), e.formula))
            handed.setdefault(e.source, []).append((e.target, e.port, _out(down)))
        elif kind == "sum":
            node = nodes[item[1]].id
            steps.append(Step("sum", node, downstream=_out(item[2]),
                              formula="sum over consumers (multivariate chain rule)",
                              parts=tuple(handed.get(node, ()))))
        elif kind == "param":
            _, i, name, up, local, grad = item
            info = nodes[i]
            steps.append(Step("param", info.id, None, name, _out(up), _out(local), _out(grad),
                              info.op.formula[name]))
    return steps
