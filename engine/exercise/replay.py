"""The backward pass again, with one deliberately wrong rule, to know what a mistake gives.

A common mistake (mistakes.py) is a wrong local gradient or a wrong way of combining gradients
at one place of the graph. Replaying the whole backward pass with that one rule changed gives
the number the student would write at every blank below it, so a wrong answer can be traced to
the mistake even several edges further down. The rules are the ops' own declarations
(engine/ops.py), evaluated with the engine's numpy functions; without a wrong rule the replay
gives backprop.run's gradients (tests/test_exercise_mistakes.py checks that).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..functions import unbroadcast
from ..plan import _eval
from .model import Field


@dataclass
class EdgeContext:
    """What a rule at one edge sees: the gate's inputs, its output, its tensors, and the
    upstream gradient."""

    graph: object
    target: str
    port: str
    source: str
    env: dict
    upstream: object
    local: object
    shape: tuple                      # the source's value shape (what downstream sums back to)


# A wrong edge rule: context -> (local, downstream before summing back, sum back?) or None
EdgeRule = Callable[[EdgeContext], "tuple | None"]


@dataclass
class Replay:
    grads: dict = field(default_factory=dict)
    edges: dict = field(default_factory=dict)        # (source, target, port) -> (up, local, down)
    params: dict = field(default_factory=dict)       # (node, tensor) -> gradient

    def value(self, f: Field):
        """What this replay gives at a blank (None where it stopped or does not reach)."""
        if f.kind == "grad":
            return self.grads.get(f.node)
        if f.kind == "param":
            return self.params.get((f.node, f.tensor))
        if f.kind in ("local", "upstream", "downstream"):
            got = self.edges.get(f.edge)
            return None if got is None else got[("upstream", "local", "downstream").index(f.kind)]
        return None


def _env(graph, node: str, values: dict) -> dict:
    op = graph.op(node)
    data = graph.node(node)
    env = {p: values[s] for p, s in graph.inputs_of(node).items()}
    env.update(data["tensors"])
    env.update({k: float(v) for k, v in data["config"].items()      # settings, as the plan
                if isinstance(v, (int, float)) and not isinstance(v, bool)})
    with np.errstate(all="ignore"):
        for name, expr in op.save.items():
            env[name] = _eval(expr, env)
    env["out"] = values[node]
    return env


def backward(graph, result, edge_rule: tuple | None = None, keep_one: tuple | None = None,
             param_rule: tuple | None = None) -> Replay:
    """Replay the backward pass of ``result`` (backprop.run's), changed at most at one place:

    edge_rule: ((source, target, port), rule) a wrong rule at that edge;
    keep_one: (node, i) only the i-th contribution reaches node (the others not added);
    param_rule: ((node, tensor), fn(env, g) -> gradient) a layer tensor's wrong gradient.
    A step the wrong rule makes impossible (shapes that no longer fit) ends that branch.
    """
    out = Replay()
    contributions: dict[str, list] = {result.output: [1.0 if np.shape(
        result.values[result.output]) == () else np.ones(np.shape(result.values[result.output]))]}
    with np.errstate(all="ignore"):
        for node in reversed(result.order):
            parts = contributions.get(node)
            if not parts:
                continue
            if keep_one is not None and keep_one[0] == node:
                g = parts[keep_one[1]] if keep_one[1] < len(parts) else None
            else:
                g = _total(parts)
            if g is None:
                continue
            out.grads[node] = g
            try:
                env = _env(graph, node, result.values)
            except Exception:
                continue
            env["g"] = g
            op = graph.op(node)
            for port, source in graph.inputs_of(node).items():
                if result.grads.get(source) is None:
                    continue
                got = _edge(graph, node, port, source, env, g, result, edge_rule)
                if got is not None:
                    out.edges[(source, node, port)] = (g, got[0], got[1])
                    contributions.setdefault(source, []).append(got[1])
            for tensor in op.tensors:
                if tensor in op.vjp:
                    wrong = param_rule is not None and param_rule[0] == (node, tensor)
                    shape = np.shape(graph.node(node)["tensors"][tensor])
                    try:
                        out.params[(node, tensor)] = param_rule[1](env, g) if wrong else \
                            unbroadcast(_eval(op.vjp[tensor], env), shape)
                    except Exception:
                        pass
    return out


def _total(parts: list):
    try:
        total = parts[0]
        for p in parts[1:]:
            total = total + p
        return total
    except Exception:                  # a wrong rule upstream gave a shape that cannot add up
        return None


def _edge(graph, node, port, source, env, g, result, edge_rule):
    op = graph.op(node)
    shape = np.shape(result.values[source])
    try:
        local = _eval(op.local[port], env)
        down = _eval(op.vjp_expr(port), env)
    except Exception:
        return None
    sum_back = True
    if edge_rule is not None and edge_rule[0] == (source, node, port):
        ctx = EdgeContext(graph, node, port, source, env, g, local, shape)
        try:
            wrong = edge_rule[1](ctx)
        except (ValueError, TypeError, IndexError, KeyError):    # shapes the mistake cannot fit
            wrong = None
        if wrong is None:
            return None
        local, down, sum_back = wrong
    if sum_back:
        try:
            down = unbroadcast(down, shape)
        except Exception:
            return None
    return local, down
