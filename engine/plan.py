"""A graph compiled into straight-line Python: the fast path for forward, backward and the trace.

Compiling happens once per edit (and per new input shape). It walks the networkx graph one last
time: topological order, checks, and a shape-inference pass that evaluates each node with numpy
so that a shape error names its node. It then writes one Python function per mode, in which every
node is a line such as ``v7 = v3 * v5`` (Python floats for scalar nodes, numpy for arrays) and
every edge of the backward pass a line such as ``g3 = g3 + g7 * v5``. No networkx, dictionaries or
per-node calls remain on the hot path, which is how a scalar graph runs at well under a
microsecond per node (bench/bench_engine.py).

Modes: ``loss`` (forward, returns the output), ``forward`` (every value), ``train`` (output and the
trainable tensors' gradients), ``full`` (values, gradients, tensor gradients) and ``traced``
(``full`` plus the per-edge trace that backprop.py turns into steps).
"""

from __future__ import annotations

import itertools
import math
import re
import traceback
from dataclasses import dataclass, field
from functools import cache

import networkx as nx
import numpy as np

from . import functions as F
from .domains import explain
from .errors import GraphError
from .graph import ComputationGraph
from .ops import Op

_ids = itertools.count()


@dataclass
class EdgeInfo:
    source: str
    target: str
    port: str
    formula: str


@dataclass
class NodeInfo:
    id: str
    label: str
    op: Op
    index: int
    inputs: list[int]              # producer index per port, in the op's port order
    slots: dict[str, int]          # tensor name -> leaf slot
    config: dict
    shape: tuple = ()
    scalar: bool = False           # evaluated with Python floats


@dataclass(eq=False)
class Plan:
    graph_nodes: list[NodeInfo]
    slots: list[tuple[str, str]]             # (node, tensor) per leaf slot, the P list's order
    slot_shapes: list[tuple]
    output: int | None
    edges: list[EdgeInfo] = field(default_factory=list)
    needs_grad: list[bool] = field(default_factory=list)
    _fns: dict = field(default_factory=dict)
    _lines: dict = field(default_factory=dict)
    _edge_index: dict = field(default_factory=dict)
    base_leaves: list = field(default_factory=list)   # the P list it was built with (graph + feeds)
    _slot_node: list = field(default_factory=list)
    _probe: list = field(default_factory=list)
    _saved_probe: list = field(default_factory=list)
    _from_trainable: list = field(default_factory=list)
    _broadcasts: dict = field(default_factory=dict)
    _bce_of_sigmoid: dict = field(default_factory=dict)
    _sigmoid_of_bce: dict = field(default_factory=dict)

    # ---------------------------------------------------------------- building
    @classmethod
    def build(cls, graph: ComputationGraph, feeds: dict | None = None) -> Plan:
        g = graph.nx
        try:
            order = list(nx.topological_sort(g))
        except nx.NetworkXUnfeasible:
            cycle = nx.find_cycle(g)
            node = cycle[0][0]
            raise GraphError("the graph has a cycle through this node", node,
                             graph.label(node)) from None
        index = {n: i for i, n in enumerate(order)}
        nodes, slots = [], []
        for n in order:
            data, spec = g.nodes[n], graph.op(n)
            sources = graph.inputs_of(n)
            missing = [p for p in spec.ports if p not in sources]
            if missing:
                raise GraphError("input port is not connected", n, graph.label(n), missing[0])
            info = NodeInfo(n, graph.label(n), spec, index[n],
                            [index[sources[p]] for p in spec.ports], {}, dict(data["config"]))
            for t in spec.tensors:
                info.slots[t] = len(slots)
                slots.append((n, t))
            nodes.append(info)
        out = graph.output
        plan = cls(nodes, slots, [], index[out] if out is not None else None)
        leaf_values = plan.leaf_values(graph, feeds)
        plan.slot_shapes = [np.shape(v) for v in leaf_values]
        plan.base_leaves = leaf_values
        plan._slot_node = [index[n] for n, _ in slots]
        plan._infer_shapes(leaf_values)
        plan._mark_needs_grad()
        plan._find_fusions()
        plan._list_edges()
        return plan

    def leaf_values(self, graph: ComputationGraph, feeds: dict | None = None) -> list:
        """The P list: every node tensor, with fed inputs replaced by their data."""
        feeds = feeds or {}
        values = []
        for node, name in self.slots:
            value = feeds[node] if (node in feeds and name == "value") else \
                graph.nx.nodes[node]["tensors"][name]
            value = np.asarray(value, dtype=float)
            values.append(float(value) if value.ndim == 0 else value)
        return values

    def _infer_shapes(self, leaf_values: list) -> None:
        """Evaluate once with numpy: learn every shape, and name the node of any shape error."""
        values = []
        for info in self.graph_nodes:
            ins = {p: values[i] for p, i in zip(info.op.ports, info.inputs)}
            tens = {t: leaf_values[s] for t, s in info.slots.items()}
            try:
                if info.op.check:
                    info.op.check(ins, tens, info.config)
                env = {**ins, **tens, **_consts(info)}
                with np.errstate(all="ignore"):
                    for name, expr in info.op.save.items():
                        env[name] = _eval(expr, env)
                    value = _eval(info.op.forward, env)
            except GraphError:
                raise
            except Exception as exc:           # numpy's own messages, now with the node named
                why = explain(info.op, ins, info.config) or _shape_words(info, ins, tens, exc)
                raise GraphError(why, info.id, info.label) from None
            info.shape = tuple(np.shape(value))
            info.scalar = info.shape == () and all(np.shape(v) == () for v in
                                                   list(ins.values()) + list(tens.values()))
            values.append(value)
            self._saved_probe.append({k: env[k] for k in info.op.save})
        self._probe = values

    def _mark_needs_grad(self) -> None:
        need = [False] * len(self.graph_nodes)
        if self.output is not None:
            need[self.output] = True
            for info in reversed(self.graph_nodes[: self.output + 1]):
                if need[info.index]:
                    for i in info.inputs:
                        need[i] = True
        self.needs_grad = need
        # Training wants only the gradients on paths from a trainable tensor to the output:
        # never ∂L/∂X of the data, which for a first dense layer costs a whole matmul.
        reach = [False] * len(self.graph_nodes)
        for info in self.graph_nodes:
            if info.op.trainable or any(reach[i] for i in info.inputs):
                reach[info.index] = True
        self._from_trainable = [r and n for r, n in zip(reach, need)]

    def _find_fusions(self) -> None:
        """sigmoid → bce pairs to compute from the logit.

        With two separate nodes, bce(σ(z), y) caps at −log(ε) and its gradient vanishes once σ(z)
        rounds to 0 or 1 (|z| ≳ 37): learning stops when the model is most confidently wrong. When
        a sigmoid feeds only a bce's p, the plan computes the loss as softplus(z) − y·z and hands
        the sigmoid's input the exact (σ(z) − y)/E. The canvas still shows both nodes and every
        local gradient; only that one downstream value is computed the stable way.
        """
        consumers = [[] for _ in self.graph_nodes]
        for info in self.graph_nodes:
            for port, i in zip(info.op.ports, info.inputs):
                consumers[i].append((info.index, port))
        self._bce_of_sigmoid, self._sigmoid_of_bce = {}, {}
        for info in self.graph_nodes:
            if info.op.name != "bce":
                continue
            sig = self.graph_nodes[info.inputs[0]]
            if sig.op.name == "sigmoid" and consumers[sig.index] == [(info.index, "p")]:
                self._bce_of_sigmoid[sig.index] = info.index
                self._sigmoid_of_bce[info.index] = sig.index

    def _list_edges(self) -> None:
        """The backward pass's edges in the order they are walked: reverse topological order of
        the consuming node, then its ports in order. The trace's edge numbers index this list."""
        self.edges, self._edge_index = [], {}
        if self.output is None:
            return
        for info in reversed(self.graph_nodes[: self.output + 1]):
            if not self.needs_grad[info.index]:
                continue
            for port, src in zip(info.op.ports, info.inputs):
                self._edge_index[(info.index, port)] = len(self.edges)
                self.edges.append(EdgeInfo(self.graph_nodes[src].id, info.id, port,
                                           info.op.formula[port]))

    # ---------------------------------------------------------------- for code export
    def fused_pairs(self) -> dict[int, int]:
        """sigmoid index -> bce index that the plan computes from the sigmoid's logit."""
        return dict(self._bce_of_sigmoid)

    def summed_back(self) -> set[tuple[int, str]]:
        """(node index, port or tensor) whose gradient the compiled modes sum back over
        broadcast axes (known once a mode with a backward pass has been compiled)."""
        return {key for key, yes in self._broadcasts.items() if yes}

    # ---------------------------------------------------------------- running
    def function(self, mode: str):
        if mode not in self._fns:
            self._fns[mode] = self._compile(mode)
        return self._fns[mode]

    def call(self, mode: str, leaf_values: list, trace: list | None = None):
        """Run a mode; any error raised inside the generated code is reported on its node."""
        fn = self.function(mode)
        try:
            return fn(leaf_values, trace)
        except GraphError:
            raise
        except Exception as exc:
            raise self._locate(mode, exc) from None

    def _locate(self, mode: str, exc: Exception) -> GraphError:
        lines = self._lines[mode]
        for frame, lineno in reversed(list(traceback.walk_tb(exc.__traceback__))):
            if frame.f_code.co_filename == lines["file"] and lineno in lines["map"]:
                node, port = lines["map"][lineno]
                info = self.graph_nodes[node]
                return GraphError(self._domain(info) or _plain(exc), info.id, info.label, port)
        return GraphError(_plain(exc))

    def _domain(self, info: NodeInfo) -> str | None:
        """The domain rule an input broke (a scalar 1 / 0 raises instead of giving ∞), judged
        on the values the plan was built with."""
        if len(self._probe) <= max(info.inputs, default=-1):
            return None
        return explain(info.op, {p: self._probe[i] for p, i in zip(info.op.ports, info.inputs)},
                       info.config)

    # ---------------------------------------------------------------- code generation
    def _compile(self, mode: str):
        if mode != "forward" and self.output is None:
            raise GraphError("the graph has no output to differentiate: choose one node as the "
                             "output (or leave exactly one node with nothing after it)")
        traced = mode == "traced"
        w = _Writer()
        w.line(None, "def _plan(P, T):")
        if self.slots:
            w.line(None, "    " + ", ".join(f"p{i}" for i in range(len(self.slots))) +
                   (", = P" if len(self.slots) == 1 else " = P"))
        last = len(self.graph_nodes) - 1 if mode != "loss" else self.output
        for info in self.graph_nodes[: last + 1]:
            names = self._names(info)
            for name, expr in info.op.save.items():
                w.line((info.index, None),
                       f"    {names[name]} = {_render(expr, names, info.scalar, False)}")
            forward = _render(info.op.forward, names, info.scalar, self._wrap_scalar(info))
            if info.index in self._sigmoid_of_bce:
                logit = f"v{self.graph_nodes[self._sigmoid_of_bce[info.index]].inputs[0]}"
                forward = _render("bce_logits(z, y)", {**names, "z": logit}, info.scalar, False)
            w.line((info.index, None), f"    v{info.index} = {forward}")
        if mode == "loss":
            w.line(None, f"    return v{self.output}")
        elif mode == "forward":
            w.line(None, "    return [" + ", ".join(f"v{i.index}" for i in self.graph_nodes) + "]")
        else:
            self._write_backward(w, traced, trainable_only=(mode == "train"))
        namespace = {**{f"S_{k}": v for k, v in F.SCALAR.items()},
                     **{f"A_{k}": v for k, v in F.ARRAY.items()},
                     "unb": F.unbroadcast, "np": np, "math": math}
        namespace.update(w.constants)
        filename = f"<backprop-plan-{next(_ids)}-{mode}>"
        exec(compile(w.text(), filename, "exec"), namespace)
        self._lines[mode] = {"file": filename, "map": w.map}
        return namespace["_plan"]

    def _wrap_scalar(self, info: NodeInfo) -> bool:
        return info.shape == () and not info.scalar

    def _names(self, info: NodeInfo) -> dict:
        names = {p: f"v{i}" for p, i in zip(info.op.ports, info.inputs)}
        names.update({t: f"p{s}" for t, s in info.slots.items()})
        names["out"] = f"v{info.index}"
        names["g"] = f"g{info.index}"
        names.update({k: f"s{info.index}_{k}" for k in info.op.save})
        for key, value in info.config.items():
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                if not math.isfinite(value):        # the graph refuses these; never generate one
                    raise GraphError(f"setting {key} is {value!r}; it must be a finite number",
                                     info.id, info.label)
                names[key] = float(value)
        return names

    def _write_backward(self, w: _Writer, traced: bool, trainable_only: bool) -> None:
        wanted = self._from_trainable if trainable_only else self.needs_grad
        out = self.graph_nodes[self.output]
        seed = "1.0" if out.shape == () else w.const(np.ones(out.shape))
        w.line((out.index, None), f"    g{out.index} = {seed}")
        if traced:
            w.line(None, f"    T.append(('seed', {out.index}, g{out.index}))")
        contributions = {i: 0 for i in range(len(self.graph_nodes))}
        tensor_grads: dict[int, str] = {}
        for info in reversed(self.graph_nodes[: self.output + 1]):
            if not wanted[info.index]:
                continue
            if traced and contributions[info.index] > 1:
                w.line(None, f"    T.append(('sum', {info.index}, g{info.index}))")
            names = self._names(info)
            for port, src in zip(info.op.ports, info.inputs):
                if wanted[src]:
                    self._write_edge(w, info, port, src, names, contributions, traced)
            for tname, slot in info.slots.items():
                if tname in info.op.vjp:                   # a layer's own W and b
                    expr = _render(info.op.vjp[tname], names, False, False)
                    expr = self._unbroadcast(expr, info, tname, slot, names)
                    w.line((info.index, tname), f"    t{slot} = {expr}")
                    if traced:
                        local = _render(info.op.local[tname], names, False, False)
                        w.line((info.index, tname),
                               f"    T.append(('param', {info.index}, {tname!r}, g{info.index}, "
                               f"{local}, t{slot}))")
                    tensor_grads[slot] = f"t{slot}"
                else:
                    tensor_grads[slot] = f"g{info.index}"
        if trainable_only:
            keep = [s for s, (node, _) in enumerate(self.slots)
                    if self.graph_nodes[self._node_of_slot(s)].op.trainable]
            grads = ", ".join(self._tensor_grad_expr(w, s, tensor_grads) for s in keep)
            w.line(None, f"    return v{self.output}, [{grads}]")
            return
        values = ", ".join(f"v{i.index}" for i in self.graph_nodes)
        grads = ", ".join(f"g{i.index}" if self.needs_grad[i.index] else "None"
                          for i in self.graph_nodes)
        tgrads = ", ".join(self._tensor_grad_expr(w, s, tensor_grads)
                           for s in range(len(self.slots)))
        w.line(None, f"    return [{values}], [{grads}], [{tgrads}]")

    def _node_of_slot(self, slot: int) -> int:
        return self._slot_node[slot]

    def _tensor_grad_expr(self, w, slot: int, tensor_grads: dict) -> str:
        if slot in tensor_grads:
            return tensor_grads[slot]
        shape = self.slot_shapes[slot]
        return "0.0" if shape == () else w.const(np.zeros(shape))

    def _write_edge(self, w, info, port, src, names, contributions, traced) -> None:
        k = self._edge_index[(info.index, port)]
        local_expr = info.op.local[port]
        if info.index in self._sigmoid_of_bce and port == "y":    # the fused pair's target
            # ∂L/∂y = −log(p/(1−p))/E = −z/E exactly, where the clipped p would cap it
            logit = self.graph_nodes[self._sigmoid_of_bce[info.index]].inputs[0]
            names = {**names, "z": f"v{logit}"}
            local_expr = "-z / rows(z)"
        vjp = info.op.vjp.get(port) or f"g * ({local_expr})"
        down = _render(vjp, names, info.scalar, False)
        where = (info.index, port)
        if traced:
            local = _render(local_expr, names, info.scalar, False)
            w.line(where, f"    l = {local}")
            if port not in info.op.vjp:                      # reuse the local gradient
                down = f"g{info.index} * l"
        elif info.index == self.output and info.shape == () and port not in info.op.vjp:
            down = _render(local_expr, names, info.scalar, False)   # upstream is 1
        if info.index in self._bce_of_sigmoid:             # the fused sigmoid → bce edge
            bce = self.graph_nodes[self._bce_of_sigmoid[info.index]]
            fused = {"g": f"g{bce.index}", "p": f"v{info.index}", "y": f"v{bce.inputs[1]}"}
            down = _render("g * (p - y) / rows(p)", fused, info.scalar, False)
        down = self._unbroadcast(down, info, port, None, names, src=src)
        if traced:
            w.line(where, f"    d = {down}")
            w.line(where, f"    T.append(('edge', {k}, g{info.index}, l, d))")
            down = "d"
        if contributions[src] == 0:
            w.line(where, f"    g{src} = {down}")
        else:
            w.line(where, f"    g{src} = g{src} + {down}")
        contributions[src] += 1

    def _unbroadcast(self, expr, info, name, slot, names, src=None) -> str:
        """Wrap expr in unb(…) only where broadcasting really happened (known from shapes)."""
        if info.scalar:
            return expr
        target_shape = self.slot_shapes[slot] if slot is not None else self.graph_nodes[src].shape
        key = (info.index, name)
        if key not in self._broadcasts:          # one probe per edge, whichever modes compile
            self._broadcasts[key] = self._vjp_shape(info, name, names) != target_shape
        if not self._broadcasts[key]:
            return expr
        return f"unb({expr}, {target_shape!r})"

    def _vjp_shape(self, info, name, names) -> tuple | None:
        """The shape of a VJP before any summing back, from one numpy evaluation of it."""
        env = {k: (self._probe[int(v[1:])] if isinstance(v, str) and v.startswith("v") else v)
               for k, v in names.items()}
        env.update({t: self.base_leaves[s] for t, s in info.slots.items()})
        env.update(self._saved_probe[info.index])
        env["g"] = np.ones(info.shape) if info.shape else 1.0
        env["out"] = self._probe[info.index]
        try:
            with np.errstate(all="ignore"):
                return np.shape(_eval(info.op.vjp_expr(name), env))
        except Exception:
            return None


class _Writer:
    """Collects generated lines, the node each line belongs to, and array constants."""

    def __init__(self):
        self.lines: list[str] = []
        self.map: dict[int, tuple] = {}
        self.constants: dict[str, object] = {}

    def line(self, where, text: str) -> None:
        self.lines.append(text)
        if where is not None:
            self.map[len(self.lines)] = where

    def const(self, value) -> str:
        name = f"C{len(self.constants)}"
        self.constants[name] = value
        return name

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


# An identifier not preceded by a word character or a dot (so ``W.T`` keeps its ``.T``), and
# whether a call follows it. Op expressions are ours: short, no string literals.
_IDENT = re.compile(r"(?<![\w.])([A-Za-z_]\w*)(?=\s*(\()?)")


def _render(expr: str, names: dict, scalar: bool, wrap_float: bool) -> str:
    """An op expression with its names replaced by this node's variables and its functions by
    the scalar (S_) or array (A_) implementation."""
    prefix = "S_" if scalar else "A_"

    def swap(m: re.Match) -> str:
        name = m.group(1)
        if m.group(2):                       # a call: a function of functions.py
            return prefix + name
        value = names.get(name, name)
        return repr(value) if isinstance(value, float) else value

    text = _IDENT.sub(swap, expr)
    return f"float({text})" if wrap_float else text


@cache
def _compiled(expr: str):
    return compile(_render(expr, {}, False, False), "<op>", "eval")


_ARRAY_NS = {**{f"A_{k}": v for k, v in F.ARRAY.items()}, "np": np}


def _eval(expr: str, env: dict):
    """Evaluate an op expression with numpy (shape inference and probes)."""
    return eval(_compiled(expr), _ARRAY_NS, env)


def _consts(info: NodeInfo) -> dict:
    return {k: float(v) for k, v in info.config.items()
            if isinstance(v, (int, float)) and not isinstance(v, bool)}


def _shape_words(info: NodeInfo, ins: dict, tens: dict, exc: Exception) -> str:
    """numpy's broadcast error in words ("a is a vector of 3, b is a vector of 2: add needs
    equal shapes or one a scalar"); the ops' own checks already speak plainly."""
    if isinstance(exc, ValueError) and "could not be broadcast" in str(exc):
        from .shapes import refusal
        return refusal(info.op, tens, {p: np.shape(v) for p, v in ins.items()}, exc)
    return _plain(exc)


def _plain(exc: Exception) -> str:
    """An exception's message as the tail of a sentence that names the node."""
    if isinstance(exc, ZeroDivisionError):
        return "division by zero"
    text = str(exc).strip() or type(exc).__name__
    return text[0].lower() + text[1:] if text else text
