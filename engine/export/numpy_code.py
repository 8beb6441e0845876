"""The graph as a standalone NumPy script: its values, the forward pass, the backward pass
written out by hand (one line per edge, in the order the engine's trace walks them, each with
its local gradient in a comment) and, when the file has training settings, the training loop.

Run, the script prints the loss and every gradient as JSON in the shape of
``python main.py run FILE --json``; with ``--train [STEPS]`` it trains and prints the
parameters. It imports only numpy.
"""

from __future__ import annotations

import re

from .model import Model, comment, dataset_code, describe, literal, training_settings
from .numpy_prelude import helpers_for, optimizer_source
from .script_parts import main_block, save
from .setting_literals import setting_values
from .templates import FUSED_BCE, FUSED_BCE_DY, FUSED_SIGMOID_VJP, NUMPY, fill

PAD = 44      # the column the comments start at


def write(graph, path, source: str | None = None, csv: tuple | None = None) -> str:
    """``csv`` = (path, feature columns, target columns): the training loop reads that file."""
    return save(generate(graph, source, csv), path, "NumPy")


def generate(graph, source: str | None = None, csv: tuple | None = None) -> str:
    model = describe(graph, source, csv)
    body = _backprop(model) + _report(model) + (_training(model) if model.training else "") + \
        _main(model)
    helpers = helpers_for(body + "plain(")
    usage = ("    python THIS.py                 the loss and every gradient, as JSON\n"
             "    python THIS.py --train [STEPS] train, then print the parameters as JSON\n"
             if model.training else "    python THIS.py    the loss and every gradient, as JSON\n")
    return (f'#!/usr/bin/env python3\n"""A computation graph, forward and backward, in plain '
            f'NumPy.\n\n{model.header}\n\n{usage}"""\n\nimport argparse\n'
            f'{"import csv" + chr(10) if model.csv else ""}import json\n\n'
            f'import numpy as np\n\nnp.seterr(all="ignore")\n{helpers}\n\n{_leaves(model)}'
            f'{body}')


def _line(code: str, note: str = "") -> str:
    code = f"    {code}"
    return f"{code.ljust(PAD)}  # {comment(note)}\n" if note else code + "\n"


def _leaves(model: Model) -> str:
    out = ["# The graph's values: its inputs, parameters and constants as the file holds them.",
           "LEAVES = {"]
    for name, node_id, tensor, value in model.leaves:
        node = model.by_id[node_id]
        out.append(f"    {name!r}: {literal(value)},  # {comment(node.op)} "
                   f"{comment(node.label)}" + (f" .{tensor}" if tensor != "value" else ""))
    out.append("}")
    return "\n".join(out) + "\n"


def _names(model: Model, node) -> dict:
    names = {port: model.by_id[src].var for port, src in node.inputs.items()}
    names.update({t: v for t, v in node.tensors.items()})
    names.update(out=node.var, g=node.grad)
    names.update(setting_values(node))
    if node.op == "softmax_ce":
        names["logp"] = f"{node.var}_logp"
    return names


def _forward(model: Model) -> list[str]:
    lines = []
    for node in model.nodes:
        code = NUMPY[node.op]
        if code.forward is None:
            continue
        names = _names(model, node)
        for key, expr in code.save.items():
            lines.append(_line(f"{names[key]} = {fill(expr, names)}"))
        expr = code.forward
        if node.id in model.fused.values():          # a bce computed from its sigmoid's logit
            sig = model.by_id[node.inputs["p"]]
            names = {**names, "z": model.by_id[sig.inputs["z"]].var}
            expr = FUSED_BCE
        lines.append(_line(f"{node.var} = {fill(expr, names)}",
                           f"{node.op}: {node.label}"))
    return lines


def edge_code(model: Model, source: str, target: str, port: str) -> tuple[str, str]:
    """(local, downstream) expressions of one edge, exactly as the engine computes them."""
    node = model.by_id[target]
    code, names = NUMPY[node.op], _names(model, node)
    local = code.local[port]
    if node.op == "power" and float(node.config["p"]) == 0.0:
        local = "(0.0 * {x})"
    if node.id in model.fused.values() and port == "y":
        sig = model.by_id[node.inputs["p"]]
        names = {**names, "z": model.by_id[sig.inputs["z"]].var}
        local = FUSED_BCE_DY
    down = code.vjp.get(port) or f"{{g}} * {local}"
    if node.id in model.fused:
        bce = model.by_id[model.fused[node.id]]
        down = FUSED_SIGMOID_VJP
        names = {**names, "g": bce.grad, "p": node.var, "y": model.by_id[bce.inputs["y"]].var}
    local_s, down_s = fill(local, names), fill(down, names)
    if (target, port) in model.broadcast:
        down_s = f"unbroadcast({down_s}, np.shape({model.by_id[source].var}))"
    return local_s, down_s


def _formula_note(formula: str, local: str) -> str:
    """The op's formula beside the code when it says more than a port's name."""
    plain = formula == local or re.fullmatch(r"[\w.−-]+", formula)
    return "" if plain else f"  ({formula})"


def _param_code(model: Model, node, tensor: str) -> str:
    names = _names(model, node)
    expr = fill(NUMPY[node.op].vjp[tensor], names)
    if (node.id, tensor) in model.broadcast:
        expr = f"unbroadcast({expr}, np.shape({node.tensors[tensor]}))"
    return expr


def _backward(model: Model) -> tuple[list[str], list[str]]:
    """The backward pass's lines, and the trace's entries (one per edge)."""
    out = model.by_id[model.output]
    lines = [_line(f"{out.grad} = " + ("1.0" if model.loss_op else f"np.ones(np.shape({out.var}))"),
                   f"∂{out.var}/∂{out.var} = 1")]
    seen, trace = set(), []
    for source, target, port, formula in model.edges:
        node, src = model.by_id[target], model.by_id[source]
        local, down = edge_code(model, source, target, port)
        op = "=" if source not in seen else "+="
        lines.append(_line(f"{src.grad} {op} {down}" if op == "=" else
                           f"{src.grad} = {src.grad} + {down}",
                           f"{src.label} → {node.label}.{port}: ∂{node.var}/∂{src.var} = "
                           f"{local}" + _formula_note(formula, local)))
        seen.add(source)
        trace.append(f"            ({source!r}, {target!r}, {port!r}, {node.grad}, {local}, "
                     f"{down}, {formula!r}),")
        if all(e[1] != target for e in model.edges[model.edges.index((source, target, port,
                                                                       formula)) + 1:]):
            for tensor in (t for t in node.tensors if t in NUMPY[node.op].vjp):
                lines.append(_line(f"grad_{node.tensors[tensor]} = "
                                   f"{_param_code(model, node, tensor)}",
                                   f"∂L/∂{tensor} of {node.label}: "
                                   f"{model.graph.op(node.id).formula[tensor]}"))
    return lines, trace


def _tensor_grad(model: Model, node_id: str, tensor: str) -> str:
    node = model.by_id[node_id]
    if tensor in NUMPY[node.op].vjp and node.needs_grad:
        return f"grad_{node.tensors[tensor]}"
    if node.needs_grad:
        return node.grad
    return f"np.zeros_like(np.asarray({node.tensors[tensor]}, dtype=float))"


def _backprop(model: Model) -> str:
    args = ", ".join(name for name, *_ in model.leaves)
    out = [f"\n\ndef backprop({args}{', ' if args else ''}trace=False):",
           '    """Forward, then backward: every value, every gradient, each parameter\'s '
           'gradient\n    and (with trace) each edge\'s upstream, local and downstream."""',
           "    # forward pass, in topological order"]
    out += [line.rstrip("\n") for line in _forward(model)]
    trace: list[str] = []
    if model.output is not None:
        out.append("    # backward pass: one line per edge, in the order backprop walks them")
        lines, trace = _backward(model)
        out += [line.rstrip("\n") for line in lines]
    values = ", ".join(f"{n.id!r}: {n.var}" for n in model.nodes)
    grads = ", ".join(f"{n.id!r}: {n.grad if n.needs_grad else 'None'}" for n in model.nodes)
    out.append(f"    values = {{{values}}}")
    out.append(f"    grads = {{{grads}}}")
    if model.output is not None:
        tgrads = ", ".join(f"{name!r}: {_tensor_grad(model, n, t)}"
                           for name, n, t, _ in model.leaves)
        out.append(f"    tensor_grads = {{{tgrads}}}")
    else:
        out.append("    tensor_grads = {}")
    out.append("    edges = None")
    if trace:
        out.append("    if trace:   # (source, target, port, upstream, local, downstream, formula)")
        out.append("        edges = [")
        out += trace
        out.append("        ]")
    out.append("    return values, grads, tensor_grads, edges")
    return "\n".join(out) + "\n"


def _report(model: Model) -> str:
    nodes = ",\n".join(f"    ({n.id!r}, {n.op!r}, {n.label!r})" for n in model.nodes)
    params = ", ".join(f"({n!r}, {t!r}, {name!r})" for n, t, name in model.trainable)
    loss = "float(values[OUTPUT])" if model.loss_op else "None"
    return f'''

OUTPUT = {model.output!r}
NODES = [  # (id, op, label) in the order the engine lists them
{nodes},
]
TRAINABLE = [{params}]  # (node, tensor, leaf)


def report(values, grads, tensor_grads, edges):
    """The result in the shape of `python main.py run FILE --json`."""
    return {{
        "output": OUTPUT,
        "loss": {loss if model.output is not None else "None"},
        "nodes": [{{"id": i, "op": op, "label": label, "value": plain(values[i]),
                   "grad": None if grads[i] is None else plain(grads[i])}}
                  for i, op, label in NODES],
        "edges": [{{"source": s, "target": t, "port": p, "upstream": plain(up),
                   "local": plain(local), "downstream": plain(down), "formula": formula}}
                  for s, t, p, up, local, down, formula in edges or []],
        "params": [{{"node": n, "name": t, "value": plain(LEAVES[leaf]),
                    "grad": {"plain(tensor_grads[leaf])" if model.output else "None"}}}
                   for n, t, leaf in TRAINABLE],
    }}
'''


def _training(model: Model) -> str:
    ds, settings = model.dataset, training_settings(model)
    opt = settings["optimizer"]
    data = dataset_code(model)
    batch = ('''        if n == len(DATA_X):
            batch = {FEATURES: DATA_X, TARGETS: DATA_Y}
        else:                       # shuffled batches; each epoch a new order
            if order is None or cursor + n > len(DATA_X):
                order, cursor = rng.permutation(len(DATA_X)), 0
            idx = order[cursor:cursor + n]
            cursor += n
            batch = {FEATURES: DATA_X[idx], TARGETS: DATA_Y[idx]}
''' if ds is not None else "        batch = {}                  # the graph's own values\n")
    return f'''
TRAINING = {settings!r}
{data}

{optimizer_source(opt).rstrip()}


def train(steps):
    """Gradient descent as the engine's Trainer does it; returns the parameters and losses."""
    optimizer = {type(_optimizer(opt)).__name__}(TRAINING["lr"])
    rng = np.random.default_rng(TRAINING["seed"])
    params = [LEAVES[leaf] for _, _, leaf in TRAINABLE]
    n = {"min(TRAINING['batch_size'], len(DATA_X))" if ds is not None else "0"}
    order, cursor, losses = None, 0, []
    for _ in range(steps):
{batch}        trained = {{leaf: p for (_, _, leaf), p in zip(TRAINABLE, params)}}
        leaves = {{**LEAVES, **batch, **trained}}
        values, _, tensor_grads, _ = backprop(**leaves)
        loss = float(values[OUTPUT])
        if not np.isfinite(loss):
            raise SystemExit(f"training stopped at step {{len(losses) + 1}}: "
                             "the loss is not finite")
        params = optimizer.update(params, [tensor_grads[leaf] for _, _, leaf in TRAINABLE])
        losses.append(loss)
    return params, losses
'''


def _optimizer(name: str):
    from ..optimizers import OPTIMIZERS
    return OPTIMIZERS[name](1.0)


TRAIN_RUN = '''    if args.train is not None:
        params, losses = train(args.train)
        print(json.dumps({"steps": len(losses), "losses": losses,
                          "params": [{"node": n, "name": t, "value": plain(p)}
                                     for (n, t, _), p in zip(TRAINABLE, params)]}))
        return
'''


def _main(model: Model) -> str:
    return main_block(bool(model.training), TRAIN_RUN, "report(*backprop(**LEAVES, trace=True))")
