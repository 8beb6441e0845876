"""Every op with input ports: forward values against numpy, gradients against finite differences.

The finite differences are computed here, independently of engine.gradcheck: each input tensor
element is nudged by ±h, the forward pass is re-run with engine.run, and the op node's value is
read back. The scalar the gradient is taken of is L = Σ R ⊙ out for a fixed random R (built in
the graph as sum(multiply(out, R))), so an error in one element cannot cancel another.

Inputs stay inside each op's domain and away from its kinks.
"""

from __future__ import annotations

import math
import zlib

import numpy as np
import pytest

from engine import GraphError, REGISTRY, run
from engine.api import Graph

OPS_WITH_PORTS = sorted(name for name, op in REGISTRY.items() if op.ports)

# ---------------------------------------------------------------- numpy references (independent)


def ref_sigmoid(z):
    z = np.asarray(z, dtype=float)
    return np.where(z >= 0, 1 / (1 + np.exp(-np.abs(z))), np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z))))


def ref_rows(a):
    return np.shape(a)[0] if np.ndim(a) == 2 else 1


def ref_log_softmax(z):
    z = np.asarray(z, dtype=float)
    m = z.max(axis=-1, keepdims=True)
    return z - m - np.log(np.exp(z - m).sum(axis=-1, keepdims=True))


REF = {
    "add": lambda i, c: i["a"] + i["b"],
    "subtract": lambda i, c: i["a"] - i["b"],
    "multiply": lambda i, c: i["a"] * i["b"],
    "divide": lambda i, c: i["a"] / i["b"],
    "max": lambda i, c: np.where(np.asarray(i["a"]) > i["b"], i["a"], i["b"]),
    "power": lambda i, c: np.asarray(i["x"], dtype=float) ** c["p"],
    "exp": lambda i, c: np.exp(i["x"]),
    "log": lambda i, c: np.log(i["x"]),
    "sum": lambda i, c: np.sum(i["x"]),
    "mean": lambda i, c: np.sum(i["x"]) / np.size(i["x"]),
    "matmul": lambda i, c: np.dot(i["a"], i["b"]),
    "sigmoid": lambda i, c: ref_sigmoid(i["z"]),
    "tanh": lambda i, c: np.tanh(i["z"]),
    "relu": lambda i, c: np.where(np.asarray(i["z"]) > 0, i["z"], 0.0),
    "dense": lambda i, c: np.dot(i["x"], i["W"]) + i["b"],
    "mse": lambda i, c: 0.5 * np.sum((np.asarray(i["yhat"]) - i["y"]) ** 2) / ref_rows(i["yhat"]),
    "bce": lambda i, c: -np.sum(i["y"] * np.log(i["p"]) + (1 - np.asarray(i["y"])) *
                                np.log(1 - np.asarray(i["p"]))) / ref_rows(i["p"]),
    "softmax_ce": lambda i, c: -np.sum(i["y"] * ref_log_softmax(i["z"])) / ref_rows(i["z"]),
}

# ---------------------------------------------------------------- building and differentiating


def build(op: str, inputs: dict, config: dict | None = None, R=None):
    """A graph: one parameter per input port (and dense's W, b), the op, then sum(op · R).

    Returns (graph, op node, {name: (node, tensor)} of every differentiable tensor, R).
    """
    g = Graph()
    spec = REGISTRY[op]
    config = dict(config or {})
    leaves, port_nodes = {}, []
    for port in spec.ports:
        node = g.parameter(f"in_{port}", np.asarray(inputs[port], dtype=float)
                           if np.ndim(inputs[port]) else float(inputs[port]))
        leaves[port] = (node, "value")
        port_nodes.append(node)
    if op == "dense":
        W, b = np.asarray(inputs["W"], float), np.asarray(inputs["b"], float)
        node = g.dense(port_nodes[0], W.shape[0], W.shape[1], label="op", W=W, b=b)
        leaves["W"], leaves["b"] = (node, "W"), (node, "b")
    else:
        node = g.apply(op, *port_nodes, label="op", **config)
    out_shape = np.shape(REF[op](inputs, config))
    if R is None:
        rng = np.random.default_rng(zlib.crc32(repr((op, out_shape)).encode()))
        R = rng.uniform(0.5, 1.5, out_shape) * rng.choice([-1.0, 1.0], out_shape)
        R = float(R) if out_shape == () else R
    rc = g.constant(R, label="R")
    m = g.multiply(node, rc, label="weighted")
    s = g.sum(m, label="L")
    g.set_output(s)
    return g, node, leaves, R


def loss_of(g: Graph, node: str, R) -> float:
    value = run(g, trace=False).values[node]
    return float(np.sum(np.asarray(R) * np.asarray(value)))


def numeric_grad(g: Graph, node: str, R, where: tuple, h: float = 1e-6) -> np.ndarray:
    leaf, tensor = where
    base = g.node(leaf)["tensors"][tensor]
    arr = np.array(base, dtype=float)
    grad = np.zeros_like(arr)
    try:
        for idx in np.ndindex(arr.shape):
            step = h * max(1.0, abs(arr[idx]))
            plus, minus = arr.copy(), arr.copy()
            plus[idx] += step
            minus[idx] -= step
            g.set_tensor(leaf, tensor, plus if arr.ndim else float(plus))
            lp = loss_of(g, node, R)
            g.set_tensor(leaf, tensor, minus if arr.ndim else float(minus))
            lm = loss_of(g, node, R)
            grad[idx] = (lp - lm) / (2 * step)
    finally:
        g.set_tensor(leaf, tensor, base)
    return grad


def check_case(op: str, inputs: dict, config: dict | None = None):
    config = dict(config or {})
    g, node, leaves, R = build(op, inputs, config)
    res = run(g)
    # forward against numpy
    expected = REF[op](inputs, config)
    got = res.values[node]
    assert np.shape(got) == np.shape(expected), (op, np.shape(got), np.shape(expected))
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-13, err_msg=f"{op} forward")
    # the op node's own gradient is R (through multiply and sum)
    np.testing.assert_allclose(res.grads[node], np.broadcast_to(R, np.shape(got)), rtol=1e-14)
    # every input tensor against central differences
    for name, where in leaves.items():
        analytic = res.tensor_grads[where]
        shape = np.shape(g.node(where[0])["tensors"][where[1]])
        assert np.shape(analytic) == shape, f"{op}: ∂L/∂{name} has shape {np.shape(analytic)}, " \
                                            f"expected {shape}"
        numeric = numeric_grad(g, node, R, where)
        np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8,
                                   err_msg=f"{op}: ∂L/∂{name} vs finite differences, "
                                           f"inputs={inputs}, config={config}")
        if where[1] == "value":   # a leaf node: its node gradient is the tensor's gradient
            np.testing.assert_allclose(res.grads[where[0]], analytic, rtol=0, atol=0)


# ---------------------------------------------------------------- cases per op

E, K, M = 4, 3, 2
BINARY_SHAPES = [
    ((), ()), ((K,), (K,)), ((E, K), (E, K)),                    # scalars, vectors, batches
    ((), (K,)), ((K,), ()), ((), (E, K)), ((E, K), ()),          # scalar with tensor
    ((E, K), (K,)), ((K,), (E, K)),                               # batch with vector (bias-like)
    ((E, K), (E, 1)), ((E, 1), (1, K)), ((1,), (E, K)), ((E, K), (1, K)),
]
UNARY_SHAPES = [(), (K,), (E, K), (1,)]


def _rng(*key):
    return np.random.default_rng(zlib.crc32(repr(key).encode()))  # stable across runs


def _val(x):
    return float(x) if np.ndim(x) == 0 else x


def _away(rng, shape, low, high, sign=True):
    """Uniform magnitudes in [low, high] with random signs."""
    mag = rng.uniform(low, high, shape)
    if sign:
        mag = mag * rng.choice([-1.0, 1.0], shape)
    return _val(mag)


def binary_cases(op):
    cases = []
    for sa, sb in BINARY_SHAPES:
        rng = _rng(op, sa, sb)
        if op == "divide":
            a, b = _away(rng, sa, -2, 2, sign=False), _away(rng, sb, 0.5, 2.0)
        elif op == "max":
            for _ in range(1000):                      # no ties anywhere after broadcasting
                a, b = _val(rng.normal(size=sa)), _val(rng.normal(size=sb))
                if np.min(np.abs(np.subtract(a, b))) > 0.05:
                    break
        else:
            a, b = _val(rng.normal(size=sa)), _val(rng.normal(size=sb))
        cases.append((f"{sa}-{sb}", {"a": a, "b": b}, {}))
    return cases


def unary_cases(op, port):
    cases = []
    for s in UNARY_SHAPES:
        rng = _rng(op, s)
        if op == "log":
            x = _val(rng.uniform(0.3, 3.0, s))
        elif op == "relu":
            x = _away(rng, s, 0.1, 2.0)
        elif op == "exp":
            x = _val(rng.uniform(-3, 3, s))
        else:
            x = _val(rng.normal(size=s) * 1.5)
        cases.append((f"{s}", {port: x}, {}))
    return cases


def power_cases():
    cases = []
    for p in (2.0, 3.0, 1.0, 0.0, -1.0, -2.0, 0.5, 2.5):
        for s in ((), (K,), (E, K)):
            rng = _rng("power", p, s)
            if p in (0.5, 2.5):
                x = _val(rng.uniform(0.3, 3.0, s))          # fractional power: x > 0
            elif p < 0:
                x = _away(rng, s, 0.4, 2.0)                 # negative power: away from 0
            else:
                x = _val(rng.normal(size=s) * 1.5)          # integer power: any sign
            cases.append((f"p={p}-{s}", {"x": x}, {"p": p}))
    return cases


def matmul_cases():
    cases = []
    for sa, sb in (((K,), (K,)), ((K,), (K, M)), ((E, K), (K,)), ((E, K), (K, M)),
                   ((1, K), (K, 1)), ((E, 1), (1, M))):
        rng = _rng("matmul", sa, sb)
        cases.append((f"{sa}@{sb}", {"a": rng.normal(size=sa), "b": rng.normal(size=sb)}, {}))
    return cases


def dense_cases():
    cases = []
    for sx in ((K,), (E, K), (1, K)):
        for units in (M, 1):
            rng = _rng("dense", sx, units)
            cases.append((f"x{sx}-units{units}",
                          {"x": rng.normal(size=sx), "W": rng.normal(size=(K, units)),
                           "b": rng.normal(size=(units,))}, {}))
    return cases


def mse_cases():
    cases = []
    for s in ((), (K,), (E, K), (E, 1), (1,)):
        rng = _rng("mse", s)
        cases.append((f"{s}", {"yhat": _val(rng.normal(size=s)), "y": _val(rng.normal(size=s))},
                      {}))
    return cases


def bce_cases():
    cases = []
    for s in ((), (K,), (E, 1), (E, K)):
        rng = _rng("bce", s)
        p = _val(rng.uniform(0.05, 0.95, s))
        hard = _val(rng.integers(0, 2, s).astype(float))
        soft = _val(rng.uniform(0.0, 1.0, s))
        cases.append((f"{s}-hard", {"p": p, "y": hard}, {}))
        cases.append((f"{s}-soft", {"p": p, "y": soft}, {}))
    return cases


def softmax_ce_cases():
    cases = []
    for s in ((K,), (E, K), (E, 2), (1, K)):
        rng = _rng("softmax_ce", s)
        z = rng.normal(size=s) * 2
        onehot = np.eye(s[-1])[rng.integers(0, s[-1], s[:-1])]
        probs = rng.dirichlet(np.ones(s[-1]), s[:-1]) if len(s) == 2 else rng.dirichlet(np.ones(s[-1]))
        cases.append((f"{s}-onehot", {"z": z, "y": onehot}, {}))
        cases.append((f"{s}-probs", {"z": z, "y": probs}, {}))
    return cases


CASES = {
    "add": binary_cases("add"),
    "subtract": binary_cases("subtract"),
    "multiply": binary_cases("multiply"),
    "divide": binary_cases("divide"),
    "max": binary_cases("max"),
    "power": power_cases(),
    "exp": unary_cases("exp", "x"),
    "log": unary_cases("log", "x"),
    "sum": unary_cases("sum", "x"),
    "mean": unary_cases("mean", "x"),
    "matmul": matmul_cases(),
    "sigmoid": unary_cases("sigmoid", "z"),
    "tanh": unary_cases("tanh", "z"),
    "relu": unary_cases("relu", "z"),
    "dense": dense_cases(),
    "mse": mse_cases(),
    "bce": bce_cases(),
    "softmax_ce": softmax_ce_cases(),
}


def test_every_op_with_ports_is_tested():
    assert set(CASES) == set(OPS_WITH_PORTS)
    assert set(REF) == set(OPS_WITH_PORTS)


@pytest.mark.parametrize("op", OPS_WITH_PORTS)
def test_op_vjp_against_finite_differences(op):
    cases = CASES[op]                   # a new op in REGISTRY without cases fails here
    assert cases
    for case_id, inputs, config in cases:
        try:
            check_case(op, inputs, config)
        except AssertionError as exc:
            raise AssertionError(f"{op} case {case_id}: {exc}") from None


@pytest.mark.parametrize("op", OPS_WITH_PORTS)
def test_op_cases_cover_scalars_vectors_and_batches(op):
    """Each op is exercised on at least two of: scalar, vector and (E, k) batch inputs."""
    ndims = {max(np.ndim(v) for k, v in inputs.items() if k not in ("W", "b"))
             for _, inputs, _ in CASES[op]}
    if op in ("matmul", "dense", "softmax_ce"):
        assert {1, 2} <= ndims
    else:
        assert {0, 1, 2} <= ndims


# ---------------------------------------------------------------- exact hand-computed values


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
    res, node, (p, y) = _single("bce", {"p": np.array([[0.5], [0.5]]), "y": np.array([[1.0], [0.0]])})
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
