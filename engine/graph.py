"""The editable computation graph: a networkx MultiDiGraph whose edges are keyed by input port.

Keying edges by the target's port lets one node feed the same node twice (x·x), and makes "one
edge per input port" a property of the key. Every change goes through a method here, which checks
it (no cycles, no missing or occupied ports) and then tells subscribers, so a GUI can follow the
model without keeping a copy of its state (ryvencore's evented core, NodeGraphQt's past-tense
signal names).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable

import networkx as nx
import numpy as np

from .errors import GraphError
from .ops import get_op

Listener = Callable[[str, dict], None]


def _as_tensor(value):
    """Scalars stay Python floats; anything else becomes a float64 array (checked rectangular)."""
    if isinstance(value, (int, float, np.floating, np.integer)) and not isinstance(value, bool):
        return float(value)
    try:
        arr = np.array(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"not a number or a rectangular array of numbers ({exc})") from None
    return float(arr) if arr.ndim == 0 else arr


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
                 tensors: dict | None = None) -> str:
        """Add a node and return its id; tensors default to the op's seeded initial values."""
        try:
            spec = get_op(op)
        except KeyError as exc:
            raise GraphError(str(exc.args[0])) from None
        if node_id is None:
            plain = label if label and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,30}", label) else op
            node_id = self.new_id(plain)
        elif node_id in self.nx:
            raise GraphError(f"a node with id {node_id!r} already exists")
        unknown = set(config or {}) - set(spec.config)
        if unknown:
            raise GraphError(f"{op} has no setting {', '.join(sorted(unknown))}", node_id, label)
        cfg = {**copy.deepcopy(spec.config), **(config or {})}
        values = spec.initial_tensors(cfg)
        for name, value in (tensors or {}).items():
            if name not in spec.tensors:
                raise GraphError(f"{op} has no tensor {name!r}", node_id, label)
            try:
                values[name] = _as_tensor(value)
            except ValueError as exc:
                raise GraphError(f"{name}: {exc}", node_id, label) from None
        self.nx.add_node(node_id, op=op, label=label or node_id,
                         pos=[float(pos[0]), float(pos[1])], config=cfg, tensors=values)
        self._emit("node_added", node=node_id)
        return node_id

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

    def disconnect(self, target: str, port: str) -> str:
        """Remove the edge into target.port; return the source it came from."""
        source = self.source_of(target, port)
        if source is None:
            raise GraphError("nothing is connected to this port", target, self.label(target), port)
        self.nx.remove_edge(source, target, key=port)
        self._emit("edge_removed", source=source, target=target, port=port)
        return source

    def set_label(self, node: str, label: str) -> None:
        self.node(node)["label"] = label
        self._emit("node_changed", node=node, what="label")

    def set_position(self, node: str, pos) -> None:
        self.node(node)["pos"] = [float(pos[0]), float(pos[1])]
        self._emit("node_moved", node=node)

    def set_config(self, node: str, key: str, value) -> None:
        spec = self.op(node)
        if key not in spec.config:
            raise GraphError(f"{spec.name} has no setting {key!r}", node, self.label(node))
        self.node(node)["config"][key] = value
        # a display setting (a dense layer drawn as neurons) leaves the maths and results alone
        self._emit("node_changed", node=node, what="view" if key in spec.display else "config")

    def set_tensor(self, node: str, name: str, value) -> None:
        spec = self.op(node)
        if name not in spec.tensors:
            raise GraphError(f"{spec.name} has no tensor {name!r}", node, self.label(node))
        try:
            self.node(node)["tensors"][name] = _as_tensor(value)
        except ValueError as exc:
            raise GraphError(f"{name}: {exc}", node, self.label(node)) from None
        self._emit("node_changed", node=node, what="tensors")

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
            self._require(node)
        self.nx.graph["output"] = node
        self._emit("graph_changed", what="output")

    def set_graph_attr(self, key: str, value) -> None:
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
        if node not in self.nx:
            raise GraphError(f"there is no node {node!r}")

    def copy(self) -> ComputationGraph:
        other = type(self)()
        other.nx = copy.deepcopy(self.nx)
        return other
