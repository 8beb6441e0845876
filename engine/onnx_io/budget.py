"""How big a model the importer takes: what the canvas can still show readably and what a graph
file may hold (engine/limits.py). Checked on the parsed model before anything is built.

- the file: at most MAX_FILE_BYTES (64 MiB), read with safe_read before protobuf sees it;
- nodes: at most MAX_ONNX_NODES ONNX nodes, and the imported graph at most MAX_IMPORTED_NODES
  of ours (a dense layer is one node for a Gemm, or a MatMul and its Add);
- numbers: one tensor at most MAX_TENSOR_ELEMENTS, all initializers and constants together at
  most MAX_TOTAL_ELEMENTS, measured from their declared dimensions before any is decoded.
"""

from __future__ import annotations

import math

from ..errors import GraphError
from ..limits import MAX_FILE_BYTES, MAX_TENSOR_ELEMENTS, MAX_TOTAL_ELEMENTS

MAX_ONNX_NODES = 400
MAX_IMPORTED_NODES = 300

__all__ = ["MAX_FILE_BYTES", "MAX_IMPORTED_NODES", "MAX_ONNX_NODES", "MAX_TENSOR_ELEMENTS",
           "MAX_TOTAL_ELEMENTS", "check_model_size", "check_graph_size"]


def _tensors(graph):
    """Every TensorProto the graph carries: initializers and Constant nodes' values."""
    yield from graph.initializer
    for node in graph.node:
        for attr in node.attribute:
            if attr.HasField("t"):
                yield attr.t


def check_model_size(model, source: str) -> None:
    """GraphError when the model has too many nodes or numbers to import."""
    graph = model.graph
    if len(graph.node) > MAX_ONNX_NODES:
        raise GraphError(f"{source}: the model has {len(graph.node):,} nodes; Backprop Studio "
                         f"imports at most {MAX_ONNX_NODES:,} (it shows every node)")
    total = 0
    for tensor in _tensors(graph):
        if any(d < 0 for d in tensor.dims):
            raise GraphError(f"{source}: tensor {tensor.name or '(unnamed)'} has a negative "
                             f"dimension {list(tensor.dims)}")
        n = math.prod(tensor.dims)
        if n > MAX_TENSOR_ELEMENTS:
            raise GraphError(f"{source}: tensor {tensor.name or '(unnamed)'} holds {n:,} "
                             f"numbers; a tensor may hold at most {MAX_TENSOR_ELEMENTS:,}")
        total += n
        if total > MAX_TOTAL_ELEMENTS:
            raise GraphError(f"{source}: the model's weights hold more than "
                             f"{MAX_TOTAL_ELEMENTS:,} numbers, the most a graph may hold")


def check_graph_size(n_nodes: int, source: str) -> None:
    if n_nodes > MAX_IMPORTED_NODES:
        raise GraphError(f"{source}: the model would become {n_nodes:,} nodes; Backprop Studio "
                         f"imports at most {MAX_IMPORTED_NODES:,}")
