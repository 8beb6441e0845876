"""A dense layer seen as the seeds draw it: scalar neurons and one weight per edge.

The seeds (a 2-2-2 sigmoid network, ∂C/∂w = ∂z/∂w · ∂C/∂z) show every weight w_nm on its own
edge from neuron n below to neuron m above, with its forward-pass term a_n (∂z_m/∂w_nm, the
input the weight multiplies), its backward-pass term ∂C/∂z_m, and their product ∂C/∂w_nm.
``expand_dense`` reads those numbers out of a Result the engine recorded (the layer's input
value, its output z and gradient ∂C/∂z, and, when the layer feeds a sigmoid, that node's value
and the local gradient σ'(z) its trace step recorded) and lays them out per neuron and per
weight. The reverse network's terms w_nm·∂C/∂z_m, which add up to ∂C/∂a_n, are here too.
Over a batch of E examples each term has one number per example, and
∂C/∂w_nm = Σₑ a_n⁽ᵉ⁾ · ∂C/∂z_m⁽ᵉ⁾, which equals the engine's ∂L/∂W[n, m] = (xᵀ·δ)[n, m].

No Qt; the canvas's neuron view only displays these records.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .backprop import Result
from .graph import ComputationGraph

MAX_UNITS = 8          # a layer with more units or inputs stays in matrix form on the canvas

Values = tuple[float, ...]          # one number per example of the batch


@dataclass(frozen=True)
class InputUnit:
    """Neuron n of the layer below: the value a_n it feeds in and ∂C/∂a_n it gets back."""
    index: int
    a: Values
    grad: Values | None


@dataclass(frozen=True)
class Neuron:
    """Neuron m of this layer: z_m = Σ_n a_n·w_nm + b_m; with a sigmoid after the layer, also
    x_m = σ(z_m), σ'(z_m) and ∂C/∂x_m, whose product is ∂C/∂z_m."""
    index: int
    z: Values
    dz: Values | None               # ∂C/∂z_m, the backward-pass term
    bias: float
    dbias: float | None             # ∂C/∂b_m = Σₑ ∂C/∂z_m
    out: Values | None = None       # σ(z_m), when the layer feeds a sigmoid
    slope: Values | None = None     # σ'(z_m) = σ(z_m)(1 − σ(z_m)), as the trace recorded it
    dout: Values | None = None      # ∂C/∂σ(z_m)


@dataclass(frozen=True)
class Weight:
    """The weight w_nm on the edge from input n to neuron m, and its three terms."""
    n: int
    m: int
    w: float
    a: Values                       # forward pass: ∂z_m/∂w_nm = a_n
    dz: Values | None               # backward pass: ∂C/∂z_m
    dw: float | None                # their product, summed over the batch: ∂C/∂w_nm
    back: Values | None = None      # reverse network: w_nm·∂C/∂z_m, a term of ∂C/∂a_n


@dataclass(frozen=True)
class NeuronLayer:
    node: str
    source: str | None              # the node feeding the layer's input x
    activation: str | None          # the sigmoid node the layer feeds, if any
    examples: int                   # E, the batch size
    inputs: tuple[InputUnit, ...]
    neurons: tuple[Neuron, ...]
    weights: tuple[Weight, ...]     # row by row: (n=0, m=0), (0, 1), … (1, 0), …

    def weight(self, n: int, m: int) -> Weight:
        return self.weights[n * len(self.neurons) + m]


def fits(graph: ComputationGraph, node: str) -> bool:
    """Whether a dense layer is small enough to draw neuron by neuron."""
    cfg = graph.node(node)["config"]
    return graph.op(node).name == "dense" and int(cfg["units"]) <= MAX_UNITS \
        and int(cfg["in_features"]) <= MAX_UNITS


def sigmoid_after(graph: ComputationGraph, node: str) -> str | None:
    """The sigmoid the layer feeds when it feeds exactly one node and that node is a sigmoid:
    the seeds' neuron, z then σ(z)."""
    consumers = graph.consumers_of(node)
    if len(consumers) == 1 and graph.op(consumers[0][0]).name == "sigmoid":
        return consumers[0][0]
    return None


def _rows(value) -> np.ndarray | None:
    """A layer's vector or batch as E rows."""
    if value is None:
        return None
    arr = np.asarray(value, dtype=float)
    return arr.reshape(1, -1) if arr.ndim <= 1 else arr


def _column(arr: np.ndarray | None, k: int) -> Values | None:
    return None if arr is None else tuple(float(v) for v in arr[:, k])


def _local(result: Result, source: str, target: str):
    """The local gradient the trace recorded on the edge source → target."""
    for step in result.trace or ():
        if step.kind == "edge" and step.source == source and step.node == target:
            return step.local
    return None


def expand_dense(graph: ComputationGraph, result: Result, node: str) -> NeuronLayer:
    """The dense layer ``node`` of ``graph`` with the numbers ``result`` recorded for it."""
    if graph.op(node).name != "dense":
        raise ValueError(f"{graph.label(node)} is a {graph.op(node).name}, not a dense layer")
    tensors = graph.node(node)["tensors"]
    W = np.asarray(tensors["W"], dtype=float)
    b = np.asarray(tensors["b"], dtype=float)
    source = graph.source_of(node, "x")
    x = _rows(result.values.get(source)) if source else None
    if x is None:
        raise ValueError(f"{graph.label(node)} has no recorded input; run the graph first")
    dx = _rows(result.grads.get(source))
    z = _rows(result.values.get(node))
    dz = _rows(result.grads.get(node))
    act = sigmoid_after(graph, node)
    out = dout = slope = None
    if act is not None:
        out, dout = _rows(result.values.get(act)), _rows(result.grads.get(act))
        slope = _rows(_local(result, node, act))
    n_in, n_out = W.shape
    inputs = tuple(InputUnit(n, _column(x, n), _column(dx, n)) for n in range(n_in))
    neurons = tuple(Neuron(m, _column(z, m), _column(dz, m), float(b[m]),
                           None if dz is None else float(np.sum(dz[:, m])),
                           _column(out, m), _column(slope, m), _column(dout, m))
                    for m in range(n_out))
    weights = tuple(Weight(n, m, float(W[n, m]), _column(x, n), _column(dz, m),
                           None if dz is None else float(np.dot(x[:, n], dz[:, m])),
                           None if dz is None else _column(W[n, m] * dz, m))
                    for n in range(n_in) for m in range(n_out))
    return NeuronLayer(node, source, act, x.shape[0], inputs, neurons, weights)
