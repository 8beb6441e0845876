"""Rebuild the two bundled ONNX models with the onnx helper API (no framework needed):
`python resources/examples/build_onnx_examples.py`.

They are written as PyTorch's exporter writes a model (float32, Gemm with transB for each
Linear layer, names such as /fc1/Gemm and fc1.weight, an open batch axis N), so importing them
shows what importing a model made elsewhere looks like:

- mlp_classifier.onnx: 2 features → Linear(2, 4) → ReLU → Linear(4, 3) → LogSoftmax, with a
  NegativeLogLikelihoodLoss against class-index labels: a training graph (F.cross_entropy).
- regression_net.onnx: 1 feature → Linear(1, 6) → Tanh → Linear(6, 1): a forward model
  without a loss (import it with --loss mse; it fits the built-in "line" dataset's shape).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = Path(__file__).resolve().parent
OPSET = 17


def linear(rng, name: str, n_in: int, n_out: int) -> list:
    """A Linear layer's weight (out × in, as PyTorch stores it) and bias, seeded like
    PyTorch's default initialisation: uniform in ±1/√in."""
    bound = 1.0 / np.sqrt(n_in)
    w = rng.uniform(-bound, bound, (n_out, n_in)).astype(np.float32)
    b = rng.uniform(-bound, bound, n_out).astype(np.float32)
    return [numpy_helper.from_array(w, f"{name}.weight"), numpy_helper.from_array(b, f"{name}.bias")]


def gemm(name: str, x: str) -> onnx.NodeProto:
    return helper.make_node("Gemm", [x, f"{name}.weight", f"{name}.bias"],
                            [f"/{name}/Gemm_output_0"], name=f"/{name}/Gemm", alpha=1.0,
                            beta=1.0, transB=1)


def save(graph: onnx.GraphProto, name: str) -> Path:
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="build_onnx_examples", ir_version=8)
    model = onnx.shape_inference.infer_shapes(model)
    onnx.checker.check_model(model, full_check=True)
    path = HERE / name
    onnx.save(model, path)
    return path


def mlp_classifier() -> Path:
    rng = np.random.default_rng(14)
    nodes = [gemm("fc1", "input"),
             helper.make_node("Relu", ["/fc1/Gemm_output_0"], ["/relu/Relu_output_0"],
                              name="/relu/Relu"),
             gemm("fc2", "/relu/Relu_output_0"),
             helper.make_node("LogSoftmax", ["/fc2/Gemm_output_0"], ["/LogSoftmax_output_0"],
                              name="/LogSoftmax", axis=1),
             helper.make_node("NegativeLogLikelihoodLoss", ["/LogSoftmax_output_0", "target"],
                              ["loss"], name="/NegativeLogLikelihoodLoss", reduction="mean")]
    graph = helper.make_graph(
        nodes, "mlp_classifier",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 2]),
         helper.make_tensor_value_info("target", TensorProto.INT64, ["N"])],
        [helper.make_tensor_value_info("loss", TensorProto.FLOAT, [])],
        linear(rng, "fc1", 2, 4) + linear(rng, "fc2", 4, 3))
    return save(graph, "mlp_classifier.onnx")


def regression_net() -> Path:
    rng = np.random.default_rng(15)
    nodes = [gemm("fc1", "x"),
             helper.make_node("Tanh", ["/fc1/Gemm_output_0"], ["/act/Tanh_output_0"],
                              name="/act/Tanh"),
             helper.make_node("Gemm", ["/act/Tanh_output_0", "fc2.weight", "fc2.bias"], ["y"],
                              name="/fc2/Gemm", alpha=1.0, beta=1.0, transB=1)]
    graph = helper.make_graph(
        nodes, "regression_net",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 1])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 1])],
        linear(rng, "fc1", 1, 6) + linear(rng, "fc2", 6, 1))
    return save(graph, "regression_net.onnx")


if __name__ == "__main__":
    for path in (mlp_classifier(), regression_net()):
        print(f"wrote {path.name} ({path.stat().st_size:,} bytes)")
