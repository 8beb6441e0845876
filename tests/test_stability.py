"""Numerical stability at ±1000 and ±1e4, on the scalar (Python float) and array (numpy) paths.

Values and gradients must be finite wherever they are mathematically finite, and equal to the
right limits; where a value really is infinite (e^1000) the engine raises its GraphError naming
the node, never returns inf or NaN.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from backprop_studio.engine import GraphError, Plan
from backprop_studio.engine.api import Graph

BIG = [1000.0, -1000.0, 1e4, -1e4]
PATHS = ["scalar", "array"]


def _softplus(z: float) -> float:
    """log(1 + e^z), exact in float64 for any z."""
    return max(z, 0.0) + math.log1p(math.exp(-abs(z)))


def _sigma(z: float) -> float:
    return 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))


def _unary(op: str, z: float, path: str):
    """op(z) as the output; z a scalar (scalar path) or the first element of a vector (array
    path)."""
    g = Graph()
    value = z if path == "scalar" else np.array([z, 0.5])
    x = g.parameter("x", value)
    node = g.apply(op, x, label=op)
    g.set_output(node)
    plan = Plan.build(g)
    assert plan.graph_nodes[-1].scalar == (path == "scalar")     # the path really is the one named
    res = g.run()
    take = (lambda v: v) if path == "scalar" else (lambda v: float(np.asarray(v)[0]))
    return take(res.values[node]), take(res.grads[x]), res


def _assert_finite_trace(res):
    for step in res.trace:
        for v in (step.upstream, step.local, step.downstream):
            if v is not None:
                assert np.all(np.isfinite(v)), step


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("z", BIG)
def test_sigmoid_saturates_cleanly(z, path):
    value, grad, res = _unary("sigmoid", z, path)
    assert value == (1.0 if z > 0 else 0.0)
    assert grad == 0.0
    _assert_finite_trace(res)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("z", [-30.0, -40.0, -700.0, 30.0])
def test_sigmoid_tails_are_accurate(z, path):
    value, grad, _ = _unary("sigmoid", z, path)
    assert value == pytest.approx(_sigma(z), rel=1e-14)
    if z < 0:      # left tail: σ(z)(1−σ(z)) ≈ e^z with full relative accuracy
        assert grad == pytest.approx(_sigma(z) * _sigma(-z), rel=1e-13)
    else:
        assert grad == pytest.approx(_sigma(z) * _sigma(-z), rel=1e-2)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("z", BIG)
def test_tanh_saturates_cleanly(z, path):
    value, grad, res = _unary("tanh", z, path)
    assert value == math.copysign(1.0, z)
    assert grad == 0.0
    _assert_finite_trace(res)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("z", BIG)
def test_relu_at_large_inputs(z, path):
    value, grad, _ = _unary("relu", z, path)
    assert value == max(z, 0.0) and grad == (1.0 if z > 0 else 0.0)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("z", [-1000.0, -1e4])
def test_exp_underflows_to_zero(z, path):
    value, grad, res = _unary("exp", z, path)
    assert value == 0.0 and grad == 0.0
    _assert_finite_trace(res)


@pytest.mark.parametrize("path", PATHS)
def test_exp_near_the_top_of_float64(path):
    value, grad, _ = _unary("exp", 700.0, path)
    assert value == pytest.approx(math.exp(700.0), rel=1e-14)
    assert grad == pytest.approx(math.exp(700.0), rel=1e-14)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("z", [1000.0, 1e4])
def test_exp_overflow_is_a_graph_error_on_the_exp_node(z, path):
    g = Graph()
    x = g.parameter("x", z if path == "scalar" else np.array([z, 0.0]))
    e = g.exp(x, label="e")
    g.set_output(g.multiply(e, g.constant(2.0)))
    with pytest.raises(GraphError) as info:
        g.run()
    assert info.value.node == e


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("x", [-700.0, -1.0, 0.0, 300.0, 700.0])
def test_log_of_exp_is_the_identity(x, path):
    g = Graph()
    p = g.parameter("x", x if path == "scalar" else np.array([x, 1.0]))
    out = g.log(g.exp(p))
    g.set_output(out)
    res = g.run()
    val = res.values[out] if path == "scalar" else res.values[out][0]
    grad = res.grads[p] if path == "scalar" else res.grads[p][0]
    assert val == pytest.approx(x, rel=1e-14, abs=1e-15)
    assert grad == pytest.approx(1.0, rel=1e-12)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("x", [1e-300, 1e300])
def test_log_at_tiny_and_huge(x, path):
    value, grad, _ = _unary("log", x, path)
    assert value == pytest.approx(math.log(x), rel=1e-15)
    assert grad == pytest.approx(1.0 / x, rel=1e-15)


def _bce_after_sigmoid(z: float, y: float, path: str):
    g = Graph()
    if path == "scalar":
        zn, yn = g.parameter("z", z), g.input("y", y)
    else:                                    # a batch of E = 2 rows, one column
        zn, yn = g.parameter("z", np.array([[z], [z]])), g.input("y", np.array([[y], [y]]))
    p = g.sigmoid(zn, label="p")
    loss = g.bce(p, yn, label="L")
    g.set_output(loss)
    res = g.run()
    grad = res.grads[zn] if path == "scalar" else float(np.sum(res.grads[zn]))
    return res.loss, grad, res


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("y", [0.0, 1.0])
@pytest.mark.parametrize("z", [-1000.0, 1000.0, -1e4, 1e4, -40.0, 40.0, -30.0, 30.0, 0.0, 3.0])
def test_bce_after_sigmoid_has_the_right_limits(z, y, path):
    """L = −[y log σ(z) + (1−y) log(1−σ(z))] = softplus(z) − y·z, ∂L/∂z = σ(z) − y.

    Both are finite for every finite z: at z = 1000, y = 0 the loss is 1000 and the gradient 1
    (the prediction is confidently wrong, and it is exactly then that learning must not stop).
    """
    loss, grad, res = _bce_after_sigmoid(z, y, path)
    expected_loss = _softplus(z) - y * z
    expected_grad = _sigma(z) - y
    assert math.isfinite(loss) and math.isfinite(grad)
    ok_loss = loss == pytest.approx(expected_loss, rel=1e-6, abs=1e-9)
    ok_grad = grad == pytest.approx(expected_grad, rel=1e-6, abs=1e-12)
    assert ok_loss and ok_grad, (f"bce(σ(z), y) at z={z}, y={y}: loss {loss} (expected "
                                 f"{expected_loss}), ∂L/∂z {grad} (expected {expected_grad})")
    _assert_finite_trace(res)


@pytest.mark.parametrize("scale", [1000.0, 1e4])
def test_softmax_ce_at_large_logits(scale):
    z = np.array([scale, -scale, 0.0])
    for y, loss_expected in ((np.array([1.0, 0.0, 0.0]), 0.0),
                             (np.array([0.0, 1.0, 0.0]), 2 * scale),
                             (np.array([0.0, 0.0, 1.0]), scale),
                             (np.array([0.2, 0.3, 0.5]), 0.3 * 2 * scale + 0.5 * scale)):
        g = Graph()
        zn, yn = g.parameter("z", z), g.input("y", y)
        g.set_output(g.softmax_ce(zn, yn))
        res = g.run()
        assert res.loss == pytest.approx(loss_expected, rel=1e-12, abs=1e-12)
        np.testing.assert_allclose(res.grads[zn], np.array([1.0, 0.0, 0.0]) - y, atol=1e-15)
        np.testing.assert_allclose(res.grads[yn], -(z - scale), rtol=1e-15)   # −log softmax
        _assert_finite_trace(res)


@pytest.mark.parametrize("scale", [1000.0, 1e4])
def test_softmax_ce_batch_at_large_logits(scale):
    z = np.array([[scale, -scale], [-scale, scale], [scale, scale]])
    y = np.array([[0.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
    g = Graph()
    zn, yn = g.parameter("z", z), g.input("y", y)
    g.set_output(g.softmax_ce(zn, yn))
    res = g.run()
    # per row: 2·scale, 0, log 2; averaged over E = 3 rows
    assert res.loss == pytest.approx((2 * scale + math.log(2.0)) / 3, rel=1e-14)
    soft = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]])
    np.testing.assert_allclose(res.grads[zn], (soft - y) / 3, atol=1e-15)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("z", BIG)
def test_sigmoid_then_mse_keeps_finite_gradients(z, path):
    g = Graph()
    zn = g.parameter("z", z if path == "scalar" else np.array([z]))
    t = g.input("t", 0.5 if path == "scalar" else np.array([0.5]))
    g.set_output(g.mse(g.sigmoid(zn), t))
    res = g.run()
    assert res.loss == pytest.approx(0.125, rel=1e-15)
    assert float(np.sum(res.grads[zn])) == 0.0
    _assert_finite_trace(res)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("x, p, value, grad", [
    (0.0, 0.0, 1.0, 0.0),      # x⁰ is the constant 1: its derivative is 0 everywhere, x = 0 too
    (0.0, 1.0, 0.0, 1.0),
    (0.0, 2.0, 0.0, 0.0),
    (0.0, 3.0, 0.0, 0.0),
    (1e-200, 2.0, 0.0, 2e-200),             # x² underflows to 0; 2x does not
    (1e100, 3.0, 1e300, 3e200),
])
def test_power_edge_values_are_finite_where_the_maths_is(x, p, value, grad, path):
    g = Graph()
    xn = g.parameter("x", x if path == "scalar" else np.array([x, 1.0]))
    out = g.power(xn, p=p)
    g.set_output(out)
    res = g.run()
    v = res.values[out] if path == "scalar" else res.values[out][0]
    d = res.grads[xn] if path == "scalar" else res.grads[xn][0]
    assert v == pytest.approx(value, rel=1e-14, abs=0)
    assert d == pytest.approx(grad, rel=1e-14, abs=0)
