"""What both code writers need to know about a graph, worked out once by the engine itself.

The writers must give the engine's numbers, so they follow the engine's own plan: its node
order, the edges in the order the backward pass walks them, which nodes need a gradient, where
broadcasting is summed back, and the sigmoid → bce pair it computes from the logit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ... import __version__
from .. import datasets
from ..backprop import run
from ..errors import GraphError
from ..plan import Plan
from ..train import fed_inputs
from .names import Namer

# Names the scripts define themselves: a node may not take them.
RESERVED = {"np", "json", "argparse", "sys", "csv", "load_csv", "CSV", "torch", "nn", "F",
            "plain", "rows", "sigmoid",
            "mse", "bce", "bce_dp", "bce_dy", "bce_logits", "log_softmax", "row_sums", "mm_da",
            "mm_db", "unbroadcast", "BCE_EPS", "LEAVES", "NODES", "OUTPUT", "TRAINABLE",
            "TRAINING", "DATA_X", "DATA_Y", "FEATURES", "TARGETS", "backprop", "report", "train",
            "main", "values", "grads", "tensor_grads", "edges", "trace", "SGD", "Momentum",
            "Adam", "Model", "model", "step", "loss", "params", "optimizer", "local", "T",
            "data", "gates", "vjp", "DATA", "PARAMS", "args", "parser", "math", "batch",
            "trained", "leaves", "losses", "order", "cursor", "idx", "rng", "m", "n",
            # nn.Module's own attributes: a layer or parameter is stored as self.<name>
            "forward", "training", "parameters", "named_parameters", "modules", "children",
            "buffers", "state_dict", "load_state_dict", "to", "cuda", "cpu", "eval", "double",
            "float", "half", "type", "apply", "zero_grad", "register_buffer", "requires_grad_",
            "extra_repr", "dump_patches", "call_super_init", "get_parameter", "add_module"}


@dataclass
class Node:
    id: str
    op: str
    label: str
    var: str                     # the Python name of its value
    grad: str                    # the Python name of ∂L/∂(its value)
    inputs: dict                 # port -> producer Node id
    config: dict
    tensors: dict = field(default_factory=dict)   # tensor name -> Python name of that leaf
    needs_grad: bool = False


@dataclass
class Model:
    graph: object
    nodes: list[Node]            # the plan's (topological) order
    by_id: dict
    output: str | None
    loss_op: bool
    edges: list                  # (source id, target id, port, formula) in backward order
    leaves: list                 # (Python name, node id, tensor name, value) in plan slot order
    trainable: list              # (node id, tensor name, Python name): graph.trainable()
    fused: dict                  # sigmoid id -> bce id computed from the logit
    broadcast: set               # (node id, port or tensor) whose gradient is summed back
    training: dict | None
    dataset: object | None       # datasets.Dataset
    feeds: dict                  # "features"/"targets" -> Python name of that input
    header: str
    csv: tuple | None = None     # (path, feature columns, target columns): read by the script


def describe(graph, source: str | None = None, csv: tuple | None = None) -> Model:
    """Run the engine once (a graph that cannot run cannot be exported) and read its plan.
    ``csv`` = (path, features, targets) trains on that file instead of the built-in dataset
    (and with the default settings when the graph has none)."""
    plan = Plan.build(graph)
    run(graph, trace=True, plan=plan)
    training = dict(graph.nx.graph.get("training") or {}) or None
    if csv is not None:
        if plan.output is None or not graph.trainable():
            raise GraphError("training on a CSV needs an output and something to train")
        csv = (str(Path(csv[0]).resolve()), list(csv[1]), list(csv[2]))
        training = training or {}
    dataset, feeds = None, {}
    broadcast = _broadcasts(plan)
    if training is not None and plan.output is not None and graph.trainable():
        if csv is not None or training.get("dataset"):
            dataset = (datasets.load_csv(*csv) if csv is not None else
                       datasets.builtin(training["dataset"], int(training.get("seed", 0))))
            feeds = fed_inputs(graph)
            if set(feeds) != {"features", "targets"}:
                raise GraphError(f"to train on the {dataset.name} dataset, the graph needs input "
                                 f"nodes with feed = 'features' and 'targets'")
            n = min(int(training.get("batch_size", 32)), len(dataset))
            batch = Plan.build(graph, {feeds["features"]: dataset.X[:n],
                                       feeds["targets"]: dataset.Y[:n]})
            batch.function("full")
            broadcast |= _broadcasts(batch)
    else:
        training = None
    namer = Namer(RESERVED)
    nodes, by_id = [], {}
    for info in plan.graph_nodes:
        var = namer.node(info.label)
        node = Node(info.id, info.op.name, info.label, var, namer.claim(f"grad_{var}"),
                    {p: plan.graph_nodes[i].id for p, i in zip(info.op.ports, info.inputs)},
                    dict(info.config), needs_grad=bool(plan.needs_grad[info.index]))
        for t in info.op.tensors:
            node.tensors[t] = var if t == "value" else namer.claim(f"{var}_{t}")
        nodes.append(node)
        by_id[info.id] = node
    leaves = [(by_id[n].tensors[t], n, t, value) for (n, t), value in
              zip(plan.slots, plan.base_leaves)]
    out = plan.graph_nodes[plan.output] if plan.output is not None else None
    loss_op = out is not None and (out.op.is_loss or out.shape == ())
    fused = {plan.graph_nodes[s].id: plan.graph_nodes[b].id
             for s, b in plan.fused_pairs().items()}
    edges = [(e.source, e.target, e.port, e.formula) for e in plan.edges]
    trainable = [(n, t, by_id[n].tensors[t]) for n, t in graph.trainable()]
    return Model(graph, nodes, by_id, out.id if out else None, loss_op, edges, leaves,
                 trainable, fused, broadcast, training, dataset,
                 {k: by_id[v].var for k, v in feeds.items()}, _header(source), csv)


def _broadcasts(plan: Plan) -> set:
    """Edges and tensors whose gradient the engine sums back over broadcast axes."""
    return {(plan.graph_nodes[i].id, name) for i, name in plan.summed_back()}


def _header(source: str | None) -> str:
    """The docstring's line naming the file: printable, and unable to end the docstring."""
    where = comment(Path(source).name) if source else "an unsaved graph"
    where = where.replace("\\", "/").replace('"', "'")
    return f"Exported by Backprop Studio {__version__} from {where}."


def literal(value) -> str:
    """Python source for a float or an array, every digit kept (repr round-trips)."""
    if np.ndim(value) == 0:
        return repr(float(value))
    return f"np.array({np.asarray(value, dtype=float).tolist()!r})"


def comment(text: str) -> str:
    """Text safe inside a # comment: one line, no control characters."""
    return "".join(ch if ch.isprintable() else " " for ch in str(text))


def training_settings(model: Model) -> dict:
    """The training block with the command line's defaults filled in (engine/cli.py)."""
    t = model.training
    return {"optimizer": t.get("optimizer", "adam"), "lr": float(t.get("lr", 0.01)),
            "batch_size": int(t.get("batch_size", 32)), "steps": int(t.get("steps", 1000)),
            "seed": int(t.get("seed", 0))}


CSV_LOADER = '''

def load_csv(path, features, targets):
    """The chosen numeric columns of a CSV with a header row, as engine/datasets.py reads it."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = [row for row in csv.reader(f) if row and any(cell.strip() for cell in row)]
    header = [name.strip() for name in rows[0]]
    columns = [header.index(name) for name in features + targets]
    data = np.array([[float(row[i]) for i in columns] for row in rows[1:]])
    return data[:, :len(features)], data[:, len(features):]
'''


def dataset_code(model: Model) -> str:
    """DATA_X and DATA_Y: a CSV read by path when run, or a built-in dataset's numbers."""
    ds = model.dataset
    if ds is None:
        return ""
    feeds = (f"FEATURES, TARGETS = {model.feeds['features']!r}, {model.feeds['targets']!r}"
             f"  # the inputs they feed\n")
    if model.csv is not None:
        path, features, targets = model.csv
        return (f"{CSV_LOADER}\n\n# The training data: columns of a CSV file, read when the "
                f"script runs.\nCSV = {{'path': {path!r}, 'features': {features!r}, "
                f"'targets': {targets!r}}}\nDATA_X, DATA_Y = load_csv(**CSV)\n{feeds}")
    seed = training_settings(model)["seed"]
    return (f"\n# The {ds.name} dataset (seed {seed}), as engine/datasets.py generates it: "
            f"features DATA_X, targets DATA_Y.\nDATA_X = {literal(ds.X)}\n"
            f"DATA_Y = {literal(ds.Y)}\n{feeds}")
