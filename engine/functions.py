"""The maths vocabulary that op expressions are written in, in two implementations.

Op rules in ops.py are short expressions such as ``sigmoid(z)`` or ``out * (1 - out)``. The plan
evaluates them with ARRAY functions (numpy, broadcasting, any shape) or, for nodes whose values
are all scalars, with SCALAR functions on plain Python floats, which are ten times faster than
numpy scalars. Both implementations of a name must agree; tests/test_functions.py checks it.
No function here overflows in an intermediate step (sigmoid, softplus and log-softmax are
written so that ±1000 gives finite results); where the true value itself is beyond float64, as
exp(x) is for x > 709.78, the result is infinite and the plan reports that node.
"""

from __future__ import annotations

import math

import numpy as np

INF = math.inf
BCE_EPS = 1e-12  # p is clipped to [eps, 1 - eps] so log(p) and log(1 - p) stay finite


# ---------------------------------------------------------------- arrays (numpy)

def a_sigmoid(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))                    # never overflows
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def a_relu(z):
    return np.maximum(z, 0.0)


# The masks below stay boolean: g * mask is as fast as by hand, and the trace shows them as 0/1.

def a_step(z):
    """relu's derivative: 1 where z > 0, else 0 (0 at z = 0, as PyTorch does)."""
    return np.greater(z, 0)


def a_ge(a, b):
    """1 where a ≥ b: max routes a tie to its first input."""
    return np.greater_equal(a, b)


def a_gt(a, b):
    return np.greater(a, b)


def a_power(x, p):
    return np.power(x, p)


def a_total(x):
    return np.sum(x)


def a_mean(x):
    return np.mean(x)


def a_size(x):
    return float(np.size(x))


def a_ones_like(x):
    return np.ones_like(x, dtype=float)


# Hot-path helpers read .ndim / .shape directly: numpy's np.ndim() costs more than the maths on
# a small batch. Shapes were checked once when the plan was built (the ops' check functions).

def rows(a) -> float:
    """E, the batch size: the number of rows of a 2-D batch, else 1 (one example)."""
    return float(a.shape[0]) if getattr(a, "ndim", 0) == 2 else 1.0


def a_mse(yhat, y):
    """½‖ŷ − y‖² per example, averaged over the E examples of the batch (the seeds' 1/E)."""
    d = yhat - y
    return 0.5 * float(np.sum(d * d)) / rows(yhat)


def _clip(p):
    return np.clip(p, BCE_EPS, 1.0 - BCE_EPS)


def a_bce(p, y):
    """−(1/E) Σ [y log p + (1 − y) log(1 − p)], p a probability (after a sigmoid)."""
    p = _clip(p)
    return -float(np.sum(y * np.log(p) + (1.0 - y) * np.log1p(-p))) / rows(p)


def a_bce_dp(p, y):
    c = _clip(np.asarray(p, dtype=float))
    return (c - y) / (c * (1.0 - c)) / rows(p)


def a_bce_dy(p, y):
    c = _clip(np.asarray(p, dtype=float))
    return -(np.log(c) - np.log1p(-c)) / rows(p)


def a_bce_logits(z, y):
    """bce(σ(z), y) computed from the logit z: softplus(z) − y·z, exact at any |z|. The plan
    uses it when a sigmoid feeds a bce and nothing else (plan.py, "fusion")."""
    z = np.asarray(z, dtype=float)
    return float(np.sum(np.maximum(z, 0.0) - y * z + np.log1p(np.exp(-np.abs(z))))) / rows(z)


def a_row_sums(y):
    """Σ_k y_k per example (1 for one-hot targets), kept as a column for broadcasting."""
    return np.sum(y, axis=-1, keepdims=True)


def a_log_softmax(z):
    z = np.asarray(z, dtype=float)
    shifted = z - np.max(z, axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


def a_softmax(z):
    return np.exp(a_log_softmax(z))


def a_softmax_vjp(g, s):
    """∂L/∂z of s = softmax(z) along the last axis: s ⊙ (g − Σⱼ gⱼ sⱼ), without the Jacobian."""
    return s * (g - np.sum(g * s, axis=-1, keepdims=True))


def a_leaky_relu(z, alpha):
    return np.where(np.greater(z, 0), z, np.multiply(alpha, z))


def a_leaky_step(z, alpha):
    """leaky_relu's derivative: 1 where z > 0, else alpha."""
    return np.where(np.greater(z, 0), 1.0, alpha)


def a_flatten(x, axis):
    """ONNX Flatten: the dimensions before ``axis`` become the rows, the rest the columns."""
    x = np.asarray(x, dtype=float)
    if x.ndim == 0:
        raise ValueError("flatten takes a vector or an array, not a single number")
    axis = int(axis)
    if axis > x.ndim:
        raise ValueError(f"flatten's axis {axis} is beyond the {x.ndim} dimensions of x")
    return x.reshape(math.prod(x.shape[:axis]), math.prod(x.shape[axis:]))


def a_reshape_like(g, x):
    return np.reshape(g, np.shape(x))


def a_mm_da(g, a, b):
    """∂L/∂a of a @ b (1-D or 2-D): g·bᵀ, with the vector cases spelled out."""
    if b.ndim == 1:
        return np.multiply.outer(g, b) if a.ndim == 2 else g * b
    return g @ b.T


def a_mm_db(g, a, b):
    """∂L/∂b of a @ b: aᵀ·g (for a batch, the sum over its rows)."""
    if a.ndim == 1:
        return np.multiply.outer(a, g) if b.ndim == 2 else g * a
    return a.T @ g


def a_matmul(a, b):
    if np.ndim(a) not in (1, 2) or np.ndim(b) not in (1, 2):
        raise ValueError(f"matmul takes vectors and matrices, got shapes {np.shape(a)} and "
                         f"{np.shape(b)}")
    if np.shape(a)[-1] != np.shape(b)[0]:
        raise ValueError(f"cannot multiply shapes {np.shape(a)} and {np.shape(b)}: "
                         f"{np.shape(a)[-1]} ≠ {np.shape(b)[0]}")
    return np.matmul(a, b)


def unbroadcast(g, shape: tuple):
    """Sum a gradient back over the axes numpy broadcast, so it has the input's shape again.

    The one place broadcasting is undone (a dense layer's bias, a scalar added to a vector).
    """
    if np.shape(g) == shape:
        return g
    g = np.asarray(g)
    while g.ndim > len(shape):
        g = g.sum(axis=0)
    for axis, n in enumerate(shape):
        if n == 1 and g.shape[axis] != 1:
            g = g.sum(axis=axis, keepdims=True)
    return float(g) if shape == () else g


ARRAY = {
    "exp": np.exp, "log": np.log, "tanh": np.tanh, "sigmoid": a_sigmoid, "relu": a_relu,
    "step": a_step, "maximum": np.maximum, "ge": a_ge, "gt": a_gt, "power": a_power,
    "total": a_total, "mean": a_mean, "size": a_size, "ones_like": a_ones_like, "rows": rows,
    "mse": a_mse, "bce": a_bce, "bce_dp": a_bce_dp, "bce_dy": a_bce_dy, "softmax": a_softmax,
    "log_softmax": a_log_softmax, "bce_logits": a_bce_logits, "row_sums": a_row_sums,
    "matmul": a_matmul,
    "mm_da": a_mm_da, "mm_db": a_mm_db,
    "softmax_vjp": a_softmax_vjp, "leaky_relu": a_leaky_relu, "leaky_step": a_leaky_step,
    "flatten": a_flatten, "reshape_like": a_reshape_like, "transpose": np.transpose,
}


# ---------------------------------------------------------------- scalars (Python floats)

def s_exp(x):
    try:
        return math.exp(x)
    except OverflowError:
        return INF


def s_log(x):
    if x > 0:
        return math.log(x)
    return -INF if x == 0 else math.nan


def s_sigmoid(z):
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def s_relu(z):
    return z if z > 0 else 0.0


def s_step(z):
    return 1.0 if z > 0 else 0.0


def s_maximum(a, b):
    return a if a >= b else b


def s_ge(a, b):
    return 1.0 if a >= b else 0.0


def s_gt(a, b):
    return 1.0 if a > b else 0.0


def s_power(x, p):
    try:
        r = x ** p
        if isinstance(r, float):
            return r
    except (OverflowError, ZeroDivisionError):
        pass
    with np.errstate(all="ignore"):     # the signed infinities and NaNs numpy would give
        return float(np.power(x, p))


def s_leaky_relu(z, alpha):
    return z if z > 0 else alpha * z


def s_leaky_step(z, alpha):
    return 1.0 if z > 0 else float(alpha)


def _identity(x):
    return x


def _one(x):
    return 1.0


SCALAR = {
    "exp": s_exp, "log": s_log, "tanh": math.tanh, "sigmoid": s_sigmoid, "relu": s_relu,
    "step": s_step, "maximum": s_maximum, "ge": s_ge, "gt": s_gt, "power": s_power,
    "total": _identity, "mean": _identity, "size": _one, "ones_like": _one,
    "rows": _one, "leaky_relu": s_leaky_relu, "leaky_step": s_leaky_step,
    "transpose": _identity,
}
# Losses and matrix rules have no separate scalar form: they use the array one.
for _name, _fn in ARRAY.items():
    SCALAR.setdefault(_name, _fn)
