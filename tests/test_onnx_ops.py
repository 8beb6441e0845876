"""Every mapped ONNX op, in a model built here with onnx.helper: the imported graph's forward
values equal onnxruntime's outputs, and its gradients pass the gradient check (central finite
differences, engine.gradcheck). The models are float64, so the two agree to rounding."""

from __future__ import annotations

import numpy as np
import pytest
from onnx import helper
from onnx_helpers import compare_with_onnxruntime, model

from backprop_studio.engine.gradcheck import gradient_check

N = helper.make_node
rng = np.random.default_rng(7)
C3 = rng.normal(size=3)
POS3 = rng.uniform(0.5, 2.0, size=3)
W32 = rng.normal(size=(3, 2))
W23 = rng.normal(size=(2, 3))
B2 = rng.normal(size=2)
X = {"x": ["N", 3]}


def _const(name, value):
    return N("Constant", [], [name], value=helper.make_tensor(
        name, 11, list(np.shape(value)), np.ravel(np.asarray(value, dtype=float)).tolist()))


CASES = {
    "Add": ([N("Add", ["x", "c"], ["y"])], X, {"c": C3}),
    "Sub": ([N("Sub", ["c", "x"], ["y"])], X, {"c": C3}),
    "Mul": ([N("Mul", ["x", "c"], ["y"])], X, {"c": C3}),
    "Div": ([N("Div", ["x", "c"], ["y"])], X, {"c": POS3}),
    "Pow (Constant exponent)": ([_const("p", 3.0), N("Pow", ["x", "p"], ["y"])], X, {}),
    "Pow (initializer exponent)": ([N("Pow", ["x", "p"], ["y"])], X, {"p": np.array(2.0)}),
    "Exp": ([N("Exp", ["x"], ["y"])], X, {}),
    "Log": ([N("Mul", ["x", "x"], ["s"]), N("Add", ["s", "one"], ["t"]),
             N("Log", ["t"], ["y"])], X, {"one": np.array(1.0)}),
    "Max (two)": ([N("Max", ["x", "c"], ["y"])], X, {"c": C3}),
    "Max (three)": ([N("Max", ["x", "c", "d"], ["y"])], X, {"c": C3, "d": -C3}),
    "Relu": ([N("Relu", ["x"], ["y"])], X, {}),
    "LeakyRelu": ([N("LeakyRelu", ["x"], ["y"], alpha=0.2)], X, {}),
    "Sigmoid": ([N("Sigmoid", ["x"], ["y"])], X, {}),
    "Tanh": ([N("Tanh", ["x"], ["y"])], X, {}),
    "ReduceSum (all, keepdims 0)": ([N("ReduceSum", ["x"], ["y"], keepdims=0)], X, {}),
    "ReduceSum (axes input, keepdims 1)": ([N("ReduceSum", ["x", "axes"], ["y"])], X,
                                           {"axes": np.array([0, 1], dtype=np.int64)}),
    "ReduceMean (axes attribute)": ([N("ReduceMean", ["x"], ["y"], axes=[0, -1], keepdims=0)],
                                    X, {}),
    "Identity": ([N("Identity", ["x"], ["i"]), N("Tanh", ["i"], ["y"])], X, {}),
    "Constant": ([_const("k", [[1.0, -2.0, 0.5]]), N("Mul", ["x", "k"], ["y"])], X, {}),
    "Gemm as dense (transB)": ([N("Gemm", ["x", "W", "b"], ["y"], transB=1)], X,
                               {"W": W23, "b": B2}),
    "Gemm as dense (alpha, beta)": ([N("Gemm", ["x", "W", "b"], ["y"], alpha=0.5, beta=2.0)],
                                    X, {"W": W32, "b": B2}),
    "Gemm (transA, no C)": ([N("Gemm", ["x", "W"], ["y"], transA=1)], {"x": [3, 4]},
                            {"W": rng.normal(size=(3, 2))}),
    "Gemm (data B, alpha)": ([N("Gemm", ["x", "v", "b"], ["y"], alpha=2.0, beta=0.5)],
                             {"x": ["N", 3], "v": [3, 2]}, {"b": B2}),
    "MatMul + Add as dense": ([N("MatMul", ["x", "W"], ["m"]), N("Add", ["m", "b"], ["y"])], X,
                              {"W": W32, "b": B2}),
    "MatMul alone": ([N("MatMul", ["x", "W"], ["y"])], X, {"W": W32}),
    "Transpose": ([N("Transpose", ["x"], ["y"], perm=[1, 0])], X, {}),
    "Flatten": ([N("Flatten", ["x"], ["y"], axis=1)], {"x": ["N", 2, 3]}, {}),
    "Reshape (as flatten)": ([N("Reshape", ["x", "s"], ["y"])], {"x": ["N", 2, 3]},
                             {"s": np.array([0, -1], dtype=np.int64)}),
    "Softmax": ([N("Softmax", ["x"], ["y"], axis=-1)], X, {}),
    "LogSoftmax": ([N("LogSoftmax", ["x"], ["y"], axis=1)], X, {}),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_mapped_op_matches_onnxruntime_and_passes_the_gradient_check(case):
    nodes, inputs, inits = CASES[case]
    m = model(nodes, inputs, ["y"], inits)
    _, g, _ = compare_with_onnxruntime(m)
    report = gradient_check(g)
    assert report.passed, (case, report.worst)
    assert report.tensors               # something was checked


def test_dense_keeps_the_weights_in_our_layout():
    """Gemm with transB holds W as units × in; our W is in × units: its transpose, exactly."""
    m = model([N("Gemm", ["x", "W", "b"], ["y"], transB=1, name="fc")], X, ["y"],
              {"W": W23, "b": B2})
    _, g, _ = compare_with_onnxruntime(m)
    dense = [n for n in g.nodes if g.node(n)["op"] == "dense"]
    assert len(dense) == 1 and g.label(dense[0]) == "fc"
    tensors = g.node(dense[0])["tensors"]
    assert np.array_equal(tensors["W"], W23.T) and np.array_equal(tensors["b"], B2)
    assert g.node(dense[0])["config"]["in_features"] == 3
    assert g.node(dense[0])["config"]["units"] == 2


def test_matmul_and_add_become_one_dense_node():
    m = model([N("MatMul", ["x", "W"], ["m"]), N("Add", ["b", "m"], ["y"])], X, ["y"],
              {"W": W32, "b": B2})
    _, g, _ = compare_with_onnxruntime(m)
    assert sorted(g.node(n)["op"] for n in g.nodes) == ["dense", "input"]
    d = next(n for n in g.nodes if g.node(n)["op"] == "dense")
    assert np.array_equal(g.node(d)["tensors"]["W"], W32)


LOSS_MODELS = {
    "LogSoftmax + NegativeLogLikelihoodLoss": [
        N("Gemm", ["x", "W", "b"], ["z"]), N("LogSoftmax", ["z"], ["lp"], axis=-1),
        N("NegativeLogLikelihoodLoss", ["lp", "labels"], ["loss"])],
    "Softmax + Log + NegativeLogLikelihoodLoss": [
        N("Gemm", ["x", "W", "b"], ["z"]), N("Softmax", ["z"], ["s"], axis=1),
        N("Log", ["s"], ["lp"]), N("NegativeLogLikelihoodLoss", ["lp", "labels"], ["loss"])],
    "SoftmaxCrossEntropyLoss": [
        N("Gemm", ["x", "W", "b"], ["z"]),
        N("SoftmaxCrossEntropyLoss", ["z", "labels"], ["loss"], reduction="mean")],
}


@pytest.mark.parametrize("case", sorted(LOSS_MODELS))
def test_softmax_and_a_likelihood_loss_become_softmax_ce(case):
    m = model(LOSS_MODELS[case], {"x": ["N", 3], "labels": ["N"]}, ["loss"],
              {"W": W32, "b": B2}, labels={"labels"})
    t, g, ours = compare_with_onnxruntime(m, batch=5)
    assert sorted(g.node(n)["op"] for n in g.nodes) == ["dense", "input", "input", "softmax_ce"]
    assert g.node(g.output)["op"] == "softmax_ce" and t.losses == ["loss"]
    target = g.node(t.inputs["labels"])
    assert target["config"]["feed"] == "targets"
    assert np.array_equal(target["tensors"]["value"], np.eye(2)[[0, 1, 0, 1, 0]])
    assert gradient_check(g).passed


def test_a_float32_model_agrees_to_float32_precision():
    m = model(LOSS_MODELS["SoftmaxCrossEntropyLoss"], {"x": ["N", 3], "labels": ["N"]},
              ["loss"], {"W": W32, "b": B2}, labels={"labels"}, dtype=1)
    _, g, ours = compare_with_onnxruntime(m, rtol=1e-6, atol=1e-6)
    # the weights are the float32 numbers, exactly, now held as float64
    d = next(n for n in g.nodes if g.node(n)["op"] == "dense")
    assert np.array_equal(g.node(d)["tensors"]["W"], W32.astype(np.float32).astype(float))
