"""Ops with exact, hand-computed values: the CS231n graphs, every scalar rule, tensors, dense
layers and the seeds' Wᵀx + b, x·x, and errors outside an op's domain. The finite-difference
sweep over all ops and shapes is in test_ops_vjp.py."""

from __future__ import annotations

import math

import numpy as np
import pytest

from backprop_studio.engine import REGISTRY, GraphError
from backprop_studio.engine.api import Graph


def test_cs231n_add_multiply_exact():
    g = Graph()
    x, y, z = g.input("x", -2.0), g.input("y", 5.0), g.input("z", -4.0)
    q = g.add(x, y, label="q")
    f = g.multiply(q, z, label="f")
    res = g.run()
    assert res.values[q] == 3.0 and res.values[f] == -12.0 and res.loss == -12.0
    assert (res.grads[x], res.grads[y], res.grads[z], res.grads[q], res.grads[f]) == \
        (-4.0, -4.0, 3.0, -4.0, 1.0)
    edges = {(s.source, s.node, s.port): (s.upstream, s.local, s.downstream)
             for s in res.trace if s.kind == "edge"}
    assert edges == {(q, f, "a"): (1.0, -4.0, -4.0), (z, f, "b"): (1.0, 3.0, 3.0),
                     (x, q, "a"): (-4.0, 1.0, -4.0), (y, q, "b"): (-4.0, 1.0, -4.0)}


def test_sigmoid_neuron_exact():
    g = Graph()
    w0, x0 = g.parameter("w0", 2.0), g.input("x0", -1.0)
    w1, x1 = g.parameter("w1", -3.0), g.input("x1", -2.0)
    w2 = g.parameter("w2", -3.0)
    s = g.add(g.add(g.multiply(w0, x0), g.multiply(w1, x1)), w2)
    out = g.sigmoid(s)
    res = g.run()
    sig = 1 / (1 + math.exp(-1.0))
    d = sig * (1 - sig)
    assert res.values[s] == 1.0
    assert res.values[out] == pytest.approx(sig, abs=1e-15)
    assert round(res.values[out], 2) == 0.73
    expected = {w0: -d, x0: 2 * d, w1: -2 * d, x1: -3 * d, w2: d}
    for node, value in expected.items():
        assert res.grads[node] == pytest.approx(value, rel=1e-14)
    assert [round(res.grads[n], 2) for n in (w0, x0, w1, x1, w2)] == \
        [-0.20, 0.39, -0.39, -0.59, 0.20]


def test_max_gate_routes_to_larger_and_tie_to_a():
    g = Graph()
    x, y, w = g.input("x", 0.0), g.input("y", 4.0), g.parameter("w", 2.0)
    m = g.max(x, y)
    f = g.multiply(m, w)
    res = g.run()
    assert res.values[m] == 4.0 and res.values[f] == 8.0
    assert (res.grads[x], res.grads[y], res.grads[w]) == (0.0, 2.0, 4.0)
    # the documented tie rule: on a tie the gradient goes to port a only
    g2 = Graph()
    a, b = g2.input("a", np.array([1.0, 3.0, -2.0])), g2.input("b", np.array([1.0, 2.0, 5.0]))
    g2.max(a, b)
    r2 = g2.run()
    np.testing.assert_array_equal(r2.grads[a], [1.0, 1.0, 0.0])
    np.testing.assert_array_equal(r2.grads[b], [0.0, 0.0, 1.0])
    g3 = Graph()
    a3, b3 = g3.input("a", 2.0), g3.input("b", 2.0)
    g3.max(a3, b3)
    r3 = g3.run()
    assert (r3.grads[a3], r3.grads[b3]) == (1.0, 0.0)


def _single(op, inputs, **config):
    """Run op on inputs (one input node per port), output = the op; (result, op, port nodes)."""
    g = Graph()
    nodes = [g.input(f"in_{p}", inputs[p]) for p in REGISTRY[op].ports]
    node = g.apply(op, *nodes, **config)
    g.set_output(node)
    return g.run(), node, nodes


@pytest.mark.parametrize("op, inputs, config, value, grads", [
    ("add", {"a": 2.0, "b": -3.5}, {}, -1.5, (1.0, 1.0)),
    ("subtract", {"a": 2.0, "b": -3.5}, {}, 5.5, (1.0, -1.0)),
    ("multiply", {"a": 3.0, "b": -4.0}, {}, -12.0, (-4.0, 3.0)),
    ("divide", {"a": 6.0, "b": 3.0}, {}, 2.0, (1 / 3, -6.0 / 9.0)),
    ("divide", {"a": 1.0, "b": -0.5}, {}, -2.0, (-2.0, -4.0)),
    ("max", {"a": -1.0, "b": 2.0}, {}, 2.0, (0.0, 1.0)),
    ("max", {"a": 5.0, "b": 2.0}, {}, 5.0, (1.0, 0.0)),
    ("power", {"x": 2.0}, {"p": 3.0}, 8.0, (12.0,)),
    ("power", {"x": -2.0}, {"p": 3.0}, -8.0, (12.0,)),
    ("power", {"x": 4.0}, {"p": 0.5}, 2.0, (0.25,)),
    ("power", {"x": 2.0}, {"p": -1.0}, 0.5, (-0.25,)),
    ("power", {"x": 0.0}, {"p": 2.0}, 0.0, (0.0,)),
    ("power", {"x": 0.0}, {"p": 1.0}, 0.0, (1.0,)),
    ("power", {"x": 3.0}, {"p": 0.0}, 1.0, (0.0,)),
    ("exp", {"x": 0.0}, {}, 1.0, (1.0,)),
    ("exp", {"x": 1.0}, {}, math.e, (math.e,)),
    ("log", {"x": 1.0}, {}, 0.0, (1.0,)),
    ("log", {"x": 4.0}, {}, math.log(4.0), (0.25,)),
    ("sigmoid", {"z": 0.0}, {}, 0.5, (0.25,)),
    ("tanh", {"z": 0.0}, {}, 0.0, (1.0,)),
    ("relu", {"z": -1.0}, {}, 0.0, (0.0,)),
    ("relu", {"z": 2.5}, {}, 2.5, (1.0,)),
    ("relu", {"z": 0.0}, {}, 0.0, (0.0,)),          # documented: 0 at the kink
    ("sum", {"x": 3.0}, {}, 3.0, (1.0,)),
    ("mean", {"x": 3.0}, {}, 3.0, (1.0,)),
    ("mse", {"yhat": 3.0, "y": 1.0}, {}, 2.0, (2.0, -2.0)),
    ("bce", {"p": 0.5, "y": 1.0}, {}, math.log(2.0), (-2.0, 0.0)),
    ("bce", {"p": 0.25, "y": 0.0}, {}, -math.log(0.75), (1 / 0.75, math.log(3.0))),
])
def test_exact_scalar_values(op, inputs, config, value, grads):
    res, node, nodes = _single(op, inputs, **config)
    assert res.values[node] == pytest.approx(value, rel=1e-15, abs=1e-15)
    for n, expected in zip(nodes, grads):
        assert res.grads[n] == pytest.approx(expected, rel=1e-14, abs=1e-15)


def test_exact_tensor_values():
    # sum and mean of a vector
    res, node, (x,) = _single("sum", {"x": np.array([1.0, 2.0, 3.0])})
    assert res.values[node] == 6.0
    np.testing.assert_array_equal(res.grads[x], [1.0, 1.0, 1.0])
    res, node, (x,) = _single("mean", {"x": np.array([[1.0, 2.0], [3.0, 6.0]])})
    assert res.values[node] == 3.0
    np.testing.assert_array_equal(res.grads[x], np.full((2, 2), 0.25))
    # matmul: row vector times matrix; output seeded with ones
    res, node, (a, b) = _single("matmul", {"a": np.array([1.0, 2.0]),
                                           "b": np.array([[1.0, 2.0], [3.0, 4.0]])})
    np.testing.assert_array_equal(res.values[node], [7.0, 10.0])
    np.testing.assert_array_equal(res.grads[a], [3.0, 7.0])          # ones · bᵀ
    np.testing.assert_array_equal(res.grads[b], [[1.0, 1.0], [2.0, 2.0]])  # outer(a, ones)
    # mse over a batch of E = 2 rows: ½ Σ d² / E
    res, node, (yhat, y) = _single("mse", {"yhat": np.array([[1.0, 2.0], [3.0, 4.0]]),
                                           "y": np.zeros((2, 2))})
    assert res.values[node] == 7.5 and res.loss == 7.5
    np.testing.assert_array_equal(res.grads[yhat], [[0.5, 1.0], [1.5, 2.0]])
    np.testing.assert_array_equal(res.grads[y], [[-0.5, -1.0], [-1.5, -2.0]])
    # softmax_ce with equal logits: log 2, gradient softmax − y
    res, node, (z, y) = _single("softmax_ce", {"z": np.array([0.0, 0.0]),
                                               "y": np.array([1.0, 0.0])})
    assert res.values[node] == pytest.approx(math.log(2.0), rel=1e-15)
    np.testing.assert_allclose(res.grads[z], [-0.5, 0.5], rtol=1e-15)
    np.testing.assert_allclose(res.grads[y], [math.log(2.0)] * 2, rtol=1e-15)
    # softmax_ce over a batch averages over rows
    res, node, (z, y) = _single("softmax_ce", {"z": np.zeros((2, 2)),
                                               "y": np.array([[1.0, 0.0], [0.0, 1.0]])})
    assert res.values[node] == pytest.approx(math.log(2.0), rel=1e-15)
    np.testing.assert_allclose(res.grads[z], [[-0.25, 0.25], [0.25, -0.25]], rtol=1e-15)
    # bce over a batch of 2 rows averages too
    res, node, (p, y) = _single("bce", {"p": np.array([[0.5], [0.5]]),
                                        "y": np.array([[1.0], [0.0]])})
    assert res.values[node] == pytest.approx(math.log(2.0), rel=1e-15)
    np.testing.assert_allclose(res.grads[p], [[-1.0], [1.0]], rtol=1e-15)


def test_dense_exact_and_trace():
    g = Graph()
    x = g.input("x", np.array([[1.0, 2.0], [3.0, -1.0]]))
    d = g.dense(x, 2, 2, label="d", W=np.array([[1.0, 2.0], [3.0, 4.0]]), b=np.array([1.0, -1.0]))
    res = g.run()
    np.testing.assert_array_equal(res.values[d], [[8.0, 9.0], [1.0, 1.0]])
    ones = np.ones((2, 2))
    np.testing.assert_array_equal(res.tensor_grads[(d, "W")], [[4.0, 4.0], [1.0, 1.0]])  # xᵀδ
    np.testing.assert_array_equal(res.tensor_grads[(d, "b")], [2.0, 2.0])              # Σδ
    np.testing.assert_array_equal(res.grads[x], ones @ np.array([[1.0, 2.0], [3.0, 4.0]]).T)
    params = {s.port: s for s in res.trace if s.kind == "param"}
    assert set(params) == {"W", "b"}
    np.testing.assert_array_equal(params["W"].local, res.values[x])     # local of W is x
    np.testing.assert_array_equal(params["W"].downstream, res.tensor_grads[(d, "W")])
    np.testing.assert_array_equal(params["b"].downstream, [2.0, 2.0])
    edge = [s for s in res.trace if s.kind == "edge"]
    assert len(edge) == 1 and edge[0].source == x and edge[0].port == "x"
    np.testing.assert_array_equal(edge[0].local, [[1.0, 2.0], [3.0, 4.0]])  # local of x is W


def test_dense_vector_matches_seeds_WT_x_plus_b():
    """A row vector x through dense equals the seeds' Wᵀx + b with the same W."""
    W = np.array([[0.15, 0.25], [0.20, 0.30]])
    b = np.array([0.35, 0.35])
    xv = np.array([0.05, 0.10])
    g = Graph()
    x = g.input("x", xv)
    d = g.dense(x, 2, 2, W=W, b=b)
    res = g.run()
    np.testing.assert_allclose(res.values[d], W.T @ xv + b, rtol=1e-15)
    np.testing.assert_allclose(res.tensor_grads[(d, "W")], np.outer(xv, np.ones(2)), rtol=1e-15)


def test_x_times_x_accumulates_both_ports():
    for value in (3.0, np.array([1.0, -2.0, 0.5])):
        g = Graph()
        x = g.parameter("x", value)
        g.multiply(x, x)
        res = g.run()
        np.testing.assert_array_equal(res.grads[x], 2 * np.asarray(value))


def test_out_of_domain_raises_graph_error_naming_node():
    for op, inputs in (("log", {"x": -1.0}), ("log", {"x": np.array([1.0, 0.0])}),
                       ("divide", {"a": 1.0, "b": 0.0}),
                       ("divide", {"a": np.ones(2), "b": np.array([1.0, 0.0])})):
        g = Graph()
        nodes = [g.input(f"in_{p}", inputs[p]) for p in REGISTRY[op].ports]
        node = g.apply(op, *nodes, label="bad")
        with pytest.raises(GraphError) as info:
            g.run()
        assert info.value.node == node
