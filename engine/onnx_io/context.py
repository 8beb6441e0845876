"""The state of one import: which of our nodes holds each ONNX value, the model's constant
tensors and its shapes (from ONNX shape inference with the batch size fixed), and how a value
becomes a node the first time an op uses it (an input, a trainable parameter or a constant).
"""

from __future__ import annotations

import re
from collections import defaultdict

import numpy as np

from ..api import Graph
from ..errors import GraphError
from . import require_onnx

LABEL_CHARS = 40


class Refusal(Exception):
    """An op the importer knows, used in a way it cannot map (the reason, in words)."""


def label_for(name: str) -> str:
    """An ONNX name as a short canvas label: "/fc1/Gemm_output_0" reads "fc1/Gemm"."""
    text = re.sub(r"_output_\d+$", "", name.strip("/")) or name or "value"
    return text if len(text) <= LABEL_CHARS else "…" + text[-(LABEL_CHARS - 1):]


class Context:
    def __init__(self, model, shapes: dict, batch: int, seed: int = 0):
        self.onnx = require_onnx()
        self.graph = Graph()
        self.model_graph = model.graph
        self.shapes = shapes
        self.batch = batch
        self.rng = np.random.default_rng(seed)
        self.values: dict[str, str] = {}          # ONNX value name -> our node id
        self.weights: dict[str, object] = {}      # initializers: trainable parameters
        self.constants: dict[str, np.ndarray] = {}   # Constant nodes' outputs
        self.defaults: dict[str, object] = {}     # an input's default value (IR ≥ 4)
        init_names = set()
        for tensor in model.graph.initializer:
            init_names.add(tensor.name)
        inputs = {vi.name: vi for vi in model.graph.input}
        for tensor in model.graph.initializer:
            if tensor.name in inputs and model.ir_version >= 4:
                self.defaults[tensor.name] = tensor
            else:
                self.weights[tensor.name] = tensor
        self.inputs = {n: vi for n, vi in inputs.items()
                       if n not in init_names or n in self.defaults}
        self.consumers: dict[str, list] = defaultdict(list)
        for node in model.graph.node:
            for name in node.input:
                if name:
                    self.consumers[name].append(node)
        self.producer = {out: node for node in model.graph.node for out in node.output if out}
        self.opset = next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")),
                          1)
        self.absorbed: set[int] = set()           # id() of nodes another mapper took in
        self.logits: dict[int, str] = {}          # a loss node's id() -> the logits it reads
        self.data_inputs: list[str] = []          # our input nodes made from model inputs
        self.targets: list[str] = []              # our target inputs (one-hot labels)

    # ------------------------------------------------------------ reading the model
    def array(self, tensor) -> np.ndarray:
        if tensor.data_location == self.onnx.TensorProto.EXTERNAL:
            raise GraphError(f"tensor {tensor.name} is stored in a separate file; only "
                             f"self-contained models are imported")
        try:
            return np.array(self.onnx.numpy_helper.to_array(tensor))
        except Exception as exc:      # noqa: BLE001 - a malformed tensor in a hostile file
            raise GraphError(f"tensor {tensor.name or '(unnamed)'} cannot be read: "
                             f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
                             ) from None

    def const(self, name: str):
        """The numbers of a value known at import time (an initializer or a Constant), as a
        float or int array; None for data that flows through the graph."""
        if name in self.constants:
            return self.constants[name]
        if name in self.weights:
            return self.array(self.weights[name])
        return None

    def shape(self, name: str) -> tuple | None:
        if name in self.constants:
            return tuple(np.shape(self.constants[name]))
        if name in self.weights:
            return tuple(self.weights[name].dims)
        return self.shapes.get(name)

    def only_consumer(self, name: str):
        users = self.consumers.get(name, [])
        outputs = {vi.name for vi in self.model_graph.output}
        return users[0] if len(users) == 1 and name not in outputs else None

    # ------------------------------------------------------------ building ours
    def node(self, name: str) -> str:
        """Our node for an ONNX value, made on first use."""
        if name in self.values:
            return self.values[name]
        g = self.graph
        if name in self.inputs:
            node = g.input(label_for(name), self._input_value(name))
            self.data_inputs.append(node)
        elif name in self.weights:
            node = g.parameter(label_for(name), _as_tensor(self.array(self.weights[name])))
        elif name in self.constants:
            node = g.constant(_as_tensor(self.constants[name]), label=label_for(name))
        else:
            raise Refusal(f"its input {name!r} is made by no node of the model")
        self.values[name] = node
        return node

    def _input_value(self, name: str):
        if name in self.defaults:
            return _as_tensor(self.array(self.defaults[name]))
        elem = self.inputs[name].type.tensor_type.elem_type
        if elem not in float_types(self.onnx):
            raise Refusal(f"input {name!r} holds {self.onnx.helper.tensor_dtype_to_np_dtype(elem)}"
                          f" numbers; only float inputs map onto ours")
        shape = self.shape(name)
        if shape is None:
            raise Refusal(f"input {name!r} declares no shape")
        return _as_tensor(np.round(self.rng.normal(size=shape), 2))

    def one_hot_target(self, name: str, classes: int) -> str:
        """A class-index label input (N,) as our one-hot target (N, classes); the seeded rows
        name classes 0, 1, 2, … in turn."""
        if name in self.values:
            return self.values[name]
        if name not in self.inputs:
            raise Refusal(f"the labels {name!r} must be a model input")
        shape = self.shape(name)
        if shape is None or len(shape) != 1:
            raise Refusal(f"the labels {name!r} must be a vector of class indices")
        value = np.eye(classes)[np.arange(shape[0]) % classes]
        node = self.graph.input(label_for(name), value, feed="targets")
        self.values[name] = node
        self.targets.append(node)
        return node

    def add(self, op: str, *inputs: str, label: str, tensors=None, **config) -> str:
        return self.graph.apply(op, *inputs, label=label_for(label), tensors=tensors, **config)

    def bind(self, name: str, node: str) -> None:
        self.values[name] = node


def float_types(onnx) -> tuple:
    t = onnx.TensorProto
    return (t.FLOAT, t.DOUBLE, t.FLOAT16, t.BFLOAT16)


def _as_tensor(value):
    """A float64 value as our tensors hold it: a Python float for a scalar."""
    value = np.asarray(value, dtype=float)
    return float(value) if value.ndim == 0 else value
