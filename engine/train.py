"""The training loop: batches from a dataset, the plan's fast path, an optimizer, loss history.

A step never touches networkx: the trainer compiles the graph once (per batch shape) and then
only swaps arrays in the plan's flat list of tensors. The trace is off. A NaN or infinite loss
stops training with the node where it first appeared named, and the parameters are put back to
the last ones that gave a finite loss. A loss that explodes (EXPLOSION_FACTOR times its first
value) is noted once in ``Trainer.explosion`` and reported to ``Trainer.on_explosion``, so the
command line and the editor warn the same way.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .datasets import Dataset
from .errors import GraphError
from .graph import ComputationGraph
from .limits import EXPLOSION_FACTOR
from .optimizers import OPTIMIZERS
from .plan import Plan

FEEDS = ("features", "targets")


@dataclass(frozen=True)
class Explosion:
    """The loss rose past EXPLOSION_FACTOR times its first value: usually a learning rate too
    high for the model. Training goes on; this is a warning, not a stop."""
    step: int          # 1-based: the step whose loss it was
    loss: float
    start: float       # the first loss of the run
    lr: float

    def message(self) -> str:
        return (f"the loss rose to {self.loss:.4g} at step {self.step}, more than "
                f"{EXPLOSION_FACTOR:g}× its start ({self.start:.4g}); the learning rate "
                f"{self.lr:g} is probably too high: try a lower one (e.g. {self.lr / 10:g})")


def exploded(first: float, losses) -> float | None:
    """The first of ``losses`` above EXPLOSION_FACTOR × ``first`` (the run's first loss), else
    None: the one rule for the CLI's warning, the Trainer's signal and the Training dock's.
    A first loss of 0 or less, or not finite, gives no baseline."""
    if not (math.isfinite(first) and first > 0):
        return None
    limit = EXPLOSION_FACTOR * first
    for loss in losses:
        loss = float(loss)
        if math.isfinite(loss) and loss > limit:
            return loss
    return None


def fed_inputs(graph: ComputationGraph) -> dict[str, str]:
    """feed ("features" / "targets") -> input node id."""
    found: dict[str, str] = {}
    for node in graph.nodes:
        data = graph.node(node)
        feed = data["config"].get("feed") if data["op"] == "input" else None
        if feed in FEEDS:
            if feed in found:
                raise GraphError(f"two input nodes take the dataset's {feed} "
                                 f"({graph.label(found[feed])} and {graph.label(node)})", node,
                                 graph.label(node))
            found[feed] = node
    return found


def prediction_node(graph: ComputationGraph) -> str | None:
    """The model's output: what feeds the loss's first port (or the output itself)."""
    out = graph.output
    if out is None:
        return None
    spec = graph.op(out)
    return graph.source_of(out, spec.ports[0]) if spec.is_loss else out


class Trainer:
    """Gradient descent on every trainable tensor of ``graph``.

    ``dataset`` feeds the inputs whose feed is "features" / "targets"; without one, each step
    uses the values stored in the graph (the CS231n examples).
    """

    def __init__(self, graph: ComputationGraph, dataset: Dataset | None = None,
                 optimizer: str = "adam", lr: float = 0.01, batch_size: int = 32, seed: int = 0,
                 record_norms: bool = False):
        if optimizer not in OPTIMIZERS:
            raise GraphError(f"unknown optimizer {optimizer!r}; choose one of "
                             f"{', '.join(OPTIMIZERS)}")
        if not (isinstance(lr, (int, float)) and math.isfinite(lr) and lr > 0):
            raise GraphError(f"the learning rate must be a positive number, got {lr!r}")
        if int(batch_size) < 1:
            raise GraphError(f"the batch size must be at least 1, got {batch_size!r}")
        self.graph = graph
        self.dataset = dataset
        self.feeds = fed_inputs(graph)
        if dataset is not None and set(self.feeds) != set(FEEDS):
            missing = [f for f in FEEDS if f not in self.feeds]
            raise GraphError(f"to train on the {dataset.name} dataset, the graph needs an input "
                             f"node with feed = {missing[0]!r}")
        self.optimizer = OPTIMIZERS[optimizer](float(lr))
        self.batch_size = int(batch_size)
        self.rng = np.random.default_rng(seed)
        self.record_norms = record_norms
        self.history: list[float] = []
        self.lr = float(lr)
        self.explosion: Explosion | None = None       # set once, the first time it happens
        self.on_explosion: Callable[[Explosion], None] | None = None
        self._start_loss: float | None = None
        self.norms: list[list[float]] = []
        self._plans: dict[int, Plan] = {}
        self._slots_cache: dict = {}
        self._predict_plans: dict[int, Plan] = {}
        self.last_batch: tuple | None = None     # (X, Y) of the latest step, for showing it
        self._order: np.ndarray | None = None
        self._cursor = 0
        plan = self._plan(self._batch_len())
        self.trainable = [s for s, (n, t) in enumerate(plan.slots) if graph.op(n).trainable]
        if not self.trainable:
            raise GraphError("nothing to train: the graph has no parameter or dense node")
        if plan.output is None:
            raise GraphError("choose the graph's output (the loss) before training")
        self.names = [plan.slots[s] for s in self.trainable]
        self.params = [plan.base_leaves[s] for s in self.trainable]
        self._last_good = list(self.params)

    # ---------------------------------------------------------------- batches
    def _batch_len(self) -> int:
        if self.dataset is None:
            return 0
        return min(self.batch_size, len(self.dataset))

    def _plan(self, n: int) -> Plan:
        if n not in self._plans:
            feeds = None
            if self.dataset is not None:
                feeds = {self.feeds["features"]: self.dataset.X[:n],
                         self.feeds["targets"]: self.dataset.Y[:n]}
            self._plans[n] = Plan.build(self.graph, feeds)
        return self._plans[n]

    def _next_batch(self):
        """Shuffled batches of a fixed size; each epoch a new order (remainders are dropped)."""
        ds, n = self.dataset, self._batch_len()
        if n == len(ds):
            return ds.X, ds.Y
        if self._order is None or self._cursor + n > len(ds):
            self._order = self.rng.permutation(len(ds))
            self._cursor = 0
        idx = self._order[self._cursor:self._cursor + n]
        self._cursor += n
        return ds.X[idx], ds.Y[idx]

    # ---------------------------------------------------------------- steps
    def step(self) -> float:
        """One gradient-descent step; returns the loss before the update."""
        with np.errstate(all="ignore"):
            return self._step()

    def _step(self) -> float:
        n = self._batch_len()
        plan = self._plan(n)
        leaves = self._leaves_for(plan)
        if self.dataset is not None:
            X, Y = self._next_batch()
            x_slot, y_slot = self._feed_slots(plan)
            leaves[x_slot], leaves[y_slot] = X, Y
            self.last_batch = (X, Y)
        loss, grads = plan.call("train", leaves)
        loss = float(loss)
        if not math.isfinite(loss):
            self._diverged(plan, leaves)
        self._last_good = self.params
        self.params = self.optimizer.update(self.params, grads)
        self.history.append(loss)
        self._watch(loss)
        if self.record_norms:
            self.norms.append([float(np.linalg.norm(g)) for g in grads])
        return loss

    def _watch(self, loss: float) -> None:
        if self._start_loss is None:
            self._start_loss = loss
        elif self.explosion is None and exploded(self._start_loss, (loss,)) is not None:
            self.explosion = Explosion(len(self.history), loss, self._start_loss, self.lr)
            if self.on_explosion is not None:
                self.on_explosion(self.explosion)

    def resume(self, params: list, steps_done: int = 0, rng_state: dict | None = None) -> None:
        """Continue another trainer's run (the training process takes over the GUI's): its
        parameters become the current and last good ones, its batch shuffling continues from
        ``rng_state``, and ``steps_done`` earlier steps keep their numbers (their losses are not
        known here, so they stand in the history as NaN)."""
        if len(params) != len(self.params):
            raise GraphError("the parameters do not match the graph's trainable tensors")
        if rng_state is not None:
            self.rng.bit_generator.state = rng_state
        self.params = [float(p) if np.ndim(p) == 0 else np.array(p, dtype=float)
                       for p in params]
        self._last_good = list(self.params)
        self.history = [math.nan] * steps_done

    def _leaves_for(self, plan: Plan) -> list:
        leaves = list(plan.base_leaves)
        for slot, value in zip(self.trainable, self.params):
            leaves[slot] = value
        return leaves

    def _feed_slots(self, plan: Plan) -> tuple[int, int]:
        if plan not in self._slots_cache:
            self._slots_cache[plan] = (plan.slots.index((self.feeds["features"], "value")),
                                       plan.slots.index((self.feeds["targets"], "value")))
        return self._slots_cache[plan]

    def run(self, steps: int, callback=None) -> list[float]:
        """``steps`` steps; ``callback(step_index, loss)`` after each may return False to stop."""
        with np.errstate(all="ignore"):
            for i in range(steps):
                loss = self._step()
                if callback is not None and callback(i, loss) is False:
                    break
        return self.history

    def _diverged(self, plan: Plan, leaves: list) -> None:
        step = len(self.history) + 1
        self.params = self._last_good
        values = plan.call("forward", leaves)
        for info, value in zip(plan.graph_nodes, values):
            if not np.all(np.isfinite(value)):
                raise GraphError(f"training stopped at step {step}: this node produced NaN or "
                                 f"an infinite value (try a smaller learning rate); the "
                                 f"parameters are the last good ones", info.id, info.label)
        raise GraphError(f"training stopped at step {step}: the loss is not finite")

    def full_loss(self) -> float:
        """The loss of the current parameters on the whole dataset (or the graph's own data)."""
        n = len(self.dataset) if self.dataset is not None else 0
        plan = self._plan(n)
        leaves = self._leaves_for(plan)
        if self.dataset is not None:
            leaves[plan.slots.index((self.feeds["features"], "value"))] = self.dataset.X
            leaves[plan.slots.index((self.feeds["targets"], "value"))] = self.dataset.Y
        with np.errstate(all="ignore"):
            return float(plan.call("loss", leaves))

    # ---------------------------------------------------------------- results
    def current_tensors(self) -> dict:
        return dict(zip(self.names, self.params))

    def write_back(self) -> None:
        """Store the trained parameters in the graph (one event per node)."""
        self.graph.set_tensors(self.current_tensors())

    def predict(self, X: np.ndarray, node: str | None = None) -> np.ndarray:
        """The value of ``node`` (default: the prediction feeding the loss) for features X."""
        node = node or prediction_node(self.graph)
        feeds = {}
        if self.dataset is not None:
            k = self.dataset.Y.shape[1]
            feeds = {self.feeds["features"]: X, self.feeds["targets"]: np.zeros((len(X), k))}
        plan = self._predict_plans.get(len(X))       # a decision boundary asks 10× a second
        if plan is None:
            plan = self._predict_plans[len(X)] = Plan.build(self.graph, feeds)
        leaves = plan.leaf_values(self.graph, feeds)
        for name, value in zip(self.names, self.params):
            leaves[plan.slots.index(name)] = value
        with np.errstate(all="ignore"):
            values = plan.call("forward", leaves)
        index = [i.id for i in plan.graph_nodes].index(node)
        return np.asarray(values[index])
