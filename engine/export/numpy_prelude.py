"""The helper functions an exported NumPy script defines, each written out in the script only
when its graph uses it. They are the engine's own rules (engine/functions.py) in plain numpy,
so the script needs nothing but numpy and gives the engine's numbers."""

from __future__ import annotations

import inspect
import re

from .. import functions, optimizers

HELPERS = {
    "plain": '''
def plain(value):
    """A value as JSON: a float, or nested lists of floats (masks as 0/1)."""
    value = np.asarray(value, dtype=float)
    return float(value) if value.ndim == 0 else value.tolist()
''',
    "rows": '''
def rows(a):
    """E, the batch size: the rows of a 2-D batch, else 1 (one example)."""
    return float(a.shape[0]) if getattr(a, "ndim", 0) == 2 else 1.0
''',
    "sigmoid": '''
def sigmoid(z):
    """1 / (1 + e^(-z)), written so that no exp overflows."""
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
''',
    "mse": '''
def mse(yhat, y):
    """½‖ŷ − y‖² per example, averaged over the E examples of the batch."""
    d = yhat - y
    return 0.5 * float(np.sum(d * d)) / rows(yhat)
''',
    "bce": '''
BCE_EPS = 1e-12   # p is clipped to [eps, 1 - eps] so the logs stay finite


def bce(p, y):
    """−(1/E) Σ [y log p + (1 − y) log(1 − p)]."""
    c = np.clip(p, BCE_EPS, 1.0 - BCE_EPS)
    return -float(np.sum(y * np.log(c) + (1.0 - y) * np.log1p(-c))) / rows(p)


def bce_dp(p, y):
    c = np.clip(np.asarray(p, dtype=float), BCE_EPS, 1.0 - BCE_EPS)
    return (c - y) / (c * (1.0 - c)) / rows(p)


def bce_dy(p, y):
    c = np.clip(np.asarray(p, dtype=float), BCE_EPS, 1.0 - BCE_EPS)
    return -(np.log(c) - np.log1p(-c)) / rows(p)


def bce_logits(z, y):
    """bce(σ(z), y) from the logit z: softplus(z) − y·z, exact at any |z|."""
    z = np.asarray(z, dtype=float)
    return float(np.sum(np.maximum(z, 0.0) - y * z + np.log1p(np.exp(-np.abs(z))))) / rows(z)
''',
    "log_softmax": '''
def log_softmax(z):
    shifted = z - np.max(z, axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


def row_sums(y):
    """Σ_k y_k per example (1 for one-hot targets), as a column."""
    return np.sum(y, axis=-1, keepdims=True)
''',
    "shapes": '''
def flatten(x, axis):
    """x as rows × columns: the dimensions before ``axis`` become the rows (ONNX Flatten)."""
    x = np.asarray(x, dtype=float)
    return x.reshape(int(np.prod(x.shape[:axis], dtype=int)), -1)


def reshape_like(g, x):
    return np.reshape(g, np.shape(x))
''',
    "leaky_relu": '''
def leaky_relu(z, alpha):
    return np.where(z > 0, z, alpha * z)


def leaky_step(z, alpha):
    """1 where z > 0, else α: the local gradient of leaky_relu."""
    return np.where(z > 0, 1.0, alpha)
''',
    "softmax": '''
def softmax(z):
    """e^(z_i) / Σ_j e^(z_j) along the last axis, shifted so no exp overflows."""
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def softmax_vjp(g, s):
    """∂L/∂z of s = softmax(z): s ⊙ (g − Σ_j g_j s_j)."""
    return s * (g - np.sum(g * s, axis=-1, keepdims=True))
''',
    "mm": '''
def mm_da(g, a, b):
    """∂L/∂a of a @ b: g·bᵀ (vectors spelled out)."""
    if np.ndim(b) == 1:
        return np.multiply.outer(g, b) if np.ndim(a) == 2 else g * b
    return g @ b.T


def mm_db(g, a, b):
    """∂L/∂b of a @ b: aᵀ·g (for a batch, the sum over its rows)."""
    if np.ndim(a) == 1:
        return np.multiply.outer(a, g) if np.ndim(b) == 2 else g * a
    return a.T @ g
''',
    "unbroadcast": "\n" + inspect.getsource(functions.unbroadcast),   # the engine's own
}

# Which helper defines each name an expression may call.
PROVIDES = {"rows": "rows", "sigmoid": "sigmoid", "mse": "mse", "bce": "bce", "bce_dp": "bce",
            "bce_dy": "bce", "bce_logits": "bce", "log_softmax": "log_softmax",
            "row_sums": "log_softmax", "mm_da": "mm", "mm_db": "mm",
            "unbroadcast": "unbroadcast", "plain": "plain", "flatten": "shapes",
            "reshape_like": "shapes", "leaky_relu": "leaky_relu", "leaky_step": "leaky_relu",
            "softmax": "softmax", "softmax_vjp": "softmax"}
NEEDS = {"mse": {"rows"}, "bce": {"rows"}}


def helpers_for(code: str) -> str:
    """The helpers the generated ``code`` calls, in a fixed order, as source text."""
    wanted = {PROVIDES[name] for name in re.findall(r"\b(\w+)\(", code) if name in PROVIDES}
    for name in list(wanted):
        wanted |= NEEDS.get(name, set())
    return "".join(HELPERS[name] for name in HELPERS if name in wanted)


def optimizer_source(name: str) -> str:
    """The engine's optimizer class itself, so the script's updates are the engine's."""
    cls = optimizers.OPTIMIZERS[name]
    return inspect.getsource(cls)
