"""A private copy of the graph that takes the trainer's parameters, for showing them live.

While training runs, the real graph keeps its old parameters (they go in by one undo command at
Pause). To show current values and gradients on the canvas, and the model's output over the
plane, we copy the graph once per training session (no listeners, so the canvas never hears of
it), put the trainer's parameters into the copy, and let the engine run it. Plans are cached per
feed shape, so each refresh is one call of compiled code, not a recompilation.
"""

from __future__ import annotations

import numpy as np

from backprop_studio.engine import ComputationGraph, Plan, Result, run
from backprop_studio.engine.train import fed_inputs, prediction_node


class Mirror:
    def __init__(self, graph: ComputationGraph) -> None:
        self.graph = graph.copy()
        self.feeds = fed_inputs(self.graph)
        self.prediction = prediction_node(self.graph)
        self._plans: dict = {}

    def set_params(self, names, params) -> None:
        self.graph.set_tensors(dict(zip(names, params)))

    def _plan(self, key, feeds) -> Plan:
        if key not in self._plans:
            self._plans[key] = Plan.build(self.graph, feeds)
        return self._plans[key]

    def data_feeds(self, X: np.ndarray, Y: np.ndarray | None) -> dict:
        if "features" not in self.feeds or "targets" not in self.feeds:
            return {}
        k = self.graph.node(self.feeds["targets"])["tensors"]["value"]
        if Y is None:
            Y = np.zeros((len(X), np.shape(k)[-1] if np.ndim(k) == 2 else 1))
        return {self.feeds["features"]: X, self.feeds["targets"]: Y}

    def result(self, X=None, Y=None, trace: bool = False) -> Result:
        """Values and gradients for a batch (the graph's own data when X is None)."""
        feeds = self.data_feeds(X, Y) if X is not None else {}
        key = ("run", tuple(np.shape(v) for v in feeds.values()), trace)
        return run(self.graph, feeds or None, trace=trace, plan=self._plan(key, feeds or None))

    def predict(self, X: np.ndarray) -> np.ndarray:
        """The model's output (what feeds the loss) for features X: forward only."""
        feeds = self.data_feeds(X, None)
        plan = self._plan(("forward", X.shape), feeds)
        with np.errstate(all="ignore"):
            values = plan.call("forward", plan.leaf_values(self.graph, feeds))
        index = [i.id for i in plan.graph_nodes].index(self.prediction)
        return np.asarray(values[index], dtype=float)
