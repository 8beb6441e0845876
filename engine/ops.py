"""Every op of Backprop Studio, declared once: its forward rule beside each input's local gradient.

An op's rules are short expressions in the vocabulary of functions.py. Names in them are the
op's input ports (``a``, ``b``, ``z``…), its own tensors (``W``, ``b``, ``value``), its settings
(``p``), ``out`` (the forward value) and, in a ``vjp``, ``g`` (the upstream gradient ∂L/∂out).

For each input port an op gives:
- ``local``: the local gradient ∂out/∂port as a person reads it (a number, an elementwise array,
  or for matrix ops the matrix involved, as on the CS231n slides);
- ``formula``: the same in words, e.g. multiply's port a: "b";
- ``vjp``: the gradient handed downstream, only where it is not simply ``g * local``
  (matrix products). Broadcasting is summed back by the plan, in one place.

The palette, the file schema's op list and the README's op table all come from REGISTRY.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from .domains import refuse
from .limits import MAX_SEED, MAX_SETTING, MAX_TENSOR_DIMS, MAX_TENSOR_ELEMENTS
from .settings import Setting

INPUTS = "Inputs & parameters"
MATH = "Math"
ACTIVATIONS = "Activations"
LAYERS = "Layers"
LOSSES = "Losses"
CATEGORIES = (INPUTS, MATH, ACTIVATIONS, LAYERS, LOSSES)


@dataclass(frozen=True)
class Op:
    name: str
    category: str
    symbol: str                      # drawn on the node: "+", "×", "σ"…
    summary: str                     # the forward rule in words, for tooltips and docs
    forward: str
    ports: tuple[str, ...] = ()
    local: dict = field(default_factory=dict)
    formula: dict = field(default_factory=dict)
    vjp: dict = field(default_factory=dict)
    tensors: tuple[str, ...] = ()    # arrays the node owns and the file stores
    trainable: bool = False          # whether training updates those tensors
    settings: tuple[Setting, ...] = ()   # each setting's kind, range and default
    is_loss: bool = False
    check: object = None             # (inputs, tensors, config) -> None, raises ValueError
    save: dict = field(default_factory=dict)   # forward intermediates the backward reuses
    notation: str = ""               # the forward rule with its ports in braces: "{a} + {b}"
    display: tuple[str, ...] = ()    # settings that change only how the canvas draws the node

    def vjp_expr(self, name: str) -> str:
        return self.vjp.get(name) or f"g * ({self.local[name]})"

    @property
    def config(self) -> dict:
        """The settings' defaults, fresh copies: {name: default}."""
        return {s.name: s.fresh_default() for s in self.settings}

    def setting(self, name: str) -> Setting | None:
        return next((s for s in self.settings if s.name == name), None)

    def declared_shapes(self, config: dict) -> dict[str, tuple[int, ...]]:
        """The shapes of the tensors this op seeds from its (checked) settings; tensors whose
        shape the settings do not fix are absent. Known before anything is allocated."""
        cfg = {**self.config, **config}
        if self.name == "dense":
            return {"W": (int(cfg["in_features"]), int(cfg["units"])), "b": (int(cfg["units"]),)}
        if self.name == "parameter":
            return {"value": tuple(int(n) for n in cfg["shape"])}
        return {}

    def fixed_shapes(self, config: dict) -> dict[str, tuple[int, ...]]:
        """The declared shapes a given tensor must have: a dense layer's W and b follow from its
        in_features and units. (A parameter's shape only seeds a fresh value; it binds
        nothing.)"""
        return self.declared_shapes(config) if self.name == "dense" else {}

    def initial_tensors(self, config: dict, only=None) -> dict:
        """Fresh, seeded values for the node's own tensors (a new node, or Reset parameters);
        ``only``: the names wanted (a file that gives W need not have it seeded first)."""
        wanted = set(self.tensors if only is None else only)
        if not wanted:
            return {}
        cfg = {**self.config, **config}
        shapes = self.declared_shapes(cfg)
        for name, shape in shapes.items():
            if name in wanted and math.prod(shape) > MAX_TENSOR_ELEMENTS:
                raise ValueError(f"{name} would have shape {shape}, {math.prod(shape):,} "
                                 f"elements; a tensor may hold at most {MAX_TENSOR_ELEMENTS:,}")
        out = {}
        rng = np.random.default_rng(int(cfg.get("seed", 0))) if shapes else None
        if self.name == "dense":
            n_in, n_out = shapes["W"]
            limit = np.sqrt(6.0 / (n_in + n_out))             # Glorot uniform
            if "W" in wanted:
                out["W"] = rng.uniform(-limit, limit, (n_in, n_out))
            if "b" in wanted:
                out["b"] = np.zeros(n_out)
        elif self.name == "parameter":
            if "value" in wanted:
                shape, scale = shapes["value"], float(cfg["scale"])
                out["value"] = float(rng.normal(0.0, scale)) if shape == () else \
                    rng.normal(0.0, scale, shape)
        else:
            out = {name: 0.0 for name in self.tensors if name in wanted}
        return out


REGISTRY: dict[str, Op] = {}


def register(op: Op) -> Op:
    if op.name in REGISTRY:
        raise ValueError(f"op {op.name!r} is registered twice")
    for port in op.ports:
        if port not in op.local or port not in op.formula:
            raise ValueError(f"op {op.name!r} port {port!r} lacks a local gradient or formula")
    REGISTRY[op.name] = op
    return op


def get_op(name: str) -> Op:
    try:
        return REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(REGISTRY))
        raise KeyError(f"unknown op {name!r}; known ops: {known}") from None


# ---------------------------------------------------------------- leaves

SEED = Setting("seed", "int", 0, 0, MAX_SEED, doc="seeds the initial values")

register(Op("input", INPUTS, "x", "named data: a value from the file, or a column of the dataset",
            forward="value", tensors=("value",),
            settings=(Setting("feed", "choice", None, choices=(None, "features", "targets"),
                              doc="which dataset column this input takes while training"),)))
register(Op("parameter", INPUTS, "θ",
            "a trainable scalar, vector or matrix (seeded initialisation)",
            forward="value", tensors=("value",), trainable=True,
            settings=(Setting("shape", "shape", [], doc="the shape a fresh value is seeded with"),
                      Setting("scale", "float", 1.0, 0.0, MAX_SETTING,
                              doc="standard deviation of the seeded normal values"),
                      SEED)))
register(Op("constant", INPUTS, "c", "a fixed number or array",
            forward="value", tensors=("value",)))

# ---------------------------------------------------------------- arithmetic

register(Op("add", MATH, "+", "a + b (the add gate distributes the gradient unchanged)",
            notation="{a} + {b}", forward="a + b", ports=("a", "b"),
            local={"a": "1.0", "b": "1.0"}, formula={"a": "1", "b": "1"},
            vjp={"a": "g", "b": "g"}))
register(Op("subtract", MATH, "−", "a − b",
            notation="{a} − {b}", forward="a - b", ports=("a", "b"),
            local={"a": "1.0", "b": "-1.0"}, formula={"a": "1", "b": "−1"},
            vjp={"a": "g", "b": "-g"}))
register(Op("multiply", MATH, "×", "a · b (the multiply gate swaps its inputs' values)",
            notation="{a} · {b}", forward="a * b", ports=("a", "b"),
            local={"a": "b", "b": "a"}, formula={"a": "b", "b": "a"}))
register(Op("divide", MATH, "÷", "a / b",
            notation="{a} / {b}", forward="a / b", ports=("a", "b"),
            local={"a": "1.0 / b", "b": "-a / (b * b)"}, formula={"a": "1/b", "b": "−a/b²"}))
register(Op("max", MATH, "max", "max(a, b) elementwise; routes the gradient to the larger input "
            "(on a tie, to a)",
            notation="max({a}, {b})", forward="maximum(a, b)", ports=("a", "b"),
            local={"a": "ge(a, b)", "b": "gt(b, a)"},
            formula={"a": "1 if a ≥ b else 0", "b": "1 if b > a else 0"}))
register(Op("power", MATH, "xᵖ", "x to the power p",
            notation="{x}^p", forward="power(x, p)", ports=("x",),
            settings=(Setting("p", "float", 2.0, -MAX_SETTING, MAX_SETTING, doc="the exponent"),),
            local={"x": "p * power(x, p - 1.0) if p != 0.0 else 0.0 * x"},
            formula={"x": "p·x^(p−1)"}))
register(Op("exp", MATH, "eˣ", "e to the power x",
            notation="e^{x}",
            forward="exp(x)", ports=("x",), local={"x": "out"}, formula={"x": "exp(x)"}))
register(Op("log", MATH, "ln", "natural logarithm of x (x > 0)",
            notation="ln {x}",
            forward="log(x)", ports=("x",), local={"x": "1.0 / x"}, formula={"x": "1/x"}))
register(Op("sum", MATH, "Σ", "the sum of all elements of x",
            notation="Σ {x}",
            forward="total(x)", ports=("x",), local={"x": "ones_like(x)"}, formula={"x": "1"},
            vjp={"x": "g * ones_like(x)"}))
register(Op("mean", MATH, "x̄", "the mean of all elements of x",
            notation="mean({x})",
            forward="mean(x)", ports=("x",), local={"x": "ones_like(x) / size(x)"},
            formula={"x": "1/n"}, vjp={"x": "g * ones_like(x) / size(x)"}))


def _check_matmul(inputs, tensors, config):
    a, b = inputs["a"], inputs["b"]
    if np.ndim(a) not in (1, 2) or np.ndim(b) not in (1, 2):
        raise ValueError(f"matmul takes vectors and matrices, got shapes {np.shape(a)} and "
                         f"{np.shape(b)}")
    if np.shape(a)[-1] != np.shape(b)[0]:
        raise ValueError(f"cannot multiply shapes {np.shape(a)} · {np.shape(b)}: "
                         f"{np.shape(a)[-1]} ≠ {np.shape(b)[0]}")


register(Op("matmul", MATH, "a·b", "matrix product a·b of vectors and matrices",
            notation="{a}·{b}", forward="a @ b", ports=("a", "b"), check=_check_matmul,
            local={"a": "b", "b": "a"},
            formula={"a": "b (so ∂L/∂a = g·bᵀ)", "b": "a (so ∂L/∂b = aᵀ·g)"},
            vjp={"a": "mm_da(g, a, b)", "b": "mm_db(g, a, b)"}))

register(Op("transpose", MATH, "xᵀ", "x with its axes reversed: a matrix's rows become its "
            "columns",
            notation="{x}ᵀ", forward="transpose(x)", ports=("x",),
            local={"x": "ones_like(x)"},
            formula={"x": "1 for each number, moved back to its place (so ∂L/∂x = gᵀ)"},
            vjp={"x": "transpose(g)"}))
register(Op("flatten", MATH, "⇲", "x as a matrix: the dimensions before axis become its rows, "
            "the rest its columns (ONNX Flatten; axis 1 keeps a batch's rows)",
            notation="flatten({x})", forward="flatten(x, axis)", ports=("x",),
            settings=(Setting("axis", "int", 1, 0, MAX_TENSOR_DIMS,
                              doc="the dimensions before it become the rows"),),
            check=lambda inputs, tensors, config: _check_flatten(inputs["x"], config),
            local={"x": "ones_like(x)"},
            formula={"x": "1 for each number (so ∂L/∂x is g in x's shape)"},
            vjp={"x": "reshape_like(g, x)"}))


def _check_flatten(x, config):
    if np.ndim(x) == 0:
        raise ValueError("flatten takes a vector or an array, not a single number")
    if int(config.get("axis", 1)) > np.ndim(x):
        raise ValueError(f"axis {config.get('axis', 1)} is beyond the {np.ndim(x)} dimension(s) "
                         f"of x")


def _check_has_last_axis(name):
    def check(inputs, tensors, config):
        if np.ndim(inputs["z"]) == 0:
            raise ValueError(f"{name} normalises along the last axis: it takes a vector or a "
                             f"batch of rows, not a single number")
    return check


# ---------------------------------------------------------------- activations

register(Op("sigmoid", ACTIVATIONS, "σ", "σ(z) = 1 / (1 + e^(−z))",
            notation="σ({z})", forward="sigmoid(z)", ports=("z",),
            local={"z": "out * (1.0 - out)"}, formula={"z": "σ(z)(1−σ(z))"}))
register(Op("tanh", ACTIVATIONS, "tanh", "hyperbolic tangent of z",
            notation="tanh({z})", forward="tanh(z)", ports=("z",),
            local={"z": "1.0 - out * out"}, formula={"z": "1 − tanh²(z)"}))
register(Op("relu", ACTIVATIONS, "ReLU", "max(0, z)",
            notation="max(0, {z})", forward="relu(z)", ports=("z",),
            local={"z": "step(z)"}, formula={"z": "1 if z > 0 else 0"}))

register(Op("leaky_relu", ACTIVATIONS, "LReLU", "z where z > 0, else α·z",
            notation="leaky_relu({z})", forward="leaky_relu(z, alpha)", ports=("z",),
            settings=(Setting("alpha", "float", 0.01, 0.0, MAX_SETTING,
                              doc="the slope for z ≤ 0"),),
            local={"z": "leaky_step(z, alpha)"}, formula={"z": "1 if z > 0 else α"}))
register(Op("softmax", ACTIVATIONS, "softmax", "sᵢ = e^(zᵢ) / Σⱼ e^(zⱼ) along the last axis "
            "(each row of a batch)",
            notation="softmax({z})", forward="softmax(z)", ports=("z",),
            check=_check_has_last_axis("softmax"),
            local={"z": "out * (1.0 - out)"},
            formula={"z": "∂sᵢ/∂zⱼ = sᵢ(δᵢⱼ − sⱼ); shown: the diagonal sᵢ(1 − sᵢ) "
                          "(so ∂L/∂z = s ⊙ (g − Σⱼ gⱼsⱼ))"},
            vjp={"z": "softmax_vjp(g, out)"}))
register(Op("log_softmax", ACTIVATIONS, "log s", "log softmax(z) along the last axis: "
            "zᵢ − log Σⱼ e^(zⱼ)",
            notation="log softmax({z})", forward="log_softmax(z)", ports=("z",),
            check=_check_has_last_axis("log_softmax"),
            local={"z": "1.0 - exp(out)"},
            formula={"z": "∂ᵢ/∂zⱼ = δᵢⱼ − sⱼ; shown: the diagonal 1 − sᵢ "
                          "(so ∂L/∂z = g − s·Σⱼ gⱼ)"},
            vjp={"z": "g - exp(out) * row_sums(g)"}))

# ---------------------------------------------------------------- layers


def _check_dense(inputs, tensors, config):
    x, w = inputs["x"], tensors["W"]
    if np.ndim(x) not in (1, 2):
        raise ValueError(f"dense takes a vector or a batch of rows, got shape {np.shape(x)}")
    if np.shape(x)[-1] != np.shape(w)[0]:
        raise ValueError(f"x has {np.shape(x)[-1]} features but W has {np.shape(w)[0]} rows "
                         f"(in_features)")
    if np.shape(tensors["b"]) != (np.shape(w)[1],):
        raise ValueError(f"b has shape {np.shape(tensors['b'])}, expected ({np.shape(w)[1]},)")


register(Op("dense", LAYERS, "xW+b",
            "z = x·W + b, W (in × units) and b its own trainable parameters; the seeds' "
            "z = Wᵀx + b for a row vector x",
            notation="{x}·W + b",
            forward="x @ W + b", ports=("x",), tensors=("W", "b"), trainable=True,
            settings=(Setting("in_features", "int", 2, 1, MAX_TENSOR_ELEMENTS,
                              doc="W's rows: the features of x"),
                      Setting("units", "int", 2, 1, MAX_TENSOR_ELEMENTS,
                              doc="W's columns and b's length: the outputs"),
                      SEED,
                      Setting("neurons", "bool", False,
                              doc="drawn as its neurons and weights (looks, not maths)")),
            display=("neurons",), check=_check_dense,
            local={"x": "W", "W": "x", "b": "1.0"},
            formula={"x": "W (so ∂L/∂x = δ·Wᵀ)", "W": "x (so ∂L/∂W = xᵀ·δ)",
                     "b": "1 (so ∂L/∂b = Σ δ over the batch)"},
            vjp={"x": "mm_da(g, x, W)", "W": "mm_db(g, x, W)", "b": "g"}))

# ---------------------------------------------------------------- losses


def _check_same_shape(name: str, first: str):
    def check(inputs, tensors, config):
        a, y = inputs[first], inputs["y"]
        if np.shape(a) != np.shape(y):
            raise ValueError(f"{name}: prediction has shape {np.shape(a)} but the target has "
                             f"shape {np.shape(y)}; they must match")
    return check


def _check_bce(inputs, tensors, config):
    _check_same_shape("bce", "p")(inputs, tensors, config)
    refuse(REGISTRY["bce"], inputs, config)


register(Op("mse", LOSSES, "MSE", "½‖ŷ − y‖² per example, averaged over the batch (1/E)",
            notation="½‖{yhat} − {y}‖² / E",
            forward="mse(yhat, y)", ports=("yhat", "y"), is_loss=True,
            check=_check_same_shape("mse", "yhat"),
            local={"yhat": "(yhat - y) / rows(yhat)", "y": "(y - yhat) / rows(yhat)"},
            formula={"yhat": "(ŷ − y)/E", "y": "(y − ŷ)/E"}))
register(Op("bce", LOSSES, "BCE", "binary cross-entropy −[y log p + (1−y) log(1−p)], "
            "averaged over the batch",
            notation="BCE({p}, {y})", forward="bce(p, y)", ports=("p", "y"), is_loss=True,
            check=_check_bce,
            local={"p": "bce_dp(p, y)", "y": "bce_dy(p, y)"},
            formula={"p": "(p − y)/(p(1−p))/E", "y": "−(log p − log(1−p))/E"}))
def _check_softmax_ce(inputs, tensors, config):
    z, y = inputs["z"], inputs["y"]
    if np.ndim(z) not in (1, 2):
        raise ValueError(f"softmax_ce takes a vector of logits or a batch of rows, got shape "
                         f"{np.shape(z)}")
    if np.shape(z) != np.shape(y):
        raise ValueError(f"softmax_ce: the logits have shape {np.shape(z)} but the target has "
                         f"shape {np.shape(y)}; they must match")


register(Op("softmax_ce", LOSSES, "CE", "softmax cross-entropy −Σ y log softmax(z), "
            "averaged over the batch",
            save={"logp": "log_softmax(z)"}, check=_check_softmax_ce,
            notation="CE(softmax({z}), {y})",
            forward="-total(y * logp) / rows(z)", ports=("z", "y"), is_loss=True,
            local={"z": "(exp(logp) * row_sums(y) - y) / rows(z)", "y": "-logp / rows(z)"},
            formula={"z": "(softmax(z)·Σy − y)/E, i.e. (softmax(z) − y)/E for one-hot y",
                     "y": "−log softmax(z)/E"}))
