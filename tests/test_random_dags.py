"""Hypothesis-generated random graphs: gradients against finite differences, the scalar fast path
against the numpy path, and the trace against the chain rule.

A DAG is grown one op at a time. While it grows, every node's value is computed here with numpy
(independently of the engine), and an op may only take inputs inside its domain and away from
its kinks (log of values > 0.2, division by |b| > 0.3, max without near-ties, relu away from 0),
with every value bounded, so that central differences are trustworthy.
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backprop_studio.engine import REGISTRY, Plan, run
from backprop_studio.engine.api import Graph

SETTINGS = dict(deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# ---------------------------------------------------------------- independent numpy semantics


def _sig(z):
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=float)))


UNARY = {
    "sigmoid": (lambda x: _sig(x), lambda x: True),
    "tanh": (np.tanh, lambda x: True),
    "exp": (np.exp, lambda x: np.all(x < 3.0)),
    "log": (np.log, lambda x: np.all(x > 0.2)),
    "relu": (lambda x: np.where(x > 0, x, 0.0), lambda x: np.all(np.abs(x) > 0.05)),
    "power2": (lambda x: np.asarray(x, float) ** 2, lambda x: True),
    "power3": (lambda x: np.asarray(x, float) ** 3, lambda x: True),
    "power-1": (lambda x: 1.0 / np.asarray(x, float), lambda x: np.all(np.abs(x) > 0.3)),
    "power0.5": (lambda x: np.sqrt(x), lambda x: np.all(x > 0.2)),
}
BINARY = {
    "add": (np.add, lambda a, b: True),
    "subtract": (np.subtract, lambda a, b: True),
    "multiply": (np.multiply, lambda a, b: True),
    "divide": (np.divide, lambda a, b: np.all(np.abs(b) > 0.3)),
    "max": (np.maximum, lambda a, b: np.all(np.abs(np.subtract(a, b)) > 0.05)),
}
REDUCE = {"sum": np.sum, "mean": np.mean}
BOUND = 50.0


def _apply_op(g: Graph, op: str, ins: list[str]) -> str:
    if op.startswith("power"):
        return g.power(ins[0], p=float(op[5:]))
    return g.apply(op, *ins)


def _float_or_array(v, shape):
    return float(v) if shape == () else np.asarray(v, dtype=float).reshape(shape)


@st.composite
def dags(draw, vector: bool):
    """(leaf values, ops) where ops are (op, input indices) over leaves then earlier ops."""
    shapes = [(), (3,), (2, 3)] if vector else [()]
    n_leaves = draw(st.integers(1, 4))
    leaves, values = [], []
    for _ in range(n_leaves):
        shape = draw(st.sampled_from(shapes))
        n = int(np.prod(shape))
        flat = draw(st.lists(st.floats(-2.0, 2.0, allow_nan=False, allow_infinity=False),
                             min_size=n, max_size=n))
        v = _float_or_array(flat if shape else flat[0], shape)
        leaves.append(v)
        values.append(np.asarray(v, dtype=float))
    ops = []
    pick = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n_ops = int(pick.integers(1, 9))
    for _ in range(n_ops):
        candidates = []         # (op, inputs, value)
        idx = range(len(values))
        for name, (fn, ok) in UNARY.items():
            for i in idx:
                if ok(values[i]):
                    candidates.append((name, (i,), fn(values[i])))
        for name, (fn, ok) in BINARY.items():
            for i in idx:
                for j in idx:
                    try:
                        np.broadcast_shapes(values[i].shape, values[j].shape)
                    except ValueError:
                        continue
                    if ok(values[i], values[j]):
                        candidates.append((name, (i, j), fn(values[i], values[j])))
        for name, fn in REDUCE.items():
            for i in idx:
                if vector or pick.random() < 0.3:      # on a scalar: the identity, rarely
                    candidates.append((name, (i,), np.asarray(fn(values[i]))))
        candidates = [c for c in candidates if np.all(np.abs(c[2]) < BOUND)]
        # The structure is chosen by a drawn seed (hypothesis's own choices lean hard towards
        # the first option); the most recent node is preferred as an input, so graphs grow deep.
        recent = [c for c in candidates if len(values) - 1 in c[1]]
        pool = recent if recent and pick.random() < 0.6 else candidates
        names = sorted({c[0] for c in pool})             # an op first, so all ops are drawn alike
        name = names[pick.integers(len(names))]
        options = [c for c in pool if c[0] == name]
        op, ins, value = options[pick.integers(len(options))]
        ops.append((op, ins))
        values.append(np.asarray(value, dtype=float))
    seed = draw(st.integers(0, 2**16))
    return leaves, ops, values, seed


def build(leaves, ops, values, seed, as_vectors=False, weight_output=True, kinds=None):
    """The graph; each leaf a parameter (or the kind given: parameter, input or constant).
    A non-scalar output gets sum(out · R), R random."""
    g = Graph()
    ids = []
    for k, v in enumerate(leaves):
        if as_vectors:
            v = np.atleast_1d(np.asarray(v, dtype=float))
        kind = kinds[k] if kinds else "parameter"
        if kind == "parameter":
            ids.append(g.parameter(f"p{k}", v))
        elif kind == "input":
            ids.append(g.input(f"p{k}", v))
        else:
            ids.append(g.constant(v, label=f"p{k}"))
    for op, ins in ops:
        ids.append(_apply_op(g, op, [ids[i] for i in ins]))
    out = ids[-1]
    shape = values[-1].shape if not as_vectors else np.atleast_1d(values[-1]).shape
    if weight_output and shape != ():
        R = np.random.default_rng(seed).uniform(0.5, 1.5, shape) * \
            np.random.default_rng(seed + 1).choice([-1.0, 1.0], shape)
        out = g.sum(g.multiply(out, g.constant(R, label="R")), label="L")
    g.set_output(out)
    return g, ids, out


def _close(a, b, rtol=1e-12, atol=1e-14):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and np.allclose(a, b, rtol=rtol, atol=atol)


def check_finite_differences(g, ids, out, n_leaves, h=1e-6):
    res = run(g, trace=False)
    for leaf in ids[:n_leaves]:
        base = g.node(leaf)["tensors"]["value"]
        arr = np.array(base, dtype=float)
        analytic = np.asarray(res.tensor_grads[(leaf, "value")], dtype=float)
        assert analytic.shape == arr.shape
        numeric = np.zeros_like(arr)
        for idx in np.ndindex(arr.shape):
            lp_lm = []
            for sign in (1, -1):
                bumped = arr.copy()
                bumped[idx] += sign * h
                g.set_tensor(leaf, "value", bumped if arr.ndim else float(bumped))
                lp_lm.append(float(np.sum(run(g, trace=False).values[out])))
            numeric[idx] = (lp_lm[0] - lp_lm[1]) / (2 * h)
        g.set_tensor(leaf, "value", base)
        err = np.abs(analytic - numeric) - (1e-5 * (np.abs(analytic) + np.abs(numeric)) + 1e-6)
        assert np.all(err <= 0), f"leaf {leaf}: analytic {analytic} vs numeric {numeric}"
        if res.grads[leaf] is None:         # L does not depend on this leaf
            assert not np.any(analytic) and not np.any(numeric)
        else:
            np.testing.assert_array_equal(res.grads[leaf], analytic)
    return res


def _unb(x, shape):
    """Independent undo of broadcasting: sum over leading axes and over axes of length 1."""
    x = np.asarray(x, dtype=float)
    lead = x.ndim - len(shape)
    x = x.sum(axis=tuple(range(lead))) if lead > 0 else x
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and x.shape[i] != 1)
    return x.sum(axis=axes, keepdims=True) if axes else x


ELEMENTWISE = {"add", "subtract", "multiply", "divide", "max", "power", "exp", "log", "sum",
               "mean", "sigmoid", "tanh", "relu", "mse", "bce", "softmax_ce"}


def check_trace(g: Graph, res) -> None:
    trace = res.trace
    assert trace and trace[0].kind == "seed" and trace[0].node == res.output
    np.testing.assert_array_equal(trace[0].downstream, np.ones(np.shape(res.values[res.output])))
    edges = [(k, s) for k, s in enumerate(trace) if s.kind == "edge"]
    # exactly the graph's edges into nodes the output depends on, each once
    expected = sorted((u, v, p) for u, v, p in g.edges() if res.grads[v] is not None)
    assert sorted((s.source, s.node, s.port) for _, s in edges) == expected
    position = {}
    for k, s in edges:
        position.setdefault(s.source, []).append(k)
        # the consumer's gradient is complete when it is handed on
        assert _close(s.upstream, res.grads[s.node], 0, 0), (s, res.grads[s.node])
        op = g.node(s.node)["op"]
        if op in ELEMENTWISE:
            shape = np.shape(res.values[s.source])
            want = _unb(np.asarray(s.upstream) * np.asarray(s.local), shape)
            assert _close(s.downstream, want, 1e-14, 1e-300), (s, want)
        assert np.shape(s.downstream) == np.shape(res.values[s.source])
    for k, s in edges:                          # reverse topological: consumers first
        assert all(j < k for j in position.get(s.node, [])), (s, position.get(s.node))
    # the multivariate chain rule, per source node
    by_source: dict[str, list] = {}
    for _, s in edges:
        by_source.setdefault(s.source, []).append(s)
    sums = {s.node: s for s in trace if s.kind == "sum"}
    for node, steps in by_source.items():
        total = sum(np.asarray(s.downstream, dtype=float) for s in steps)
        assert _close(total, res.grads[node]), (node, total, res.grads[node])
        if len(steps) > 1:
            assert node in sums, f"{node} feeds {len(steps)} consumers but has no sum step"
            assert _close(sums[node].downstream, res.grads[node], 0, 0)
            parts = sorted((t, p) for t, p, _ in sums[node].parts)
            assert parts == sorted((s.node, s.port) for s in steps)
            for t, p, d in sums[node].parts:
                match = [s for s in steps if (s.node, s.port) == (t, p)]
                assert _close(d, match[0].downstream, 0, 0)
            last = max(k for k, s in edges if s.source == node)
            assert next(i for i, t in enumerate(trace) if t is sums[node]) > last
        else:
            assert node not in sums
    assert set(sums) <= set(by_source)


def check_forward(res, ids, values):
    for node, v in zip(ids, values):
        assert _close(res.values[node], v, 1e-11, 1e-13), (node, res.values[node], v)


# ---------------------------------------------------------------- the tests


@settings(max_examples=80, **SETTINGS)
@given(dags(vector=False))
def test_random_scalar_dags_gradients(dag):
    leaves, ops, values, seed = dag
    g, ids, out = build(leaves, ops, values, seed)
    res = check_finite_differences(g, ids, out, len(leaves))
    check_forward(res, ids, values)


@settings(max_examples=60, **SETTINGS)
@given(dags(vector=True))
def test_random_vector_dags_gradients(dag):
    leaves, ops, values, seed = dag
    g, ids, out = build(leaves, ops, values, seed)
    res = check_finite_differences(g, ids, out, len(leaves))
    check_forward(res, ids, values)


@settings(max_examples=80, **SETTINGS)
@given(dags(vector=False))
def test_scalar_fast_path_matches_numpy_path(dag):
    leaves, ops, values, seed = dag
    g1, ids1, out1 = build(leaves, ops, values, seed, weight_output=False)
    g2, ids2, out2 = build(leaves, ops, values, seed, as_vectors=True, weight_output=False)
    # the two graphs really take the two paths
    p1, p2 = Plan.build(g1), Plan.build(g2)
    assert all(n.scalar for n in p1.graph_nodes)
    assert not any(n.scalar for n in p2.graph_nodes if n.shape == (1,))
    for trace in (False, True):
        r1, r2 = run(g1, trace=trace), run(g2, trace=trace)
        assert r2.loss is None or np.shape(r2.values[out2]) == ()   # a (1,) output is no loss
        for a, b in zip(ids1, ids2):
            assert np.shape(r2.values[b]) in ((1,), ())       # () after a sum or mean
            assert _close(r1.values[a], np.ravel(r2.values[b])[0]), (a, r1.values, r2.values)
            if r1.grads[a] is None:
                assert r2.grads[b] is None
            else:
                assert np.shape(r2.grads[b]) == np.shape(r2.values[b])
                assert _close(r1.grads[a], np.ravel(r2.grads[b])[0]), (a, r1.grads, r2.grads)
        for (a, b) in zip(ids1[:len(leaves)], ids2[:len(leaves)]):
            assert _close(r1.tensor_grads[(a, "value")], r2.tensor_grads[(b, "value")][0])
        if trace:
            s1 = [(s.kind, s.node, s.source, s.port) for s in r1.trace]
            s2 = [(s.kind, s.node, s.source, s.port) for s in r2.trace]
            assert s1 == s2
            for a, b in zip(r1.trace, r2.trace):
                for x, y in ((a.upstream, b.upstream), (a.local, b.local),
                             (a.downstream, b.downstream)):
                    if x is None:
                        assert y is None
                    else:
                        assert _close(np.ravel(x), np.ravel(y)), (a, b)


@settings(max_examples=60, **SETTINGS)
@given(st.one_of(dags(vector=False), dags(vector=True)), st.booleans())
def test_trace_obeys_the_chain_rule(dag, weighted):
    leaves, ops, values, seed = dag
    g, ids, out = build(leaves, ops, values, seed, weight_output=weighted)
    res = run(g, trace=True)
    check_trace(g, res)
    # the traced run and the untraced run agree exactly
    plain = run(g, trace=False)
    for n in ids:
        assert _close(res.values[n], plain.values[n], 0, 0)
        if res.grads[n] is None:
            assert plain.grads[n] is None
        else:
            assert _close(res.grads[n], plain.grads[n], 1e-15, 0)


def check_training_mode(g, res):
    """The trainer's mode (only gradients on paths from trainable tensors) gives the same loss
    and trainable gradients as the full backward pass; the forward-only mode the same loss."""
    plan = Plan.build(g)
    out, grads = plan.call("train", plan.base_leaves)
    assert _close(out, res.values[res.output], 0, 0)
    assert _close(plan.call("loss", plan.base_leaves), res.values[res.output], 0, 0)
    trainable = [(n, t) for n, t in plan.slots if REGISTRY[g.node(n)["op"]].trainable]
    assert len(grads) == len(trainable)
    for key, grad in zip(trainable, grads):
        assert np.shape(grad) == np.shape(g.node(key[0])["tensors"][key[1]]), key
        assert _close(grad, res.tensor_grads[key], 1e-14, 0), (key, grad, res.tensor_grads[key])


@settings(max_examples=60, **SETTINGS)
@given(st.one_of(dags(vector=False), dags(vector=True)), st.data())
def test_training_mode_matches_full_backward(dag, data):
    leaves, ops, values, seed = dag
    kinds = data.draw(st.lists(st.sampled_from(["parameter", "input", "constant"]),
                               min_size=len(leaves), max_size=len(leaves)))
    g, ids, out = build(leaves, ops, values, seed, kinds=kinds)
    res = check_finite_differences(g, ids, out, len(leaves))      # every leaf, trainable or not
    check_training_mode(g, res)


# ---------------------------------------------------------------- small random networks


@st.composite
def networks(draw):
    E = draw(st.integers(1, 3))
    k = draw(st.integers(1, 3))
    h = draw(st.integers(1, 3))
    m = draw(st.integers(2, 3))
    batch = draw(st.booleans())
    act = draw(st.sampled_from(["sigmoid", "tanh", "relu"]))
    loss = draw(st.sampled_from(["mse", "softmax_ce", "bce"]))
    layer1 = draw(st.sampled_from(["dense", "matmul"]))
    seed = draw(st.integers(0, 2**16))
    return E, k, h, m, batch, act, loss, layer1, seed


@settings(max_examples=40, **SETTINGS)
@given(networks())
def test_random_networks_gradients_and_trace(net):
    E, k, h, m, batch, act, loss, layer1, seed = net
    rng = np.random.default_rng(seed)
    xs = (E, k) if batch else (k,)
    xv = rng.normal(size=xs)
    W1, b1 = rng.normal(size=(k, h)), rng.normal(size=h)
    W2, b2 = rng.normal(size=(h, m)) * 0.7, rng.normal(size=m) * 0.5
    g = Graph()
    x = g.parameter("x", xv) if seed % 2 else g.input("x", xv)
    if layer1 == "dense":
        z1 = g.dense(x, k, h, label="d1", W=W1, b=b1)
    else:
        z1 = g.add(g.matmul(x, g.parameter("W1", W1)), g.parameter("b1", b1))
    a1 = g.apply(act, z1)
    z2 = g.dense(a1, h, m, label="d2", W=W2, b=b2)
    ys = xs[:-1] + (m,)
    if loss == "mse":
        y = g.input("y", rng.normal(size=ys))
        L = g.mse(z2, y)
    elif loss == "bce":
        y = g.input("y", rng.integers(0, 2, ys).astype(float))
        L = g.bce(g.sigmoid(z2), y)
    else:
        y = g.input("y", np.eye(m)[rng.integers(0, m, xs[:-1])])
        L = g.softmax_ce(z2, y)
    g.set_output(L)
    # relu kinks: keep pre-activations away from 0
    pre = run(g, trace=False).values[z1]
    if act == "relu" and np.min(np.abs(pre)) < 1e-3:
        return
    res = run(g, trace=True)
    for (node, name), analytic in res.tensor_grads.items():
        base = g.node(node)["tensors"][name]
        arr = np.array(base, dtype=float)
        if node == y:
            continue
        numeric = np.zeros_like(arr)
        for idx in np.ndindex(arr.shape):
            out = []
            for sign in (1, -1):
                b = arr.copy()
                b[idx] += sign * 1e-6
                g.set_tensor(node, name, b)
                out.append(run(g, trace=False).loss)
            numeric[idx] = (out[0] - out[1]) / 2e-6
        g.set_tensor(node, name, base)
        assert np.shape(analytic) == arr.shape
        np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-7,
                                   err_msg=f"{node}.{name} in {net}")
    # dense steps: ∂L/∂W = xᵀδ, ∂L/∂b = Σδ, ∂L/∂x = δWᵀ, as the trace shows them
    for s in res.trace:
        if s.kind == "param":
            delta = np.asarray(s.upstream)
            xin = np.asarray(s.local) if s.port == "W" else None
            if s.port == "W":
                want = np.outer(xin, delta) if xin.ndim == 1 else xin.T @ delta
            else:
                want = delta if delta.ndim == 1 else delta.sum(axis=0)
            np.testing.assert_allclose(s.downstream, want, rtol=1e-13, atol=1e-15)
            np.testing.assert_allclose(s.downstream, res.tensor_grads[(s.node, s.port)],
                                       rtol=0, atol=0)
        elif (s.kind == "edge" and g.node(s.node)["op"] in ("dense", "matmul")
              and s.port in ("x", "a")):
            # local is the matrix (W, or matmul's b): downstream = δ·Wᵀ
            assert np.ndim(s.local) == 2
            np.testing.assert_allclose(s.downstream, np.asarray(s.upstream) @ np.asarray(s.local).T,
                                       rtol=1e-13, atol=1e-15)
    check_trace(g, res)
    check_training_mode(g, res)
