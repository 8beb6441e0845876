"""A small builder for graphs in code; it writes the same files the GUI opens.

    from backprop_studio.engine.api import Graph
    g = Graph()
    x, y, z = g.input("x", -2.0), g.input("y", 5.0), g.input("z", -4.0)
    q = g.add(x, y, label="q")
    f = g.multiply(q, z, label="f")
    g.save("f.json")

Every op of the registry is a method taking its inputs in port order (``g.sigmoid(z)``,
``g.mse(yhat, y)``) and its settings as keywords (``g.power(x, p=3)``). Methods return node ids.
"""

from __future__ import annotations

from functools import partial

import numpy as np

from . import fileformat
from .backprop import Result, run
from .errors import GraphError
from .graph import ComputationGraph
from .layout import apply_layout
from .ops import REGISTRY, get_op
from .tensors import shape_of


class Graph(ComputationGraph):
    """A ComputationGraph with builder methods, one per op."""

    def apply(self, op: str, *inputs: str, label: str | None = None, tensors=None,
             **config) -> str:
        spec = get_op(op)
        if len(inputs) != len(spec.ports):
            raise GraphError(f"{op} takes {len(spec.ports)} input(s) ({', '.join(spec.ports)}), "
                             f"got {len(inputs)}")
        node = self.add_node(op, label, config=config or None, tensors=tensors)
        for port, source in zip(spec.ports, inputs):
            self.connect(source, node, port)
        return node

    def __getattr__(self, name: str):
        if name in REGISTRY:
            return partial(self.apply, name)
        raise AttributeError(name)

    def input(self, label: str, value=0.0, feed: str | None = None) -> str:
        """Named data: ``value`` from the file, or ``feed`` = "features"/"targets" of a dataset."""
        config = {"feed": feed} if feed else None
        return self.add_node("input", label, config=config, tensors={"value": value})

    def parameter(self, label: str, value=None, shape=(), scale: float = 1.0,
                  seed: int = 0) -> str:
        """A trainable tensor: ``value`` if given, else seeded normal(0, scale) of ``shape``."""
        if value is not None:
            try:
                shape = shape_of(value)
            except ValueError as exc:
                raise GraphError(f"{exc}", label=label, node=label) from None
        config = {"shape": list(shape), "scale": scale, "seed": seed}
        tensors = {"value": value} if value is not None else None
        return self.add_node("parameter", label, config=config, tensors=tensors)

    def constant(self, value, label: str | None = None) -> str:
        return self.add_node("constant", label or str(value), tensors={"value": value})

    def dense(self, x: str, in_features: int, units: int, label: str | None = None,
              W=None, b=None, seed: int = 0) -> str:
        tensors = {k: v for k, v in (("W", W), ("b", b)) if v is not None}
        return self.apply("dense", x, label=label, tensors=tensors or None,
                         in_features=in_features, units=units, seed=seed)

    @classmethod
    def mlp(cls, sizes: list[int], batch: int = 1, activation: str = "relu",
            loss: str = "softmax_ce", seed: int = 0) -> Graph:
        """A multilayer perceptron: inputs x (batch × sizes[0]) and y fed from a dataset, dense
        layers with ``activation`` between them, and ``loss`` on the last one (bce gets a
        sigmoid first; mse and softmax_ce take the last layer as it is). Layer i is seeded
        with seed + i."""
        if loss not in ("softmax_ce", "mse", "bce") or len(sizes) < 2:
            raise GraphError("mlp needs at least two sizes and a loss of softmax_ce, mse or bce")
        g = cls()
        x = g.input("x", np.zeros((batch, sizes[0])), feed="features")
        y = g.input("y", np.zeros((batch, sizes[-1])), feed="targets")
        h = x
        layers = len(sizes) - 1
        for i, (n_in, n_out) in enumerate(zip(sizes, sizes[1:]), start=1):
            h = g.dense(h, n_in, n_out, label=f"dense {i}" if i < layers else "output z",
                        seed=seed + i)
            if i < layers:
                h = g.apply(activation, h, label=f"{activation} {i}")
        if loss == "bce":
            h = g.sigmoid(h, label="p = σ(z)")
        g.set_output(g.apply(loss, h, y, label=f"{loss} loss"))
        g.layout()
        return g

    def training(self, **settings) -> None:
        """Default training settings kept in the file: dataset, optimizer, lr, batch_size…"""
        self.set_graph_attr("training", {**self.nx.graph.get("training", {}), **settings})

    def layout(self) -> None:
        apply_layout(self)

    def save(self, path) -> None:
        if all(tuple(d["pos"]) == (0.0, 0.0) for _, d in self.nx.nodes(data=True)):
            self.layout()
        fileformat.save(self, path)

    def run(self, trace: bool = True, feeds: dict | None = None) -> Result:
        return run(self, feeds, trace)

    @classmethod
    def load(cls, path) -> Graph:
        return fileformat.load(path, graph_class=cls)
