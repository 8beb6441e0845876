"""The graph as a PyTorch script: an ``nn.Module`` (parameters as ``nn.Parameter``, dense
layers as ``nn.Linear``), losses as torch functions with the engine's 1/E, float64, the same
training loop through ``torch.optim``, and the same JSON printout as the NumPy export.

The engine's dense W is (in × units) and z = x·W + b; ``nn.Linear`` keeps weight = Wᵀ
(units × in) and computes x·weightᵀ + b, so the export stores Wᵀ and reports weight.T.
"""

from __future__ import annotations

import re

import numpy as np

from ..errors import GraphError
from .model import Model, comment, dataset_code, describe, literal, training_settings
from .script_parts import main_block, save
from .setting_literals import setting_values
from .templates import TORCH, fill

PAD = 44
BCE_HELPERS = '''

BCE_EPS = 1e-12


def bce_dp(p, y):
    c = p.clamp(BCE_EPS, 1.0 - BCE_EPS)
    return (c - y) / (c * (1.0 - c)) / rows(p)


def bce_dy(p, y):
    c = p.clamp(BCE_EPS, 1.0 - BCE_EPS)
    return -(torch.log(c) - torch.log1p(-c)) / rows(p)
'''

HELPERS = '''

def plain(value):
    """A tensor or number as JSON: a float, or nested lists of floats."""
    if isinstance(value, torch.Tensor):
        value = value.detach().double().numpy()
    value = np.asarray(value, dtype=float)
    return float(value) if value.ndim == 0 else value.tolist()


def rows(a):
    """E, the batch size: the rows of a 2-D batch, else 1 (one example)."""
    return float(a.shape[0]) if a.dim() == 2 else 1.0


def vjp(gate, inputs, port, upstream):
    """What one edge hands back: its op re-applied to detached inputs, differentiated with
    respect to the input at ``port`` alone, times ``upstream``."""
    args = [v.detach().requires_grad_(k == port) for k, v in enumerate(inputs)]
    (down,) = torch.autograd.grad(gate(*args), args[port], upstream)
    return down
'''


def _helpers(model: Model) -> str:
    uses_bce = any(model.by_id[t].op == "bce" for _, t, _, _ in model.edges)
    return HELPERS + (BCE_HELPERS if uses_bce else "")


def write(graph, path, source: str | None = None, csv: tuple | None = None) -> str:
    """``csv`` = (path, feature columns, target columns): the training loop reads that file."""
    return save(generate(graph, source, csv), path, "PyTorch")


def generate(graph, source: str | None = None, csv: tuple | None = None) -> str:
    model = describe(graph, source, csv)
    if model.output is None:
        raise GraphError("choose the graph's output before exporting it as PyTorch")
    usage = ("    python THIS.py                 the loss and every gradient, as JSON\n"
             "    python THIS.py --train [STEPS] train with torch.optim, then print the "
             "parameters\n" if model.training else
             "    python THIS.py    the loss and every gradient, as JSON\n")
    return (f'#!/usr/bin/env python3\n"""A computation graph as a PyTorch module, in float64.'
            f'\n\n{model.header}\n\n{usage}"""\n\nimport argparse\n'
            f'{"import csv" + chr(10) if model.csv else ""}import json\n'
            f'{"import math" + chr(10) if model.training else ""}\nimport numpy as np\n'
            f'import torch\nimport torch.nn.functional as F\nfrom torch import nn\n\n'
            f'torch.set_default_dtype(torch.float64)\n{_helpers(model)}{_data(model)}{_module(model)}{_report(model)}'
            f'{_training(model) if model.training else ""}{_main(model)}')


def _data(model: Model) -> str:
    lines = ["\n\n# The graph's data (inputs and constants) as the file holds them.", "DATA = {"]
    for name, node_id, _, value in model.leaves:
        node = model.by_id[node_id]
        if node.op in ("input", "constant"):
            lines.append(f"    {name!r}: {literal(value)},  # {node.op} {comment(node.label)}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _names(model: Model, node, owner: str = "self") -> dict:
    names = {port: model.by_id[src].var for port, src in node.inputs.items()}
    names.update(out=node.var, layer=f"{owner}.{node.var}", W=f"{owner}.{node.var}.weight.T")
    names.update(setting_values(node))
    return names


def _forward_expr(model: Model, node, names: dict) -> str:
    return fill(TORCH[node.op].forward, names)


def _module(model: Model) -> str:
    init, body = [], []
    data_args = [name for name, node_id, _, _ in model.leaves
                 if model.by_id[node_id].op in ("input", "constant")]
    values = {name: value for name, _, _, value in model.leaves}
    for node in model.nodes:
        if node.op == "parameter":
            value = values[node.var]
            value = repr(float(value)) if np.ndim(value) == 0 else repr(value.tolist())
            init.append(f"        self.{node.var} = nn.Parameter(torch.tensor({value}))  "
                        f"# {comment(node.label)}")
            body.append(f"        {node.var} = self.{node.var}")
        elif node.op == "dense":
            w, b = values[node.tensors["W"]], values[node.tensors["b"]]
            n_in, units = w.shape
            init.append(f"        self.{node.var} = nn.Linear({n_in}, {units})  "
                        f"# {comment(node.label)}")
            init.append(f"        with torch.no_grad():   # weight = the graph's Wᵀ, "
                        f"({units} × {n_in})")
            init.append(f"            self.{node.var}.weight.copy_(torch.tensor("
                        f"{w.T.tolist()!r}))")
            init.append(f"            self.{node.var}.bias.copy_(torch.tensor({b.tolist()!r}))")
        if TORCH[node.op].forward is not None:
            expr = _forward_expr(model, node, _names(model, node))
            body.append(f"        {node.var} = {expr}".ljust(PAD + 4) +
                        f"  # {comment(node.op)}: {comment(node.label)}")
    gates = []
    for node in model.nodes:
        if TORCH[node.op].forward is None:
            continue
        ports = list(node.inputs)
        expr = fill(TORCH[node.op].forward, {**_names(model, node), **{p: p for p in ports}})
        gates.append(f"            {node.id!r}: lambda {', '.join(ports)}: {expr},")
    ids = ", ".join(f"{n.id!r}: {n.var}" for n in model.nodes)
    return f'''

class Model(nn.Module):
    """The graph as a module: its parameters and dense layers, and the forward pass."""

    def __init__(self):
        super().__init__()
{chr(10).join(init) or "        pass"}

    def forward(self, {", ".join(data_args)}):
        """Every node's value, keyed by node id, in topological order."""
{chr(10).join(body)}
        return {{{ids}}}

    def gates(self):
        """Each node's op as a function of its inputs (for what each edge hands back)."""
        return {{
{chr(10).join(gates)}
        }}
'''


def _param_refs(model: Model, node_id: str, tensor: str, grad: bool = False) -> str:
    """The module attribute holding a trainable tensor (or its gradient), engine layout."""
    node, g = model.by_id[node_id], ".grad" if grad else ""
    if node.op == "dense":
        return f"m.{node.var}.weight{g}.T" if tensor == "W" else f"m.{node.var}.bias{g}"
    return f"m.{node.var}{g}"


def _report(model: Model) -> str:
    nodes = ",\n".join(f"    ({n.id!r}, {n.op!r}, {n.label!r}, {n.needs_grad!r})"
                       for n in model.nodes)
    edges = []
    for source, target, port, formula in model.edges:
        node = model.by_id[target]
        local = fill(TORCH[node.op].local[port], _names(model, node, "model"))
        if node.op == "power" and float(node.config["p"]) == 0.0:
            local = f"0.0 * {model.by_id[source].var}"
        ports = list(node.inputs)
        args = ", ".join(model.by_id[node.inputs[p]].var for p in ports)
        edges.append(f"        ({source!r}, {target!r}, {port!r}, {node.grad}, "
                     f"torch.as_tensor({local}), vjp(gates[{target!r}], [{args}], "
                     f"{ports.index(port)}, {node.grad}), {formula!r}),")
    used = set(re.findall(r"\w+", " ".join(edges)))        # bind only what the edges read
    binds = "\n".join(f"    {n.var} = values[{n.id!r}].detach()" for n in model.nodes
                      if n.var in used)
    grads = "\n".join(f"    {n.grad} = grads[{n.id!r}]" for n in model.nodes
                      if n.needs_grad and n.grad in used)
    params = "".join(f"\n    ({n!r}, {t!r}, lambda m: {_param_refs(model, n, t)}, "
                     f"lambda m: {_param_refs(model, n, t, grad=True)}),"
                     for n, t, _ in model.trainable)
    loss = "float(values[OUTPUT])" if model.loss_op else "None"
    return f'''

OUTPUT = {model.output!r}
NODES = [  # (id, op, label, whether the output depends on it)
{nodes},
]
PARAMS = [  # (node, tensor, its value in a model, its gradient){params}
]


def report(model):
    """Forward, autograd's backward and each edge's numbers, in the shape of
    `python main.py run FILE --json`."""
    data = {{name: torch.tensor(value, requires_grad=True) for name, value in DATA.items()}}
    values = model(**data)
    for value in values.values():
        if value.grad_fn is not None:
            value.retain_grad()
    values[OUTPUT].backward(torch.ones_like(values[OUTPUT]))
    grads = {{i: values[i].grad if needed else None for i, _, _, needed in NODES}}
    gates = model.gates()
{binds}
{grads}
    edges = [  # (source, target, port, upstream, local, downstream, formula)
{chr(10).join(edges)}
    ]
    return {{
        "output": OUTPUT,
        "loss": {loss},
        "nodes": [{{"id": i, "op": op, "label": label, "value": plain(values[i]),
                   "grad": None if grads[i] is None else plain(grads[i])}}
                  for i, op, label, _ in NODES],
        "edges": [{{"source": s, "target": t, "port": p, "upstream": plain(up),
                   "local": plain(local), "downstream": plain(down), "formula": formula}}
                  for s, t, p, up, local, down, formula in edges],
        "params": [{{"node": n, "name": t, "value": plain(value(Model())),
                    "grad": plain(grad(model))}} for n, t, value, grad in PARAMS],
    }}
'''


OPTIM = {"sgd": "torch.optim.SGD(model.parameters(), lr=TRAINING['lr'])",
         "momentum": "torch.optim.SGD(model.parameters(), lr=TRAINING['lr'], momentum=0.9)",
         "adam": "torch.optim.Adam(model.parameters(), lr=TRAINING['lr'], betas=(0.9, 0.999), "
                 "eps=1e-8)"}
ADAM_EPS = """        # The engine's Adam adds ε to √v before the bias correction (Kingma & Ba's
        # "efficient" form); torch adds it after. ε/√(1 − β₂ᵗ) here is the same update.
        for group in optimizer.param_groups:
            group["eps"] = 1e-8 / math.sqrt(1.0 - 0.999 ** (step + 1))
"""


def _training(model: Model) -> str:
    ds, settings = model.dataset, training_settings(model)
    opt = settings["optimizer"]
    data = dataset_code(model)
    batch = ('''        if n == len(DATA_X):
            batch = {FEATURES: DATA_X, TARGETS: DATA_Y}
        else:                       # shuffled batches (numpy's generator, as the engine's)
            if order is None or cursor + n > len(DATA_X):
                order, cursor = rng.permutation(len(DATA_X)), 0
            idx = order[cursor:cursor + n]
            cursor += n
            batch = {FEATURES: DATA_X[idx], TARGETS: DATA_Y[idx]}
''' if ds is not None else "        batch = {}                  # the graph's own values\n")
    return f'''

TRAINING = {settings!r}
{data}

def train(steps):
    """The engine's training loop, through torch.optim; returns the model and the losses."""
    model = Model()
    optimizer = {OPTIM[opt]}
    rng = np.random.default_rng(TRAINING["seed"])
    n = {"min(TRAINING['batch_size'], len(DATA_X))" if ds is not None else "0"}
    order, cursor, losses = None, 0, []
    for step in range(steps):
{batch}        data = {{k: torch.tensor(batch.get(k, v)) for k, v in DATA.items()}}
        loss = model(**data)[OUTPUT]
        if not math.isfinite(loss.item()):
            raise SystemExit(f"training stopped at step {{step + 1}}: the loss is not finite")
        optimizer.zero_grad()
        loss.backward()
{ADAM_EPS if opt == "adam" else ""}        optimizer.step()
        losses.append(loss.item())
    return model, losses
'''


TRAIN_RUN = '''    if args.train is not None:
        trained, losses = train(args.train)
        print(json.dumps({"steps": len(losses), "losses": losses,
                          "params": [{"node": n, "name": t, "value": plain(value(trained))}
                                     for n, t, value, _ in PARAMS]}))
        return
'''


def _main(model: Model) -> str:
    return main_block(bool(model.training), TRAIN_RUN, "report(Model())")
