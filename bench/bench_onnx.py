"""ONNX import and export times (with the package installed, `pip install -e ".[test]"`):
`python bench/bench_onnx.py` prints one line per case (the
median of several runs, wall and CPU). Figures go in README, "Your own model"."""

from __future__ import annotations

import statistics
import time

import numpy as np
from onnx import TensorProto, helper, numpy_helper

from backprop_studio.engine import fileformat
from backprop_studio.engine.onnx_io.budget import MAX_IMPORTED_NODES
from backprop_studio.engine.onnx_io.exporter import to_model
from backprop_studio.engine.onnx_io.importer import finish, parse_model, translate


def timed(label: str, fn, runs: int = 7) -> None:
    walls, cpus = [], []
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    print(f"{label}: {statistics.median(walls) * 1e3:.1f} ms wall, "
          f"{statistics.median(cpus) * 1e3:.1f} ms CPU (median of {runs})")


def deep_mlp(layers: int) -> bytes:
    """Linear(16, 16) + Tanh, ``layers`` times: two nodes of ours per layer."""
    rng = np.random.default_rng(0)
    nodes, inits, x = [], [], "x"
    for i in range(layers):
        inits += [numpy_helper.from_array(rng.normal(size=(16, 16)), f"W{i}"),
                  numpy_helper.from_array(rng.normal(size=16), f"b{i}")]
        nodes += [helper.make_node("Gemm", [x, f"W{i}", f"b{i}"], [f"h{i}"], name=f"/fc{i}/Gemm"),
                  helper.make_node("Tanh", [f"h{i}"], [f"a{i}"], name=f"/act{i}/Tanh")]
        x = f"a{i}"
    g = helper.make_graph(nodes, "deep", [helper.make_tensor_value_info("x", TensorProto.DOUBLE,
                                                                        ["N", 16])],
                          [helper.make_tensor_value_info(x, TensorProto.DOUBLE, ["N", 16])],
                          inits)
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]).SerializeToString()


def main() -> None:
    classifier = (fileformat.EXAMPLES / "mlp_classifier.onnx").read_bytes()
    timed("import mlp_classifier.onnx (6 nodes)",
          lambda: finish(translate(parse_model(classifier))))
    layers = (MAX_IMPORTED_NODES - 1) // 2
    deep = deep_mlp(layers)
    timed(f"import a {layers}-layer MLP ({2 * layers + 1} nodes, the budget's size)",
          lambda: finish(translate(parse_model(deep))), runs=3)
    spirals = fileformat.load(fileformat.EXAMPLES / "spirals_mlp.json")
    timed("export spirals_mlp.json (9 nodes)", lambda: to_model(spirals))


if __name__ == "__main__":
    main()
