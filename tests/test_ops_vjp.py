"""Every op with input ports: forward values against numpy, gradients against finite differences.

The finite differences are computed here, independently of engine.gradcheck: each input tensor
element is nudged by ±h, the forward pass is re-run with engine.run, and the op node's value is
read back. The scalar the gradient is taken of is L = Σ R ⊙ out for a fixed random R (built in
the graph as sum(multiply(out, R))), so an error in one element cannot cancel another.

Inputs stay inside each op's domain and away from its kinks.
"""

from __future__ import annotations

import zlib

import numpy as np
import pytest

from backprop_studio.engine import REGISTRY, run
from backprop_studio.engine.api import Graph

OPS_WITH_PORTS = sorted(name for name, op in REGISTRY.items() if op.ports)

# ---------------------------------------------------------------- numpy references (independent)


def ref_sigmoid(z):
    z = np.asarray(z, dtype=float)
    return np.where(z >= 0, 1 / (1 + np.exp(-np.abs(z))),
                    np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z))))


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
    "transpose": lambda i, c: np.asarray(i["x"], dtype=float).T,
    "flatten": lambda i, c: np.asarray(i["x"], dtype=float).reshape(
        int(np.prod(np.shape(i["x"])[:c.get("axis", 1)])), -1),
    "leaky_relu": lambda i, c: np.where(np.asarray(i["z"]) > 0, i["z"],
                                        c.get("alpha", 0.01) * np.asarray(i["z"])),
    "softmax": lambda i, c: np.exp(ref_log_softmax(i["z"])),
    "log_softmax": lambda i, c: ref_log_softmax(i["z"]),
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
        # targets 0 and 1 moved inside by 1e-5: bce refuses y outside [0, 1], and the central
        # difference of y needs room on both sides (exact 0/1: test_bce_exact_target_gradient)
        hard = _val(np.clip(rng.integers(0, 2, s).astype(float), 1e-5, 1 - 1e-5))
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
        probs = (rng.dirichlet(np.ones(s[-1]), s[:-1]) if len(s) == 2
                 else rng.dirichlet(np.ones(s[-1])))
        cases.append((f"{s}-onehot", {"z": z, "y": onehot}, {}))
        cases.append((f"{s}-probs", {"z": z, "y": probs}, {}))
    return cases


def flatten_cases():
    cases = []
    for s, axes in (((K,), (0, 1)), ((E, K), (0, 1, 2)), ((E, M, K), (1, 2, 3))):
        for axis in axes:
            x = _rng("flatten", s, axis).normal(size=s)
            cases.append((f"{s}-axis{axis}", {"x": x}, {"axis": axis}))
    return cases


def leaky_relu_cases():
    cases = []
    for alpha in (0.01, 0.2, 0.0):
        for s in UNARY_SHAPES:
            z = _away(_rng("leaky_relu", alpha, s), s, 0.1, 2.0)
            cases.append((f"alpha={alpha}-{s}", {"z": z}, {"alpha": alpha}))
    return cases


def softmax_cases(op):
    cases = []
    for s in ((K,), (E, K), (E, 2), (1, K), (E, 1)):
        z = _rng(op, s).normal(size=s) * 2
        cases.append((f"{s}", {"z": z}, {}))
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
    "transpose": unary_cases("transpose", "x") + [("(E, M, K)", {"x": _rng("t3").normal(
        size=(E, M, K))}, {})],
    "flatten": flatten_cases(),
    "leaky_relu": leaky_relu_cases(),
    "softmax": softmax_cases("softmax"),
    "log_softmax": softmax_cases("log_softmax"),
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
    if op in ("matmul", "dense", "softmax_ce", "flatten", "softmax", "log_softmax"):
        assert {1, 2} <= ndims
    else:
        assert {0, 1, 2} <= ndims
