"""Gradient check: every analytic gradient against central finite differences.

For each element θᵢ of every tensor (parameters, inputs, constants, dense W and b) the numeric
gradient is (L(θᵢ + h) − L(θᵢ − h)) / 2h and the relative error is |a − n| / (|a| + |n|).
Gradients smaller than ``zero`` in magnitude on both sides count as equal (their relative error
would be rounding noise). A non-scalar output is checked as the sum of its elements, which is
what seeding its gradient with ones differentiates. Kinks (relu at 0, max at a tie) fail
honestly: the two one-sided slopes differ there.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .backprop import run
from .errors import GraphError
from .graph import ComputationGraph
from .plan import Plan


@dataclass
class TensorCheck:
    node: str
    label: str
    tensor: str
    max_rel_error: float
    worst_index: tuple
    analytic: float
    numeric: float
    checked: int
    passed: bool


@dataclass
class CheckReport:
    tensors: list[TensorCheck] = field(default_factory=list)
    tolerance: float = 1e-5

    @property
    def max_rel_error(self) -> float:
        return max((t.max_rel_error for t in self.tensors), default=0.0)

    @property
    def passed(self) -> bool:
        return all(t.passed for t in self.tensors)

    @property
    def worst(self) -> TensorCheck | None:
        return max(self.tensors, key=lambda t: t.max_rel_error, default=None)


def gradient_check(graph: ComputationGraph, feeds: dict | None = None, h: float = 1e-6,
                   tolerance: float = 1e-5, zero: float = 1e-8,
                   max_elements: int | None = None) -> CheckReport:
    """Check every tensor element (or a seeded sample of ``max_elements`` per tensor)."""
    plan = Plan.build(graph, feeds)
    if plan.output is None:
        raise GraphError("choose the graph's output before checking its gradients")
    analytic = run(graph, feeds, trace=False, plan=plan).tensor_grads
    base = plan.leaf_values(graph, feeds)
    report = CheckReport(tolerance=tolerance)
    rng = np.random.default_rng(0)
    with np.errstate(all="ignore"):
        for slot, (node, name) in enumerate(plan.slots):
            value = np.array(base[slot], dtype=float)
            a_grad = np.broadcast_to(np.asarray(analytic[(node, name)], dtype=float), value.shape)
            indices = list(np.ndindex(value.shape))
            if max_elements is not None and len(indices) > max_elements:
                chosen = rng.choice(len(indices), max_elements, replace=False)
                indices = [indices[i] for i in sorted(chosen)]
            worst = (0.0, (), 0.0, 0.0)
            for idx in indices:
                numeric = _numeric(plan, base, slot, value, idx, h)
                a = float(a_grad[idx])
                if max(abs(a), abs(numeric)) < zero:
                    err = 0.0
                else:
                    err = abs(a - numeric) / (abs(a) + abs(numeric))
                if err >= worst[0]:
                    worst = (err, idx, a, numeric)
            report.tensors.append(TensorCheck(node, graph.label(node), name, worst[0], worst[1],
                                              worst[2], worst[3], len(indices),
                                              worst[0] <= tolerance))
    return report


def _numeric(plan: Plan, base: list, slot: int, value: np.ndarray, idx: tuple, h: float) -> float:
    def loss_at(delta: float) -> float:
        bumped = value.copy()
        bumped[idx] += delta
        leaves = list(base)
        leaves[slot] = float(bumped) if bumped.ndim == 0 else bumped
        return float(np.sum(plan.call("loss", leaves)))
    return (loss_at(h) - loss_at(-h)) / (2 * h)
