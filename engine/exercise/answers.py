"""Every blank's right answer, read from the engine's own forward and backward pass.

Nothing here computes a gradient: values and node gradients come from backprop.Result, an
edge's upstream, local and downstream from its trace step, a layer tensor's gradient from the
trace's param step. The order of the blanks is the order a student works in: values in the
forward pass's order, then gradients in the order the backward pass reaches them.
"""

from __future__ import annotations

import networkx as nx

from ..backprop import Result, run
from ..errors import GraphError
from ..numbers import format_tensor
from .model import EDGE_KINDS, PARAM_KIND, Exercise, Field


def solve(graph) -> Result:
    """The graph's forward and backward pass with its trace (a graph without an output has no
    gradients to ask for)."""
    result = run(graph, trace=True)
    if result.output is None:
        raise GraphError("an exercise needs an output node (choose one with Set as output)")
    return result


def pass_fields(graph, result: Result, spec: dict) -> list[Field]:
    """A whole pass as blanks: every node gradient the backward pass computes (the output's own
    1 is given), or those of node ``q`` and everything q depends on ("the backward pass from
    q")."""
    nodes = [n for n in result.order if result.grads.get(n) is not None and n != result.output]
    if spec["kind"] == "backward_from":
        keep = nx.ancestors(graph.nx, spec["node"]) | {spec["node"]}
        nodes = [n for n in nodes if n in keep]
    out = [Field("grad", node=n) for n in nodes]
    for step in result.trace:
        if step.kind == "param" and step.node in {f.node for f in out}:
            out.append(Field(PARAM_KIND, node=step.node, tensor=step.port))
    return out


def fields(graph, ex: Exercise, result: Result | None = None) -> list[Field]:
    """The exercise's blanks, passes expanded, each once, in working order."""
    result = result or solve(graph)
    wanted = list(ex.fields)
    for spec in ex.passes:
        wanted += pass_fields(graph, result, spec)
    unique = list(dict.fromkeys(wanted))
    rank = _working_order(result)
    return sorted(unique, key=lambda f: rank.get(f, (9, 0)))


def _working_order(result: Result) -> dict[Field, tuple]:
    """Values forward, then each gradient where the backward pass computes it: an edge's
    upstream, local and downstream at its step, a node's gradient once all of it is in."""
    rank: dict[Field, tuple] = {}
    for i, n in enumerate(result.order):
        rank[Field("value", node=n)] = (0, i)
    for k, step in enumerate(result.trace, start=1):
        if step.kind == "seed":
            rank[Field("grad", node=step.node)] = (1, k)
        elif step.kind == "edge":
            for j, kind in enumerate(("upstream", "local", "downstream")):
                rank[Field(kind, source=step.source, target=step.node, port=step.port)] = \
                    (1, k, j)
            rank[Field("grad", node=step.source)] = (1, k, 3)     # its last contribution
        elif step.kind == "param":
            rank[Field(PARAM_KIND, node=step.node, tensor=step.port)] = (1, k)
    return rank


def expected(graph, fs: list[Field], result: Result | None = None) -> dict[Field, object]:
    """The right answer of each blank, from the result and its trace."""
    result = result or solve(graph)
    edges = {(s.source, s.node, s.port): s for s in result.trace if s.kind == "edge"}
    params = {(s.node, s.port): s.downstream for s in result.trace if s.kind == "param"}
    out = {}
    for f in fs:
        if f.kind == "value":
            out[f] = result.values[f.node]
        elif f.kind == "grad":
            out[f] = result.grads[f.node]
        elif f.kind == PARAM_KIND:
            out[f] = params.get((f.node, f.tensor))
        else:
            step = edges.get(f.edge)
            out[f] = None if step is None else getattr(step, f.kind)
        if out[f] is None:
            raise GraphError(f"{describe(graph, f)} has no gradient: the output does not depend "
                             f"on it, so it cannot be a blank")
    return out


def describe(graph, f: Field) -> str:
    """The blank in the notation of the lecture notes: f, ∂f/∂x, local ∂q/∂x, …"""
    out = graph.label(graph.output) if graph.output else "L"
    if f.kind == "value":
        return graph.label(f.node)
    if f.kind == "grad":
        return f"∂{out}/∂{graph.label(f.node)}"
    if f.kind == PARAM_KIND:
        return f"∂{out}/∂{graph.label(f.node)}.{f.tensor}"
    src, tgt = graph.label(f.source), graph.label(f.target)
    port = f".{f.port}" if len(graph.op(f.target).ports) > 1 else ""
    where = f"{src} → {tgt}{port}"
    return {"local": f"local ∂{tgt}/∂{src} ({where})",
            "upstream": f"upstream ∂{out}/∂{tgt} ({where})",
            "downstream": f"downstream ∂{out}/∂{src} ({where})"}[f.kind]


def formula(graph, f: Field) -> str:
    """The local gradient's formula a formula hint shows: the edge's, or for a node's gradient
    the formulas of the edges it flows back along."""
    if f.kind in EDGE_KINDS:
        return f"∂{graph.label(f.target)}/∂{f.port} = {graph.op(f.target).formula[f.port]}"
    if f.kind == PARAM_KIND:
        return f"∂{graph.label(f.node)}/∂{f.tensor} = {graph.op(f.node).formula[f.tensor]}"
    if f.kind == "grad":
        terms = [f"∂{graph.label(t)}/∂{p} = {graph.op(t).formula[p]}"
                 for t, p in graph.consumers_of(f.node)]
        if not terms:
            return "the output's gradient with respect to itself is 1"
        return "sum of upstream × local over: " + "; ".join(terms) if len(terms) > 1 else \
            "upstream × local, " + terms[0]
    return f"{graph.label(f.node)} = {graph.op(f.node).notation or graph.op(f.node).summary}"


def show(value) -> str:
    """An answer as the canvas writes numbers (engine.numbers)."""
    return format_tensor(value)
