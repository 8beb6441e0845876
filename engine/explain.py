"""The active animation step in words and numbers, in the seeds' notation.

The animation panel, and anyone else, turns one forward node or one backward ``Step`` of the
engine's trace into the chain rule a student can check by hand, e.g. at the multiply f = q·z,
port q: "∂f/∂q = ∂f/∂f · ∂f/∂q = 1 · z = 1 · (−4) = −4". Nothing here computes a gradient: every
number comes from the Result and its trace. Pure Python; no Qt (the engine never imports it).
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np

from .backprop import Result, Step
from .graph import ComputationGraph
from .numbers import format_number

_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_LEAF_KIND = {"input": "an input", "parameter": "a trainable parameter", "constant": "a constant"}


# ---------------------------------------------------------------- numbers and names

def num(x) -> str:
    """A scalar as the CS231n figures print it: −4, 0.73, 0.0038 (the one formatter)."""
    return format_number(x)


def paren(x) -> str:
    """A factor in a product: negative scalars in parentheses, 1 · (−4)."""
    text = value(x)
    return f"({text})" if text.startswith("−") and np.ndim(x) == 0 else text


def value(x, limit: int = 12) -> str:
    """A scalar, a short vector [0.74, −0.22], a small matrix [[…], […]], else a summary."""
    if x is None:
        return "—"
    arr = np.asarray(x, dtype=float)
    if arr.ndim == 0:
        return num(arr)
    if arr.size > limit:
        return f"{shape(arr)} from {num(arr.min())} to {num(arr.max())}"
    if arr.ndim == 1:
        return "[" + ", ".join(num(v) for v in arr) + "]"
    return "[" + ", ".join(value(row) for row in arr) + "]"


def shape(x) -> str:
    """(1×2) for a matrix, (2) for a vector, scalar for a number."""
    s = np.shape(x)
    if len(s) == 0:
        return "scalar"
    return "(" + "×".join(str(n) for n in s) + ")"


def symbol(graph: ComputationGraph, node: str) -> str:
    """The short name a node goes by in formulas: "z¹" for "z¹ = W¹ᵀx⁰ + b¹", "(w0·x0)"."""
    label = graph.label(node).strip()
    if " = " in label:
        label = label.split(" = ", 1)[0].strip()
    if re.fullmatch(r"\w+\(.*\)", label):
        return label
    if " " in label:
        label = "L" if graph.op(node).is_loss else label.split()[-1]
    if re.search(r"[+−\-·*/ ]", label):
        label = f"({label})"
    return label


def layer_mark(graph: ComputationGraph, node: str) -> str:
    """The superscript a dense layer's name ends in ("z²" → "²"), so its W is written W²."""
    match = re.search(f"[{_SUPERSCRIPTS}]+$", symbol(graph, node))
    return match.group(0) if match else ""


def d(top: str, bottom: str) -> str:
    return f"∂{top}/∂{bottom}"


def _substitute(text: str, names: dict[str, str]) -> str:
    """Replace whole-word port names in a formula by the symbols of what feeds them."""
    if not names:
        return text
    pattern = r"(?<![A-Za-z0-9_])(" + "|".join(map(re.escape, sorted(names, key=len,
                                                                       reverse=True))) + \
        r")(?![A-Za-z0-9_])"
    return re.sub(pattern, lambda m: names[m.group(1)], text)


def _port_symbols(graph: ComputationGraph, node: str) -> dict[str, str]:
    return {port: symbol(graph, src) for port, src in graph.inputs_of(node).items()}


# ---------------------------------------------------------------- forward

def forward_text(graph: ComputationGraph, result: Result, node: str) -> str:
    """One node's forward value: "q = x + y = (−2) + 5 = 3", with shapes for arrays."""
    spec = graph.op(node)
    me = symbol(graph, node)
    out = result.values.get(node)
    if not spec.ports:
        kind = _LEAF_KIND.get(spec.name, spec.name)
        return (f"{me} = {value(out)}\n"
                f"{me} is {kind}, {shape(out)}; its value is given, not computed.")
    inputs = graph.inputs_of(node)
    names = _port_symbols(graph, node)
    rule = (spec.notation or spec.summary).format_map(_Default(names))
    if spec.name == "dense":
        return _dense_forward(graph, result, node, inputs)
    vals = {p: result.values.get(s) for p, s in inputs.items()}
    line = f"{me} = {rule}"
    if all(np.ndim(v) == 0 for v in vals.values()) and spec.notation:
        numbers = spec.notation.format_map(_Default({p: paren(v) for p, v in vals.items()}))
        line += f" = {numbers}"
    line += f" = {value(out)}"
    lines = [line]
    if np.ndim(out) > 0:
        lines.append(f"shape {shape(out)}; inputs " + ", ".join(
            f"{names[p]} {shape(v)}" for p, v in vals.items()))
    lines.append(f"Forward pass: {me} is computed from values already known, in topological "
                 "order.")
    return "\n".join(lines)


def _dense_forward(graph, result, node, inputs) -> str:
    me, mark = symbol(graph, node), layer_mark(graph, node)
    x = result.values.get(inputs.get("x"))
    tensors = graph.node(node)["tensors"]
    w, b = tensors["W"], tensors["b"]
    xs = symbol(graph, inputs["x"]) if "x" in inputs else "x"
    return "\n".join([
        f"{me} = {xs}·W{mark} + b{mark}    {shape(x)}·{shape(w)} + {shape(b)} → "
        f"{shape(result.values.get(node))}",
        f"= {value(result.values.get(node))}",
        f"The seeds write this layer for a column x: z = Wᵀx + b (W is in × units = {shape(w)}).",
        f"Forward pass for the weights: ∂z/∂w = x, the input the weight connects: "
        f"{xs} = {value(x)}.",
    ])


class _Default(dict):
    def __missing__(self, key):
        return key


# ---------------------------------------------------------------- backward

def backward_text(graph: ComputationGraph, result: Result, step: Step) -> str:
    """The chain rule of one trace step, in symbols and then in numbers."""
    out = symbol(graph, result.output) if result.output else "L"
    if step.kind == "seed":
        ones = "1" if np.ndim(step.downstream) == 0 else \
            f"a {shape(step.downstream)} array of ones, {value(step.downstream)}"
        return (f"{d(out, out)} = {ones}\nThe backward pass starts at the output: a change in "
                f"{out} changes {out} by exactly as much.")
    if step.kind == "sum":
        return _sum_text(graph, step, out)
    if step.kind == "param":
        return _param_text(graph, step, out)
    return _edge_text(graph, result, step, out)


def title(graph: ComputationGraph, result: Result, step) -> str:
    """A one-line heading for the panel: which pass, which node or edge."""
    if not isinstance(step, Step):
        return f"Forward pass · {symbol(graph, step)} = {value(result.values.get(step))}"
    me = symbol(graph, step.node)
    if step.kind == "seed":
        return f"Backward pass · start at the output {me} with gradient 1"
    if step.kind == "sum":
        return f"Backward pass · Σ at {me}: {len(step.parts)} contributions add up"
    if step.kind == "param":
        name = step.port + layer_mark(graph, step.node)
        return f"Backward pass · ∂L/∂{name} arrives in {me}"
    return (f"Backward pass · edge {symbol(graph, step.source)} → {me} (port {step.port}): "
            f"upstream × local = product")


def explain_step(graph: ComputationGraph, result: Result, step) -> str:
    """A trace Step, or a node id for the forward pass."""
    if isinstance(step, Step):
        return backward_text(graph, result, step)
    return forward_text(graph, result, step)


def _sum_text(graph, step, out) -> str:
    me = symbol(graph, step.node)
    marked = _same_looking(graph, step, out, me)
    terms = " + ".join(paren(c) for _, _, c in step.parts)
    named = " + ".join(f"{d(out, symbol(graph, v))}·{d(symbol(graph, v), me)}"
                       + (f" (port {p})" if (v, p) in marked else "")
                       for v, p, _ in step.parts)
    lines = [f"{d(out, me)} = {named}", f"= {terms} = {value(step.downstream)}",
             f"{me} feeds {_feeds(step.parts)}, so what they hand back adds up "
             "(the multivariate chain rule):"]
    lines += [f"  from {symbol(graph, v)} (port {p}): {value(c)}" for v, p, c in step.parts]
    return "\n".join(lines)


def _feeds(parts) -> str:
    """"3 nodes", or "2 nodes through 3 inputs" when one consumer takes it twice."""
    nodes = len({v for v, _, _ in parts})
    text = f"{nodes} node{'s' if nodes != 1 else ''}"
    return text if nodes == len(parts) else f"{text} through {len(parts)} inputs"


def _same_looking(graph, step, out: str, me: str) -> set:
    """The (consumer, port) terms of a Σ step that need their port named: a consumer fed
    twice (q = x + x: ∂q/∂x through a and through b), or the output itself, whose local
    ∂f/∂x would read as the left-hand side."""
    consumers = [v for v, _, _ in step.parts]
    return {(v, p) for v, p, _ in step.parts
            if consumers.count(v) > 1 or d(symbol(graph, v), me) == d(out, me)}


def _param_text(graph, step, out) -> str:
    me, mark = symbol(graph, step.node), layer_mark(graph, step.node)
    delta, x = f"δ{mark}", graph.inputs_of(step.node).get("x")
    xs = symbol(graph, x) if x else "x"
    if step.port == "W":
        return "\n".join([
            f"{d(out, 'W' + mark)} = {xs}ᵀ·{delta}    {_t(step.local)}·{shape(step.upstream)} → "
            f"{shape(step.downstream)}",
            f"= {value(step.downstream)}",
            f"with {delta} = {d(out, me)} = {value(step.upstream)} and {xs} = {value(step.local)}",
            "The seeds' matrix form, for column vectors: ∂L/∂W = x·δᵀ — each entry "
            "∂L/∂w_nm = x_n · δ_m is the forward pass ∂z/∂w = x times the backward pass ∂L/∂z.",
        ])
    return "\n".join([
        f"{d(out, 'b' + mark)} = Σ {delta} over the batch rows    {shape(step.upstream)} → "
        f"{shape(step.downstream)}",
        f"= {value(step.downstream)}",
        f"∂z/∂b = 1, so each bias collects the δ of its unit: {delta} = {value(step.upstream)}.",
    ])


def arrival_counts(result) -> Counter:
    """{node: how many gradients come back to it}: its edges the backward pass crosses (a
    consumer that does not lead to the output hands nothing back, and adds no Σ term)."""
    return Counter(s.source for s in result.trace or () if s.kind == "edge")


def arrivals(result, node: str) -> int:
    return arrival_counts(result)[node]


def _t(x) -> str:
    """The shape of xᵀ."""
    s = np.shape(x)
    return shape(x) if len(s) != 2 else f"({s[1]}×{s[0]})"


def _edge_text(graph, result, step, out) -> str:
    spec = graph.op(step.node)
    me, src = symbol(graph, step.node), symbol(graph, step.source)
    arriving = arrivals(result, step.source)
    many = arriving > 1
    target = d(out, src) + (f" (via {me})" if many else "")
    if spec.name in ("dense", "matmul"):
        lines = _matrix_edge(graph, step, out, me, src, target)
    else:
        names = _port_symbols(graph, step.node)
        formula = _substitute(spec.formula.get(step.port, step.formula), names)
        if " " in formula:
            formula = f"({formula})"
        head = f"{target} = {d(out, me)} · {d(me, src)} = {paren(step.upstream)} · "
        local = paren(step.local)
        if formula != local and formula != value(step.local):
            head += f"{formula} = {paren(step.upstream)} · {local}"
        else:
            head += local
        op = "·" if np.ndim(step.upstream) == 0 or np.ndim(step.local) == 0 else "∘"
        head = head.replace(f"{paren(step.upstream)} · ", f"{paren(step.upstream)} {op} ")
        lines = [head + f" = {value(step.downstream)}"]
        lines += _gate_note(graph, result, step, spec.name, names, me)
        if np.ndim(step.downstream) > 0:
            lines.append(f"shapes: upstream {shape(step.upstream)}, local {shape(step.local)}, "
                         f"product {shape(step.downstream)} (∘ = elementwise)")
    if many:
        lines.append(f"{src} hands its value to {arriving} nodes on the way to the output: its "
                     "gradient is the sum of what each hands back (a Σ step follows).")
    return "\n".join(lines)


def _matrix_edge(graph, step, out, me, src, target) -> list[str]:
    spec, mark = graph.op(step.node), layer_mark(graph, step.node)
    up, local, down = step.upstream, step.local, step.downstream
    if spec.name == "dense":
        delta = f"δ{mark}"
        return [
            f"{target} = {delta}·W{mark}ᵀ    {shape(up)}·{_t(local)} → {shape(down)}",
            f"= {value(up)} · {value(np.transpose(local))} = {value(down)}",
            f"{delta} = {d(out, me)} is this layer's error sensitivity; W{mark} = {value(local)}.",
            "The reverse network: the same weights carry δ back along reversed arrows "
            "(seeds: ∂L/∂x_n = Σ_m w_nm·∂L/∂z_m).",
            "After the activation below it, this becomes the recursion δ = (Wᵀ·δ_next) ∘ f'(z).",
        ]
    other = "b" if step.port == "a" else "a"
    names = _port_symbols(graph, step.node)
    rule = f"g·{names.get(other, other)}ᵀ" if step.port == "a" else f"{names.get(other, other)}ᵀ·g"
    return [f"{target} = {rule}    (g = {d(out, me)} {shape(up)}, {names.get(other, other)} "
            f"{shape(local)}) → {shape(down)}", f"= {value(down)}"]


def _gate_note(graph, result, step, op, names, me) -> list[str]:
    """The op's own story: how this gate treats the gradient, with the numbers."""
    inputs = graph.inputs_of(step.node)
    vals = {p: result.values.get(s) for p, s in inputs.items()}
    out_v = result.values.get(step.node)
    scalar = all(np.ndim(v) == 0 for v in vals.values())
    if op == "add":
        return ["The add gate hands the upstream gradient unchanged to every input."]
    if op == "subtract":
        return ["a − b: a gets the upstream gradient, b gets it negated."]
    if op == "multiply":
        other = "b" if step.port == "a" else "a"
        return [f"The multiply gate swaps its inputs: the local gradient for {names[step.port]}"
                f" is the other input, {names[other]} = {value(vals[other])}."]
    if op == "max" and scalar:
        win = "a" if vals["a"] >= vals["b"] else "b"
        lose = "b" if win == "a" else "a"
        return [f"max routes the gradient to the larger input ({names[win]} = "
                f"{value(vals[win])}): {names[lose]} gets 0."]
    if op == "max":
        return ["max routes each element's gradient to the larger input; the other gets 0."]
    if op == "sigmoid":
        z = names.get("z", "z")
        if np.ndim(out_v) == 0:
            return [f"σ'({z}) = σ({z})(1−σ({z})) = {num(out_v)} · {num(1 - out_v)} = "
                    f"{num(step.local)}",
                    f"Backward pass: ∂L/∂{z} = σ'({z}) · ∂L/∂{me} — σ'({z}) is a constant here, "
                    f"because {z} was fixed in the forward pass."]
        note = [f"σ'({z}) = σ({z}) ∘ (1−σ({z})) = {value(out_v)} ∘ {value(1 - out_v)} = "
                f"{value(step.local)}"]
        if any(graph.op(c).name == "dense" for c, _ in graph.consumers_of(step.node)):
            note.append(f"This is the seeds' recursion δ = (Wᵀ·δ_next) ∘ f'(z): the upstream "
                        f"∂L/∂{me} came back through the next layer's weights.")
        return note
    if op == "tanh" and np.ndim(out_v) == 0:
        return [f"1 − tanh²(z) = 1 − ({num(out_v)})² = {num(step.local)}"]
    if op == "relu" and np.ndim(out_v) == 0:
        z = vals.get("z")
        return [f"ReLU passes the gradient only where z > 0: z = {num(z)}, so the local "
                f"gradient is {num(step.local)}."]
    if op == "divide" and scalar:
        a, b = vals["a"], vals["b"]
        return [f"1/b = 1/{paren(b)} = {num(1 / b)}" if step.port == "a" else
                f"−a/b² = −{paren(a)}/{paren(b)}² = {num(step.local)}"]
    if op == "log" and scalar:
        return [f"1/x = 1/{paren(vals['x'])} = {num(step.local)}"]
    if op == "exp" and scalar:
        return [f"the derivative of eˣ is eˣ itself = {num(step.local)}"]
    if op in ("sum", "mean"):
        return [f"{op} hands every element the same share of the gradient."]
    if graph.op(step.node).is_loss:
        rows = np.shape(vals.get(step.port))[0] if np.ndim(vals.get(step.port)) else 1
        return [f"E = {rows} example(s) in the batch; the loss's gradient starts the chain."]
    return []
