"""A graph of ours as an ONNX model: inputs as graph inputs (their values as defaults), trainable
tensors as initializers, constants as Constant nodes, and the forward pass up to the output.

Numbers are written as float64 (DOUBLE), so importing the model back gives the same values
bit for bit where the ops are the same; a loss is written as the elementary ONNX ops that
compute it (mse as Sub, Mul, ReduceSum and a scale), which import back as ours with the same
value. Each ONNX node is named after our node's label, each value after our node's id; the
inputs' dataset feeds and the training settings ride along in the model's metadata.
"""

from __future__ import annotations

import json

import networkx as nx
import numpy as np

from ..errors import GraphError
from ..plan import Plan
from . import require_onnx

OPSET = 17
IR_VERSION = 8                 # what onnxruntime 1.16 and later read
METADATA = "backprop_studio"   # the metadata key: {"feeds": {input: feed}, "training": {...}}
SIMPLE = {"add": "Add", "subtract": "Sub", "multiply": "Mul", "divide": "Div", "max": "Max",
          "matmul": "MatMul", "exp": "Exp", "log": "Log", "sigmoid": "Sigmoid", "tanh": "Tanh",
          "relu": "Relu", "transpose": "Transpose"}


class _Writer:
    def __init__(self, onnx):
        self.onnx, self.h = onnx, onnx.helper
        self.nodes, self.inits, self.inputs = [], [], []
        self.used: set[str] = set()          # value names
        self.node_names: set[str] = set()

    def name(self, hint: str, used: set | None = None) -> str:
        used = self.used if used is None else used
        name, k = hint, 1
        while name in used:
            k += 1
            name = f"{hint}_{k}"
        used.add(name)
        return name

    def tensor(self, name: str, value):
        return self.onnx.numpy_helper.from_array(np.asarray(value, dtype=np.float64), name)

    def const(self, value, hint: str) -> str:
        out = self.name(hint)
        self.nodes.append(self.h.make_node("Constant", [], [out],
                                           name=self.name(out, self.node_names),
                                           value=self.tensor(out, value)))
        return out

    def op(self, op_type: str, inputs: list, label: str, out: str | None = None, **attrs) -> str:
        """One ONNX node; ``out`` given: it is our node's own (named after its label), else a
        piece of a larger one (a loss's Sub, a 1-D dense layer's MatMul)."""
        node_name = self.name(label if out else f"{label}/{op_type}", self.node_names)
        out = out or self.name(f"{label}/{op_type}")
        self.nodes.append(self.h.make_node(op_type, inputs, [out], name=node_name, **attrs))
        return out


def to_model(graph):
    """The ONNX ModelProto of ``graph``'s forward pass to its output (all sinks when no output
    is chosen), checked with onnx.checker."""
    onnx = require_onnx()
    plan = Plan.build(graph)
    if plan.output is not None:
        keep = nx.ancestors(graph.nx, graph.output) | {graph.output}
        outputs = [graph.output]
    else:
        outputs = [n for n in graph.nodes if graph.nx.out_degree(n) == 0]
        keep = set(graph.nodes)
    w = _Writer(onnx)
    for info in plan.graph_nodes:
        w.used.add(info.id)
    shape_of = {info.id: info.shape for info in plan.graph_nodes}
    feeds = {}
    for info in plan.graph_nodes:
        if info.id in keep:
            _write(w, graph, info, shape_of)
            feed = info.config.get("feed") if info.op.name == "input" else None
            if feed:
                feeds[info.id] = feed
    outs = [w.h.make_tensor_value_info(n, onnx.TensorProto.DOUBLE, list(shape_of[n]))
            for n in outputs]
    g = w.h.make_graph(w.nodes, "backprop_studio", w.inputs, outs, w.inits)
    model = w.h.make_model(g, opset_imports=[w.h.make_opsetid("", OPSET)],
                           producer_name="backprop-studio", ir_version=IR_VERSION)
    extra = {"feeds": feeds}
    if graph.nx.graph.get("training"):
        extra["training"] = graph.nx.graph["training"]
    w.h.set_model_props(model, {METADATA: json.dumps(extra)})
    onnx.checker.check_model(model)
    return model


def export_onnx(graph, path):
    """Write ``graph`` as an ONNX model at ``path``; returns the model."""
    model = to_model(graph)
    try:
        with open(path, "wb") as f:
            f.write(model.SerializeToString())
    except OSError as exc:
        raise GraphError(f"{path}: cannot write it ({exc.strerror or exc})") from None
    return model


def _write(w: _Writer, graph, info, shape_of) -> None:
    node, op, label = info.id, info.op.name, info.label
    ins = [graph.source_of(node, p) for p in info.op.ports]
    tensors = graph.node(node)["tensors"]
    if op == "input":
        w.inputs.append(w.h.make_tensor_value_info(node, w.onnx.TensorProto.DOUBLE,
                                                   list(info.shape)))
        w.inits.append(w.tensor(node, tensors["value"]))       # its default value
    elif op == "parameter":
        w.inits.append(w.tensor(node, tensors["value"]))
    elif op == "constant":
        w.nodes.append(w.h.make_node("Constant", [], [node], name=w.name(label, w.node_names),
                                     value=w.tensor(node, tensors["value"])))
    elif op in SIMPLE:
        w.op(SIMPLE[op], ins, label, node)
    elif op == "power":
        w.op("Pow", [ins[0], w.const(info.config["p"], f"{node}.p")], label, node)
    elif op in ("sum", "mean"):
        _reduce(w, "ReduceSum" if op == "sum" else "ReduceMean", ins[0], shape_of[ins[0]],
                label, node)
    elif op == "flatten":
        w.op("Flatten", ins, label, node, axis=int(info.config["axis"]))
    elif op == "leaky_relu":
        w.op("LeakyRelu", ins, label, node, alpha=float(info.config["alpha"]))
    elif op in ("softmax", "log_softmax"):
        w.op("Softmax" if op == "softmax" else "LogSoftmax", ins, label, node, axis=-1)
    elif op == "dense":
        weight, bias = w.name(f"{node}.W"), w.name(f"{node}.b")
        w.inits += [w.tensor(weight, tensors["W"]), w.tensor(bias, tensors["b"])]
        if len(shape_of[ins[0]]) == 2:
            w.op("Gemm", [ins[0], weight, bias], label, node)
        else:
            product = w.name(f"{node}/MatMul")       # the MatMul named as the layer: the
            w.nodes.append(w.h.make_node(                # importer labels a dense from it
                "MatMul", [ins[0], weight], [product], name=w.name(label, w.node_names)))
            w.nodes.append(w.h.make_node("Add", [product, bias], [node],
                                         name=w.name(f"{label}/Add", w.node_names)))
    elif op in _LOSSES:
        _LOSSES[op](w, ins, shape_of[ins[0]], label, node)
    else:
        raise GraphError(f"{op} has no ONNX form yet", node, label)


def _reduce(w, op_type, x, shape, label, out=None) -> str:
    """All of x to one number; a single number is itself (ONNX reduces tensors)."""
    if shape == ():
        return w.op("Identity", [x], label, out)
    return w.op(op_type, [x], label, out, keepdims=0)


def _rows(shape) -> float:
    return float(shape[0]) if len(shape) == 2 else 1.0


def _mse(w, ins, shape, label, out):
    d = w.op("Sub", ins, label)
    total = _reduce(w, "ReduceSum", w.op("Mul", [d, d], label), shape, label)
    w.op("Mul", [total, w.const(0.5 / _rows(shape), f"{out}.scale")], label, out)


def _bce(w, ins, shape, label, out):
    p, y = ins
    one = w.const(1.0, f"{out}.one")
    first = w.op("Mul", [y, w.op("Log", [p], label)], label)
    second = w.op("Mul", [w.op("Sub", [one, y], label),
                          w.op("Log", [w.op("Sub", [one, p], label)], label)], label)
    total = _reduce(w, "ReduceSum", w.op("Add", [first, second], label), shape, label)
    w.op("Mul", [total, w.const(-1.0 / _rows(shape), f"{out}.scale")], label, out)


def _softmax_ce(w, ins, shape, label, out):
    z, y = ins
    logp = w.op("LogSoftmax", [z], label, axis=-1)
    total = _reduce(w, "ReduceSum", w.op("Mul", [y, logp], label), shape, label)
    w.op("Mul", [total, w.const(-1.0 / _rows(shape), f"{out}.scale")], label, out)


_LOSSES = {"mse": _mse, "bce": _bce, "softmax_ce": _softmax_ce}
