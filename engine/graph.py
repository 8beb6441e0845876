"""The editable computation graph: a networkx MultiDiGraph whose edges are keyed by input port.

Keying edges by the target's port lets one node feed the same node twice (x·x), and makes "one
edge per input port" a property of the key. Every change goes through a method here, which checks
it (no cycles, no missing or occupied ports) and then tells subscribers, so a GUI can follow the
model without keeping a copy of its state (ryvencore's evented core, NodeGraphQt's past-tense
signal names).
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Callable

import networkx as nx
import numpy as np

from .errors import GraphError
from .limits import MAX_NAME_CHARS, MAX_TENSOR_ELEMENTS, MAX_TOTAL_ELEMENTS
from .ops import get_op
from .settings import TRAINING_BY_NAME
from .tensors import shape_of, to_tensor
from .text import shorten

Listener = Callable[[str, dict], None]


def _finite_pair(pos) -> list[float]:
    if not isinstance(pos, (list, tuple)) or len(pos) != 2 or not all(
            isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
            and _finite(v) for v in pos):
        raise ValueError(f"a position must be two finite numbers [x, y], got {shorten(pos)}")
    return [float(pos[0]), float(pos[1])]


def _finite(x) -> bool:
    try:
        return math.isfinite(x)
    except OverflowError:
        return False


def _name(value, what: str) -> str:
    if not isinstance(value, str) or not value or len(value) > MAX_NAME_CHARS:
        raise ValueError(f"{what} must be text of 1 to {MAX_NAME_CHARS} characters, got "
                         f"{shorten(value)}")
    return value


class ComputationGraph:
    """Nodes (op, label, pos, config, tensors) and port-keyed edges, plus the chosen output."""

    def __init__(self) -> None:
        self.nx = nx.MultiDiGraph(output=None)
        self._listeners: list[Listener] = []
        self._counter = 0

    # ------------------------------------------------------------ events
    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        self._listeners.remove(listener)

    def _emit(self, event: str, **data) -> None:
        for listener in list(self._listeners):
            listener(event, data)

    # ------------------------------------------------------------ queries
    def __contains__(self, node: str) -> bool:
        return node in self.nx

    def __len__(self) -> int:
        return self.nx.number_of_nodes()

    @property
    def nodes(self) -> list[str]:
        return list(self.nx.nodes)

    def node(self, node: str) -> dict:
        self._require(node)
        return self.nx.nodes[node]

    def op(self, node: str):
        return get_op(self.node(node)["op"])

    def label(self, node: str) -> str:
        return self.node(node).get("label") or node

    def edges(self) -> list[tuple[str, str, str]]:
        """(source, target, port) for every edge."""
        return [(u, v, k) for u, v, k in self.nx.edges(keys=True)]

    def inputs_of(self, node: str) -> dict[str, str]:
        """port -> source node, for the connected ports of ``node``."""
        return {k: u for u, _, k in self.nx.in_edges(node, keys=True)}

    def consumers_of(self, node: str) -> list[tuple[str, str]]:
        return [(v, k) for _, v, k in self.nx.out_edges(node, keys=True)]

    def source_of(self, node: str, port: str) -> str | None:
        return self.inputs_of(node).get(port)

    @property
    def output(self) -> str | None:
        """The node whose gradient is seeded with 1: the chosen one, else the one sink
        (a loss if there are several sinks and exactly one is a loss)."""
        chosen = self.nx.graph.get("output")
        if chosen in self.nx:
            return chosen
        sinks = [n for n in self.nx if self.nx.out_degree(n) == 0 and self.op(n).ports]
        if len(sinks) == 1:
            return sinks[0]
        losses = [n for n in sinks if self.op(n).is_loss]
        return losses[0] if len(losses) == 1 else None

    def trainable(self) -> list[tuple[str, str]]:
        """(node, tensor name) of every trainable tensor, in a stable order."""
        return [(n, t) for n in sorted(self.nx) for t in self.op(n).tensors
                if self.op(n).trainable]

    # ------------------------------------------------------------ edits
    def new_id(self, hint: str = "n") -> str:
        base = re.sub(r"[^A-Za-z0-9_]+", "_", hint).strip("_") or "n"
        if base not in self.nx:
            return base
        while True:
            self._counter += 1
            candidate = f"{base}_{self._counter}"
            if candidate not in self.nx:
                return candidate

    def add_node(self, op: str, label: str | None = None, pos=(0.0, 0.0),
                 node_id: str | None = None, config: dict | None = None,
                 tensors: dict | None = None, budget: int | None = None) -> str:
        """Add a node and return its id; tensors default to the op's seeded initial values.

        Every setting is checked against the op's declaration, the sizes the settings declare
        against the tensor budget, and given tensors are measured, all before anything is
        allocated; a refusal names the node and what is wrong. ``budget``: the most elements
        this node's tensors may hold together (a file's remaining total).
        """
        try:
            spec = get_op(op if isinstance(op, str) else shorten(op))
        except KeyError as exc:
            raise GraphError(str(exc.args[0])) from None
        try:
            if node_id is not None:
                node_id = _name(node_id, "a node id")
            if label is not None:
                label = _name(label, "a label")
            position = _finite_pair(pos)
        except ValueError as exc:
            raise GraphError(str(exc), node_id if isinstance(node_id, str) else None) from None
        if node_id is None:
            plain = label if label and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,30}", label) else op
            node_id = self.new_id(plain)
        elif node_id in self.nx:
            raise GraphError(f"a node with id {shorten(node_id)} already exists")
        if config is not None and not isinstance(config, dict):
            raise GraphError(f"the settings must be an object, got {shorten(config)}", node_id,
                             label)
        if tensors is not None and not isinstance(tensors, dict):
            raise GraphError(f"the tensors must be an object, got {shorten(tensors)}", node_id,
                             label)
        cfg = spec.config
        for key, value in (config or {}).items():
            cfg[key] = self._checked_setting(spec, key, value, node_id, label)
        shapes = {}
        for name, value in (tensors or {}).items():
            if name not in spec.tensors:
                raise GraphError(f"{op} has no tensor {shorten(name)}", node_id, label)
            try:
                shapes[name] = shape_of(value)
            except ValueError as exc:
                raise GraphError(f"{name}: {exc}", node_id, label) from None
        missing = [t for t in spec.tensors if t not in shapes]
        declared = spec.declared_shapes(cfg)
        for name, shape in shapes.items():
            self._check_fixed_shape(spec, cfg, name, shape, node_id, label)
        if budget is not None:
            wanted = sum(math.prod(shapes.get(t) or declared.get(t, ())) for t in spec.tensors)
            if wanted > budget:
                raise GraphError(f"its tensors ({wanted:,} elements) would take the file past "
                                 f"{MAX_TOTAL_ELEMENTS:,} elements in all, the most a file may "
                                 f"hold", node_id, label)
        values = {}
        for name, value in (tensors or {}).items():
            try:
                values[name] = to_tensor(value)
            except ValueError as exc:
                raise GraphError(f"{name}: {exc}", node_id, label) from None
        try:
            values.update(spec.initial_tensors(cfg, only=missing))
        except ValueError as exc:
            raise GraphError(str(exc), node_id, label) from None
        values = {t: values[t] for t in spec.tensors}
        self.nx.add_node(node_id, op=op, label=label or node_id, pos=position, config=cfg,
                         tensors=values)
        self._emit("node_added", node=node_id)
        return node_id

    @staticmethod
    def _checked_setting(spec, key, value, node, label):
        setting = spec.setting(key) if isinstance(key, str) else None
        if setting is None:
            raise GraphError(f"{spec.name} has no setting {shorten(key)}", node, label)
        try:
            return setting.check(value)
        except ValueError as exc:
            raise GraphError(f"setting {key} {exc}", node, label) from None

    def remove_node(self, node: str) -> None:
        self._require(node)
        for _u, v, k in list(self.nx.in_edges(node, keys=True)) + \
                list(self.nx.out_edges(node, keys=True)):
            self.disconnect(v, k)
        self.nx.remove_node(node)
        if self.nx.graph.get("output") == node:
            self.nx.graph["output"] = None
        self._emit("node_removed", node=node)

    def check_connect(self, source: str, target: str, port: str) -> None:
        """Raise GraphError saying why source → target.port is refused; return if it is fine."""
        self._require(source)
        self._require(target)
        spec = self.op(target)
        if port not in spec.ports:
            ports = ", ".join(spec.ports) or "none"
            raise GraphError(f"{spec.name} has no input port {port!r} (its ports: {ports})",
                             target, self.label(target), port)
        if self.source_of(target, port) is not None:
            raise GraphError("this input port is already connected; disconnect it first",
                             target, self.label(target), port)
        if source == target:
            raise GraphError("a node cannot feed itself", target, self.label(target), port)
        if nx.has_path(self.nx, target, source):
            raise GraphError(f"connecting {self.label(source)} here would make a cycle",
                             target, self.label(target), port)

    def connect(self, source: str, target: str, port: str) -> None:
        self.check_connect(source, target, port)
        self.nx.add_edge(source, target, key=port, port=port)
        self._emit("edge_added", source=source, target=target, port=port)

    def connect_many(self, edges) -> None:
        """Add many (source, target, port) edges with one cycle check for all of them (linear
        time, where connect's per-edge path search would be quadratic on a big file); on a
        refusal none of them is added."""
        op_of = dict(self.nx.nodes(data="op"))
        taken = {(v, k) for _, v, k in self.nx.edges(keys=True)}
        batch = []
        for source, target, port in edges:
            if source not in op_of:
                self._require(source)
            if target not in op_of:
                self._require(target)
            spec = get_op(op_of[target])
            if port not in spec.ports:
                ports = ", ".join(spec.ports) or "none"
                raise GraphError(f"{spec.name} has no input port {shorten(port)} (its ports: "
                                 f"{ports})", target, self.label(target), str(port))
            if (target, port) in taken:
                raise GraphError("this input port is already connected; disconnect it first",
                                 target, self.label(target), port)
            if source == target:
                raise GraphError("a node cannot feed itself", target, self.label(target), port)
            taken.add((target, port))
            batch.append((source, target, port))
        add = self.nx.add_edge                # add_edges_from is 4× slower on a MultiDiGraph
        for source, target, port in batch:
            add(source, target, key=port, port=port)
        stuck = self._on_a_cycle()
        if stuck is not None:
            self.nx.remove_edges_from(batch)
            raise GraphError("these edges make a cycle through this node", stuck,
                             self.label(stuck))
        for source, target, port in batch:
            self._emit("edge_added", source=source, target=target, port=port)

    def _on_a_cycle(self) -> str | None:
        """A node on a cycle, or None for a DAG (Kahn's algorithm: no recursion, linear)."""
        indegree = dict.fromkeys(self.nx, 0)
        after: dict[str, list] = {}
        for u, v in self.nx.edges():
            indegree[v] += 1
            after.setdefault(u, []).append(v)
        ready = [n for n, d in indegree.items() if d == 0]
        while ready:
            for v in after.get(ready.pop(), ()):
                indegree[v] -= 1
                if indegree[v] == 0:
                    ready.append(v)
        left = [n for n, d in indegree.items() if d > 0]
        if not left:
            return None
        return nx.find_cycle(self.nx.subgraph(left))[0][1]

    def disconnect(self, target: str, port: str) -> str:
        """Remove the edge into target.port; return the source it came from."""
        source = self.source_of(target, port)
        if source is None:
            raise GraphError("nothing is connected to this port", target, self.label(target), port)
        self.nx.remove_edge(source, target, key=port)
        self._emit("edge_removed", source=source, target=target, port=port)
        return source

    def set_label(self, node: str, label: str) -> None:
        data = self.node(node)
        try:
            data["label"] = _name(label, "a label")
        except ValueError as exc:
            raise GraphError(str(exc), node, self.label(node)) from None
        self._emit("node_changed", node=node, what="label")

    def set_position(self, node: str, pos) -> None:
        data = self.node(node)
        try:
            data["pos"] = _finite_pair(pos)
        except ValueError as exc:
            raise GraphError(str(exc), node, self.label(node)) from None
        self._emit("node_moved", node=node)

    def set_config(self, node: str, key: str, value) -> None:
        """Change one setting, checked against the op's declaration; a setting that sizes a
        tensor (a dense layer's units) is refused if the size would break the budget, and
        re-seeds that tensor at its new shape."""
        spec = self.op(node)
        value = self._checked_setting(spec, key, value, node, self.label(node))
        cfg = {**self.node(node)["config"], key: value}
        for name, shape in spec.declared_shapes(cfg).items():
            if math.prod(shape) > MAX_TENSOR_ELEMENTS:
                raise GraphError(f"setting {key} = {shorten(value)} would give {name} "
                                 f"{math.prod(shape):,} elements; a tensor may hold at most "
                                 f"{MAX_TENSOR_ELEMENTS:,}", node, self.label(node))
        self.node(node)["config"][key] = value
        # a tensor whose declared shape this changes (a dense layer's W after units) is seeded
        # afresh at the new shape, so the node never holds a W its settings contradict
        tensors = self.node(node)["tensors"]
        stale = [name for name, shape in spec.fixed_shapes(cfg).items()
                 if np.shape(tensors.get(name)) != shape]
        if stale:
            tensors.update(spec.initial_tensors(cfg, only=stale))
        # a display setting (a dense layer drawn as neurons) leaves the maths and results alone
        self._emit("node_changed", node=node, what="view" if key in spec.display else "config")

    def set_tensor(self, node: str, name: str, value, check_shape: bool = True) -> None:
        """Replace one of the node's tensors. A dense layer's W and b must have the shape its
        settings declare; ``check_shape=False`` is for an undo, which puts back a value from
        before a reshape while the settings are still being put back."""
        spec = self.op(node)
        if name not in spec.tensors:
            raise GraphError(f"{spec.name} has no tensor {shorten(name)}", node,
                             self.label(node))
        try:
            tensor = to_tensor(value)
        except ValueError as exc:
            raise GraphError(f"{name}: {exc}", node, self.label(node)) from None
        if check_shape:
            self._check_fixed_shape(spec, self.node(node)["config"], name, np.shape(tensor),
                                    node, self.label(node))
        self.node(node)["tensors"][name] = tensor
        self._emit("node_changed", node=node, what="tensors")

    @staticmethod
    def _check_fixed_shape(spec, config, name, shape, node, label) -> None:
        fixed = spec.fixed_shapes(config).get(name)
        if fixed is not None and tuple(shape) != fixed:
            raise GraphError(f"{name} is {_shape_words(tuple(shape))} but the settings say "
                             f"{_shape_words(fixed)}", node, label)

    def set_tensors(self, values: dict[tuple[str, str], object]) -> None:
        """Replace many tensors at once (a training step's parameters), one event per node."""
        touched = set()
        for (node, name), value in values.items():
            self.node(node)["tensors"][name] = value
            touched.add(node)
        for node in sorted(touched):
            self._emit("node_changed", node=node, what="tensors")

    def set_output(self, node: str | None) -> None:
        if node is not None:
            if not isinstance(node, str):
                raise GraphError(f"the output must be a node id, got {shorten(node)}")
            self._require(node)
        self.nx.graph["output"] = node
        self._emit("graph_changed", what="output")

    def set_graph_attr(self, key: str, value) -> None:
        """A graph attribute; the ``training`` block is checked setting by setting."""
        if key == "output":
            self.set_output(value)
            return
        if key == "training":
            value = checked_training(value)
        self.nx.graph[key] = value
        self._emit("graph_changed", what=key)

    def reorder(self, nodes: list[str], edges: list[tuple[str, str, str]]) -> None:
        """Put the same nodes and edges back in a recorded order.

        networkx keeps insertion order, so undoing a delete (the node re-added at the end) would
        change the saved JSON; an undo command calls this to restore it byte for byte. Nothing
        changes but the order, so no event is sent.
        """
        if set(nodes) != set(self.nx) or sorted(edges) != sorted(self.edges()):
            raise GraphError("reorder needs exactly the graph's own nodes and edges")
        attrs = dict(self.nx.graph)
        node_data = {n: self.nx.nodes[n] for n in nodes}
        self.nx.clear()
        self.nx.graph.update(attrs)
        for n in nodes:
            self.nx.add_node(n, **node_data[n])
        for u, v, k in edges:
            self.nx.add_edge(u, v, key=k, port=k)

    # ------------------------------------------------------------ helpers
    def _require(self, node: str) -> None:
        if not isinstance(node, str) or node not in self.nx:
            raise GraphError(f"there is no node {shorten(node)}")

    def copy(self) -> ComputationGraph:
        other = type(self)()
        other.nx = copy.deepcopy(self.nx)
        return other


def checked_training(block) -> dict:
    """The training block with every setting checked (GraphError naming the bad one)."""
    if not isinstance(block, dict):
        raise GraphError(f"the training settings must be an object, got {shorten(block)}")
    out = {}
    for key, value in block.items():
        setting = TRAINING_BY_NAME.get(key)
        if setting is None:
            known = ", ".join(TRAINING_BY_NAME)
            raise GraphError(f"training has no setting {shorten(key)} (known: {known})")
        try:
            out[key] = setting.check(value)
        except ValueError as exc:
            raise GraphError(f"training setting {key} {exc}") from None
    return out


def _shape_words(shape: tuple[int, ...]) -> str:
    return "a scalar" if not shape else "×".join(str(n) for n in shape)
