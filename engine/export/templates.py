"""Every op's code in the exported scripts, one table keyed by op name (a test checks that
every op of engine/ops.py has an entry, so a new op cannot be forgotten).

Placeholders in braces are the op's ports (``{a}``, ``{z}``…), its tensors (``{W}``, ``{b}``),
its settings (``{p}``), ``{out}`` (its value), ``{g}`` (∂L/∂out) and its saved intermediates
(``{logp}``). NumPy entries mirror ops.py's rules written against numpy and the helpers of
numpy_prelude.py; ``vjp`` is given only where the gradient handed back is not ``{g} * local``.
PyTorch entries give the forward (autograd does the backward) and the local gradient, which the
script prints beside each edge.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Code:
    forward: str | None                        # None: a leaf (its value is given)
    local: dict = field(default_factory=dict)
    vjp: dict = field(default_factory=dict)
    save: dict = field(default_factory=dict)   # intermediates: name -> expression

    def vjp_of(self, port: str) -> str:
        return self.vjp.get(port) or f"{{g}} * {self.local[port]}"


ONES = "np.ones_like({x}, dtype=float)"

NUMPY: dict[str, Code] = {
    "input": Code(None),
    "parameter": Code(None),
    "constant": Code(None),
    "add": Code("{a} + {b}", {"a": "1.0", "b": "1.0"}, {"a": "{g}", "b": "{g}"}),
    "subtract": Code("{a} - {b}", {"a": "1.0", "b": "-1.0"}, {"a": "{g}", "b": "-{g}"}),
    "multiply": Code("{a} * {b}", {"a": "{b}", "b": "{a}"}),
    "divide": Code("{a} / {b}", {"a": "(1.0 / {b})", "b": "(-{a} / ({b} * {b}))"}),
    "max": Code("np.maximum({a}, {b})", {"a": "({a} >= {b})", "b": "({b} > {a})"}),
    "power": Code("np.power({x}, {p})", {"x": "({p} * np.power({x}, {p} - 1.0))"}),
    "exp": Code("np.exp({x})", {"x": "{out}"}),
    "log": Code("np.log({x})", {"x": "(1.0 / {x})"}),
    "sum": Code("np.sum({x})", {"x": ONES}, {"x": f"{{g}} * {ONES}"}),
    "mean": Code("np.mean({x})", {"x": f"({ONES} / np.size({{x}}))"},
                 {"x": f"{{g}} * {ONES} / np.size({{x}})"}),
    "matmul": Code("{a} @ {b}", {"a": "{b}", "b": "{a}"},
                   {"a": "mm_da({g}, {a}, {b})", "b": "mm_db({g}, {a}, {b})"}),
    "sigmoid": Code("sigmoid({z})", {"z": "({out} * (1.0 - {out}))"}),
    "tanh": Code("np.tanh({z})", {"z": "(1.0 - {out} * {out})"}),
    "relu": Code("np.maximum({z}, 0.0)", {"z": "({z} > 0)"}),
    "transpose": Code("np.transpose({x})", {"x": ONES}, {"x": "np.transpose({g})"}),
    "flatten": Code("flatten({x}, {axis})", {"x": ONES}, {"x": "reshape_like({g}, {x})"}),
    "leaky_relu": Code("leaky_relu({z}, {alpha})", {"z": "leaky_step({z}, {alpha})"}),
    "softmax": Code("softmax({z})", {"z": "({out} * (1.0 - {out}))"},
                    {"z": "softmax_vjp({g}, {out})"}),
    "log_softmax": Code("log_softmax({z})", {"z": "(1.0 - np.exp({out}))"},
                        {"z": "{g} - np.exp({out}) * row_sums({g})"}),
    "dense": Code("{x} @ {W} + {b}", {"x": "{W}", "W": "{x}", "b": "1.0"},
                  {"x": "mm_da({g}, {x}, {W})", "W": "mm_db({g}, {x}, {W})", "b": "{g}"}),
    "mse": Code("mse({yhat}, {y})", {"yhat": "(({yhat} - {y}) / rows({yhat}))",
                                     "y": "(({y} - {yhat}) / rows({yhat}))"}),
    "bce": Code("bce({p}, {y})", {"p": "bce_dp({p}, {y})", "y": "bce_dy({p}, {y})"}),
    "softmax_ce": Code("-np.sum({y} * {logp}) / rows({z})",
                       {"z": "((np.exp({logp}) * row_sums({y}) - {y}) / rows({z}))",
                        "y": "(-{logp} / rows({z}))"},
                       save={"logp": "log_softmax({z})"}),
}

# A sigmoid feeding only a bce is computed from its logit, exactly as the engine's plan does
# (plan.py, "fusion"): the loss from z, ∂L/∂y = −z/E, and the sigmoid's own edge (p − y)/E.
FUSED_BCE = "bce_logits({z}, {y})"
FUSED_BCE_DY = "(-{z} / rows({z}))"
FUSED_SIGMOID_VJP = "{g} * ({p} - {y}) / rows({p})"

T_ONES = "torch.ones_like({x})"

TORCH: dict[str, Code] = {
    "input": Code(None),
    "parameter": Code(None),
    "constant": Code(None),
    "add": Code("{a} + {b}", {"a": "1.0", "b": "1.0"}),
    "subtract": Code("{a} - {b}", {"a": "1.0", "b": "-1.0"}),
    "multiply": Code("{a} * {b}", {"a": "{b}", "b": "{a}"}),
    "divide": Code("{a} / {b}", {"a": "1.0 / {b}", "b": "-{a} / ({b} * {b})"}),
    "max": Code("torch.maximum({a}, {b})", {"a": "({a} >= {b}).double()",
                                            "b": "({b} > {a}).double()"}),
    "power": Code("torch.pow({x}, {p})", {"x": "{p} * torch.pow({x}, {p} - 1.0)"}),
    "exp": Code("torch.exp({x})", {"x": "{out}"}),
    "log": Code("torch.log({x})", {"x": "1.0 / {x}"}),
    "sum": Code("torch.sum({x})", {"x": T_ONES}),
    "mean": Code("torch.mean({x})", {"x": f"{T_ONES} / {{x}}.numel()"}),
    "matmul": Code("{a} @ {b}", {"a": "{b}", "b": "{a}"}),
    "sigmoid": Code("torch.sigmoid({z})", {"z": "{out} * (1.0 - {out})"}),
    "tanh": Code("torch.tanh({z})", {"z": "1.0 - {out} * {out}"}),
    "relu": Code("torch.relu({z})", {"z": "({z} > 0).double()"}),
    "transpose": Code("{x}.T", {"x": T_ONES.format(x="{x}")}),
    "flatten": Code("{x}.reshape(int(torch.tensor({x}.shape[:{axis}]).prod()), -1)",
                    {"x": T_ONES.format(x="{x}")}),
    "leaky_relu": Code("F.leaky_relu({z}, {alpha})",
                       {"z": "torch.where({z} > 0, 1.0, {alpha})"}),
    "softmax": Code("torch.softmax({z}, -1)", {"z": "{out} * (1.0 - {out})"}),
    "log_softmax": Code("torch.log_softmax({z}, -1)", {"z": "1.0 - torch.exp({out})"}),
    "dense": Code("{layer}({x})", {"x": "{W}"}),
    "mse": Code("0.5 * F.mse_loss({yhat}, {y}, reduction=\"sum\") / rows({yhat})",
                {"yhat": "({yhat} - {y}) / rows({yhat})", "y": "({y} - {yhat}) / rows({yhat})"}),
    "bce": Code("F.binary_cross_entropy({p}, {y}, reduction=\"sum\") / rows({p})",
                {"p": "bce_dp({p}, {y})", "y": "bce_dy({p}, {y})"}),
    "softmax_ce": Code("F.cross_entropy({z}, {y}, reduction=\"sum\") / rows({z})",
                       {"z": "(torch.softmax({z}, -1) * {y}.sum(-1, keepdim=True) - {y}) "
                             "/ rows({z})",
                        "y": "-torch.log_softmax({z}, -1) / rows({z})"}),
}


def fill(template: str, names: dict) -> str:
    """A template with its placeholders replaced (``str.format`` keeps other braces out)."""
    return template.format(**names)
