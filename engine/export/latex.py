"""The chain rule as LaTeX, for slides and papers: one animation step, or the whole path from
the output down to a chosen node (∂L/∂x = ∂L/∂f · ∂f/∂q · ∂q/∂x = … with numbers).

Like engine/explain.py, nothing here computes a gradient: every local gradient and every result
is read from the Result's trace; the formulas are only written out. Pure Python, no Qt.
"""

from __future__ import annotations

import re

import networkx as nx
import numpy as np

from ..backprop import Result, Step
from ..explain import layer_mark, symbol
from ..numbers import format_number

MAX_PATHS = 6            # more paths than this: the sum over the node's consumers instead
MAX_ENTRIES = 12         # larger arrays are written as their shape

_SUP = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹ᵀ⁺⁻", "0123456789T+-"))
_SUB = dict(zip("₀₁₂₃₄₅₆₇₈₉", "0123456789"))
_GREEK = {"α": r"\alpha", "β": r"\beta", "γ": r"\gamma", "δ": r"\delta", "ε": r"\epsilon",
          "η": r"\eta", "θ": r"\theta", "λ": r"\lambda", "μ": r"\mu", "σ": r"\sigma",
          "τ": r"\tau", "φ": r"\phi", "ω": r"\omega", "Σ": r"\Sigma", "Δ": r"\Delta",
          "∂": r"\partial", "·": r"\cdot ", "×": r"\times ", "−": "-", "‖": r"\|",
          "½": r"\tfrac{1}{2}", "∘": r"\circ ", "≥": r"\geq ", "ŷ": r"\hat{y}", "x̄": r"\bar{x}",
          "p̄": r"\bar{p}", "∑": r"\sum ", "→": r"\to "}
_SPECIAL = {"_": r"\_", "%": r"\%", "&": r"\&", "#": r"\#", "$": r"\$", "{": r"\{",
            "}": r"\}", "^": r"\^{}", "\\": r"\backslash "}


def tex_name(text: str, notation: bool = False) -> str:
    """A node's symbol in math mode: z¹ → z^{1}, W₁ → W_{1}, σ → \\sigma, words upright.
    ``notation``: an op's rule (``e^``, ``x^p``), whose ^ is a superscript, not a character."""
    for pair, tex in (("x̄", r"\bar{x}"), ("p̄", r"\bar{p}")):
        text = text.replace(pair, tex)
    out, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch in _SUP or ch in _SUB:
            table, mark = (_SUP, "^") if ch in _SUP else (_SUB, "_")
            j = i
            while j < len(text) and text[j] in table:
                j += 1
            run = "".join(table[c] for c in text[i:j]).replace("T", r"\top ")
            out.append(f"{mark}{{{run.strip()}}}")
            i = j
            continue
        if ch == "\\":                       # a LaTeX command put in by the pairs above
            j = i + 1
            while j < len(text) and (text[j].isalpha() or text[j] in "{}"):
                j += 1
            out.append(text[i:j])
            i = j
            continue
        match = re.match(r"[A-Za-z]{2,}", text[i:])
        if match:
            out.append(rf"\mathrm{{{match.group(0)}}}")
            i += len(match.group(0))
            continue
        if notation and ch == "^":
            out.append("^")
        else:
            out.append(_GREEK.get(ch) or _SPECIAL.get(ch) or (ch if ch != " " else r"\,"))
        i += 1
    return "".join(out).strip()


def number(x) -> str:
    """A scalar as the canvas writes it (engine.numbers), negatives in parentheses for a
    product; an array as a bmatrix, or its shape when large."""
    arr = np.asarray(x, dtype=float)
    if arr.ndim == 0:
        return format_number(float(arr), minus="-")
    if arr.size > MAX_ENTRIES or arr.ndim > 2:
        return r"\text{(" + r"\times ".join(map(str, arr.shape)) + ") array}"
    rows = np.atleast_2d(arr) if arr.ndim == 2 else arr[None, :]
    body = r" \\ ".join(" & ".join(format_number(v, minus="-") for v in row) for row in rows)
    return rf"\begin{{bmatrix}} {body} \end{{bmatrix}}"


def factor(x) -> str:
    text = number(x)
    return f"({text})" if text.startswith("-") else text


def frac(top: str, bottom: str) -> str:
    return rf"\frac{{\partial {top}}}{{\partial {bottom}}}"


def _sym(graph, node: str) -> str:
    """The panel's symbol for a node (explain.symbol), or its whole label when that symbol
    is only a number ("layer 1" is not "1")."""
    name = symbol(graph, node)
    if not any(ch.isalpha() for ch in name):
        name = graph.label(node)
    return tex_name(name)


def _product(factors: list) -> str:
    """Scalars multiply (·); two arrays multiply elementwise (∘)."""
    out = factor(factors[0])
    for prev, f in zip(factors, factors[1:]):
        both = np.ndim(prev) > 0 and np.ndim(f) > 0
        out += (r" \circ " if both else r" \cdot ") + factor(f)
    return out


def step_latex(graph, result: Result, step) -> str:
    """The chain rule of one trace step (or a node id: its forward value) as LaTeX."""
    if not isinstance(step, Step):
        return _forward(graph, result, step)
    out = _sym(graph, result.output)
    if step.kind == "seed":
        return f"{frac(out, out)} = 1"
    me = _sym(graph, step.node)
    if step.kind == "sum":
        edges = [(step.node, v, port) for v, port, _ in step.parts]
        marked = _ambiguous(edges, frac(out, me), len(edges) > 1, graph)
        named = " + ".join(f"{frac(out, _sym(graph, e[1]))}\\,{_partial(graph, e, marked)}"
                           for e in edges)
        terms = " + ".join(factor(c) for _, _, c in step.parts)
        return f"{frac(out, me)} = {named} = {terms} = {number(step.downstream)}"
    if step.kind == "param":
        mark = tex_name(layer_mark(graph, step.node))
        name = f"{step.port}{mark}"
        x = graph.inputs_of(step.node).get("x")
        rule = (rf"{_sym(graph, x) if x else 'x'}^{{\top}} \delta{mark}" if step.port == "W"
                else rf"\sum_{{\text{{batch}}}} \delta{mark}")
        return f"{frac(out, name)} = {rule} = {number(step.downstream)}"
    src = _sym(graph, step.source)
    head = f"{frac(out, src)} = {frac(out, me)} \\cdot {frac(me, src)}"
    if graph.op(step.node).name in ("dense", "matmul"):
        return f"{head} = {number(step.downstream)}"
    return f"{head} = {_product([step.upstream, step.local])} = {number(step.downstream)}"


def _forward(graph, result: Result, node: str) -> str:
    """q = x + y = (-2) + 5 = 3: the op's rule, with the numbers when they are scalars."""
    me, spec = _sym(graph, node), graph.op(node)
    if not spec.ports or not spec.notation:
        return f"{me} = {number(result.values[node])}"
    inputs = graph.inputs_of(node)
    config = graph.node(node)["config"]
    notation = re.sub(r"\^(\w+)", lambda m: f"^{{{number(config[m.group(1)])}}}"
                      if m.group(1) in config else m.group(0), spec.notation)   # x^p, p = 2
    rule = _rule(notation, {p: _sym(graph, s) for p, s in inputs.items()})
    text = f"{me} = {rule}"
    values = {p: result.values[s] for p, s in inputs.items()}
    if all(np.ndim(v) == 0 for v in values.values()) and "W" not in spec.notation:
        text += f" = {_rule(notation, {p: factor(v) for p, v in values.items()})}"
    return re.sub(" +", " ", f"{text} = {number(result.values[node])}")


def _rule(notation: str, names: dict) -> str:
    """An op's notation ("{a} · {b}", "e^{x}") in LaTeX, its ports replaced by ``names``."""
    pieces = re.split(r"\{(\w+)\}", notation)
    out = []
    for k, piece in enumerate(pieces):
        if k % 2:
            name = names.get(piece, piece)
            out.append(f"{{{name}}}" if out and out[-1].endswith("^") else name)
        elif piece:
            out.append(tex_name(piece.replace(" ", "\0"), notation=True).replace("\0", " "))
    return "".join(out)


def path_latex(graph, result: Result, node: str) -> str:
    """∂out/∂node along every path from the output down to ``node``: the chain of partials, the
    local gradients from the trace on each path, and the engine's gradient. A path is a chain
    of edges, each into one port: a node fed twice into the same consumer (q = x + x) reaches
    the output along two paths, and their partials are told apart by the port."""
    if result.output is None or result.trace is None:
        raise ValueError("run the graph with an output first: there is no backward pass")
    if result.grads.get(node) is None:
        raise ValueError(f"the output does not depend on {graph.label(node)}")
    out = _sym(graph, result.output)
    if node == result.output:
        return f"{frac(out, out)} = 1"
    local: dict[tuple, list] = {}
    for s in result.trace:
        if s.kind == "edge":
            local.setdefault((s.source, s.node, s.port), []).append(s.local)
    sub = nx.MultiDiGraph()
    sub.add_edges_from((u, v, port) for u, v, port in local)
    paths = _paths(sub, node, result.output)
    grad = number(result.grads[node])
    if len(paths) > MAX_PATHS or any(len(local[e]) > 1 for p in paths for e in p):
        return _by_consumers(graph, result, node, out, grad)
    lhs = frac(out, _sym(graph, node))
    marked = _ambiguous(list(local), lhs, len(paths) > 1, graph)
    chains = " + ".join(r" \cdot ".join(_partial(graph, e, marked) for e in p) for p in paths)
    text = lhs if chains == lhs else f"{lhs} = {chains}"
    if all(np.ndim(local[e][0]) == 0 for p in paths for e in p):
        numbers = " + ".join(_product([local[e][0] for e in p]) for p in paths)
        if numbers not in (grad, f"({grad})"):
            text += f" = {numbers}"
    return f"{text} = {grad}"


def _paths(sub, bottom: str, top: str) -> list[list[tuple]]:
    """Every path from ``bottom`` up to the output, as its edges (source, target, port) from
    the output's end down (the order the chain rule is written in)."""
    if bottom not in sub or top not in sub:
        return []
    return [list(reversed(p)) for p in nx.all_simple_edge_paths(sub, bottom, top)]


def _ambiguous(edges, lhs: str, several: bool, graph) -> set:
    """The edges whose local partial needs its port: two edges between the same two nodes
    (∂q/∂x through a and through b), or, among several terms, the one that would read as the
    left-hand side itself (x fed straight into the output f: ∂f/∂x through port b)."""
    pairs: dict[tuple, int] = {}
    for u, v, _ in edges:
        pairs[(u, v)] = pairs.get((u, v), 0) + 1
    return {e for e in edges if pairs[e[:2]] > 1
            or (several and frac(_sym(graph, e[1]), _sym(graph, e[0])) == lhs)}


def _partial(graph, edge: tuple, marked: set) -> str:
    """∂target/∂source of one edge, with ``|port a`` when another edge reads the same."""
    source, target, port = edge
    text = frac(_sym(graph, target), _sym(graph, source))
    if edge in marked:
        return rf"\left.{text}\right|_{{\text{{port }} {tex_name(port)}}}"
    return text


def _by_consumers(graph, result, node, out, grad) -> str:
    """Too many paths to list: the multivariate chain rule over the node's consumers, one
    term per edge (consumer and port), each ∂out/∂consumer · the edge's local gradient."""
    me = _sym(graph, node)
    local = {(s.source, s.node, s.port): s.local for s in result.trace if s.kind == "edge"}
    edges = [(node, c, port) for c, port in graph.consumers_of(node)
             if result.grads.get(c) is not None and (node, c, port) in local]
    lhs = frac(out, me)
    marked = _ambiguous(edges, lhs, len(edges) > 1, graph)
    terms, numbers = [], []
    for edge in edges:
        consumer = edge[1]
        upstream = [] if consumer == result.output else [frac(out, _sym(graph, consumer))]
        terms.append(r"\,".join(upstream + [_partial(graph, edge, marked)]))
        numbers.append([result.grads[consumer], local[edge]] if upstream else [local[edge]])
    text = f"{lhs} = {' + '.join(terms)}"
    if all(np.ndim(v) == 0 for n in numbers for v in n):
        text += " = " + " + ".join(_product(n) for n in numbers)
    return f"{text} = {grad}"
