"""The two implementations of every function of the op vocabulary agree on scalar inputs.

Scalar nodes are evaluated with functions.SCALAR (Python floats), the rest with functions.ARRAY
(numpy). The same graph must not give different numbers depending on which path a node took, so
for every name in SCALAR both are called on the same scalars, including 0, negatives, large
magnitudes and ±inf, and must give the same float (NaN where the other gives NaN, infinities with
the same sign), or both refuse the input.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from backprop_studio.engine import functions as F

EDGE = [0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 3.0, 1e-300, -1e-300, 20.0, -20.0, 40.0, -40.0,
        700.0, -700.0, 710.0, -746.0, 1e3, -1e3, 1e4, -1e4, 1e308, -1e308, math.inf, -math.inf]
PROBS = [1e-15, 1e-3, 0.25, 0.5, 0.75, 1 - 1e-3, 1 - 1e-15, 0.0, 1.0]
EXPONENTS = [0.0, 1.0, 2.0, 3.0, -1.0, -2.0, 0.5, 2.5, -0.5, 401.0]
# finite bases only: a non-finite value is refused at the node that produced it
BASES = [0.0, -0.0, 1.0, -1.0, 2.0, -2.0, 0.5, -0.5, 10.0, -10.0, 1e200, -1e200]

unary = [(x,) for x in EDGE]
pairs = [(a, b) for a, b in itertools.product([0.0, 1.0, -1.0, 2.5, -3.0, 1e300, -1e300,
                                               math.inf, -math.inf], repeat=2)]

# Arguments per name; a function added to SCALAR without an entry here fails the test.
ARGS = {
    "exp": unary, "log": unary, "tanh": unary, "sigmoid": unary, "relu": unary,
    "step": unary, "total": unary, "mean": unary, "size": unary, "ones_like": unary,
    "rows": unary, "softmax": unary, "log_softmax": unary,
    "maximum": pairs, "ge": pairs, "gt": pairs,
    "power": list(itertools.product(BASES, EXPONENTS)),
    "mse": pairs,
    "bce": list(itertools.product(PROBS, [0.0, 1.0, 0.3])),
    "bce_dp": list(itertools.product(PROBS, [0.0, 1.0, 0.3])),
    "bce_dy": list(itertools.product(PROBS, [0.0, 1.0, 0.3])),
    "bce_logits": list(itertools.product([-1000.0, -30.0, -1.0, 0.0, 2.0, 40.0, 1000.0],
                                         [0.0, 1.0, 0.3])),
    "row_sums": unary,
    "matmul": pairs,
    "mm_da": [(1.0, 2.0, 3.0), (-1.0, 0.5, 4.0)], "mm_db": [(1.0, 2.0, 3.0), (-1.0, 0.5, 4.0)],
    "leaky_relu": list(itertools.product(EDGE, [0.0, 0.01, 0.2, 1.0])),
    "leaky_step": list(itertools.product(EDGE, [0.0, 0.01, 0.2, 1.0])),
    "transpose": unary, "softmax_vjp": pairs, "reshape_like": pairs,
    "flatten": [(x, 1.0) for x in EDGE],
}


def _call(fn, args):
    with np.errstate(all="ignore"):
        try:
            return "ok", fn(*args)
        except Exception as exc:  # both paths must refuse the same inputs the same way
            return "raised", type(exc).__name__


def _same(x, y) -> bool:
    x, y = float(x), float(y)
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) and math.isnan(y)
    if math.isinf(x) or math.isinf(y):
        return x == y
    return x == y or abs(x - y) <= 4e-16 * max(abs(x), abs(y))


def test_scalar_and_array_vocabularies_have_the_same_names():
    assert set(F.SCALAR) == set(F.ARRAY)


@pytest.mark.parametrize("name", sorted(F.SCALAR))
def test_scalar_and_array_agree(name):
    args_list = ARGS[name]
    bad = []
    for args in args_list:
        s_kind, s = _call(F.SCALAR[name], args)
        a_kind, a = _call(F.ARRAY[name], args)
        if s_kind != a_kind:
            bad.append((args, f"scalar {s_kind} {s!r}", f"array {a_kind} {a!r}"))
            continue
        if s_kind == "raised":
            if s != a:
                bad.append((args, s, a))
            continue
        if np.ndim(a) != 0 or np.ndim(s) != 0:
            bad.append((args, f"scalar gives shape {np.shape(s)}", f"array {np.shape(a)}"))
        elif not _same(s, a):
            bad.append((args, f"scalar {s!r}", f"array {float(a)!r}"))
    assert not bad, f"{name}: SCALAR and ARRAY disagree on {len(bad)} input(s): {bad[:8]}"


@pytest.mark.parametrize("name", ["exp", "log", "tanh", "sigmoid", "relu", "step", "maximum",
                                  "ge", "gt", "power", "total", "mean", "size", "ones_like",
                                  "rows", "leaky_relu", "leaky_step", "transpose"])
def test_scalar_versions_return_python_floats(name):
    """The fast path's point: plain floats, not numpy scalars or 0-d arrays."""
    args = {"maximum": (1.0, 2.0), "ge": (1.0, 2.0), "gt": (2.0, 1.0),
            "power": (2.0, 3.0), "leaky_relu": (-0.7, 0.1),
            "leaky_step": (-0.7, 0.1)}.get(name, (0.7,))
    assert type(F.SCALAR[name](*args)) is float


def test_a_few_exact_values():
    s, a = F.SCALAR, F.ARRAY
    for impl in (s, a):
        assert float(impl["sigmoid"](0.0)) == 0.5
        assert float(impl["sigmoid"](-1000.0)) == 0.0
        assert float(impl["sigmoid"](1000.0)) == 1.0
        assert float(impl["relu"](-3.0)) == 0.0 and float(impl["relu"](3.0)) == 3.0
        assert float(impl["step"](0.0)) == 0.0 and float(impl["step"](1e-300)) == 1.0
        assert float(impl["ge"](2.0, 2.0)) == 1.0 and float(impl["gt"](2.0, 2.0)) == 0.0
        assert float(impl["maximum"](-1.0, 4.0)) == 4.0
        assert float(impl["power"](-2.0, 3.0)) == -8.0
        assert float(impl["power"](9.0, 0.5)) == 3.0
        with np.errstate(invalid="ignore"):
            assert math.isnan(float(impl["power"](-8.0, 1.0 / 3.0)))
        assert float(impl["exp"](0.0)) == 1.0 and float(impl["exp"](-1000.0)) == 0.0
        with np.errstate(divide="ignore"):
            assert float(impl["log"](1.0)) == 0.0 and float(impl["log"](0.0)) == -math.inf
    # sigmoid far in the left tail keeps its relative accuracy (no 1 − tiny cancellation)
    for impl in (s, a):
        assert float(impl["sigmoid"](-40.0)) == pytest.approx(math.exp(-40.0), rel=1e-15)
        assert float(impl["sigmoid"](-700.0)) == pytest.approx(math.exp(-700.0), rel=1e-13)


def test_unbroadcast_sums_over_broadcast_axes():
    g = np.arange(12.0).reshape(4, 3)
    np.testing.assert_array_equal(F.unbroadcast(g, (3,)), g.sum(axis=0))
    np.testing.assert_array_equal(F.unbroadcast(g, (1, 3)), g.sum(axis=0, keepdims=True))
    np.testing.assert_array_equal(F.unbroadcast(g, (4, 1)), g.sum(axis=1, keepdims=True))
    np.testing.assert_array_equal(F.unbroadcast(g, (1,)), [g.sum()])
    np.testing.assert_array_equal(F.unbroadcast(g, (1, 1)), [[g.sum()]])
    assert F.unbroadcast(g, ()) == g.sum() and type(F.unbroadcast(g, ())) is float
    assert F.unbroadcast(g, (4, 3)) is g
    g3 = np.arange(24.0).reshape(2, 4, 3)
    np.testing.assert_array_equal(F.unbroadcast(g3, (4, 1)), g3.sum(axis=(0, 2))[:, None])
