"""An ONNX model as a Backprop Studio graph: initializers become trainable parameters, inputs
become inputs with seeded values (or the default the model gives), and each op maps onto ours
(op_map.py). The file is only parsed, never run: protobuf reads it, onnx.checker validates it
and ONNX shape inference gives every value's shape with the batch size fixed.

Refusals are whole: every op that does not map is named in one message, a model over the
budget (budget.py) is refused before anything is built, and a graph is returned only complete.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np

from ..errors import GraphError
from ..layout import apply_layout
from ..plan import Plan
from ..safe_read import read_bytes
from . import require_onnx
from .budget import MAX_FILE_BYTES, check_graph_size, check_model_size
from .context import Context, Refusal, label_for
from .exporter import METADATA
from .op_map import MAPPERS, find_losses

LOSSES = ("mse", "softmax_ce")
DEFAULT_BATCH = 4
MAX_BATCH = 1024
MAX_METADATA_CHARS = 100_000
MAX_LISTED = 12               # refusals named in the message; the rest are counted


@dataclass
class Translation:
    """A model's graph before the output is chosen: ``outputs`` maps each model output's name
    to our node; ``losses`` lists those that are a loss already."""
    graph: object
    outputs: dict = field(default_factory=dict)
    losses: list = field(default_factory=list)
    data_inputs: list = field(default_factory=list)
    targets: list = field(default_factory=list)
    feeds: dict = field(default_factory=dict)       # our input node -> its dataset feed
    inputs: dict = field(default_factory=dict)      # a model input's name -> our input node
    ours: bool = False                              # written by our exporter (its metadata)

    @property
    def needs_choice(self) -> bool:
        """True for a model without a loss: the person picks the output (when there are
        several) and whether to add a loss after it. A model our exporter wrote has one
        output, the graph's own (its loss written as elementary ops), so it is not asked."""
        return not self.losses and not self.ours     # ours: its one output is the output


def read_model(path):
    """The parsed, validated model in the file at ``path`` (GraphError otherwise)."""
    data = read_bytes(path, MAX_FILE_BYTES, "model file")
    return parse_model(data, str(path))


def parse_model(data: bytes, source: str = "<bytes>"):
    onnx = require_onnx()
    try:
        model = onnx.load_model_from_string(data)
    except Exception as exc:          # noqa: BLE001 - protobuf's DecodeError and its kin
        raise GraphError(f"{source}: not an ONNX model (it cannot be parsed: "
                         f"{_first_line(exc)})") from None
    if not model.HasField("graph") or not model.graph.output or not model.graph.node:
        raise GraphError(f"{source}: not an ONNX model (it holds no graph with nodes and "
                         f"outputs)")
    check_model_size(model, source)
    for tensor in list(model.graph.initializer) + [a.t for n in model.graph.node
                                                   for a in n.attribute if a.HasField("t")]:
        if tensor.data_location == onnx.TensorProto.EXTERNAL:
            raise GraphError(f"{source}: tensor {tensor.name or '(unnamed)'} is stored in a "
                             f"separate file; only self-contained models are imported")
    if model.graph.sparse_initializer:
        raise GraphError(f"{source}: sparse initializers are not supported")
    try:
        onnx.checker.check_model(model)
    except Exception as exc:          # noqa: BLE001 - ValidationError, or a checker failure
        raise GraphError(f"{source}: not a valid ONNX model ({_first_line(exc)})") from None
    return model


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    line = text[0] if text else type(exc).__name__
    return line if len(line) <= 200 else line[:199] + "…"


def infer_shapes(model, batch: int) -> dict[str, tuple]:
    """Every value's shape, with each unknown input dimension (a batch axis) set to ``batch``.
    A value whose shape inference cannot fix is absent."""
    onnx = require_onnx()
    fixed = onnx.ModelProto()
    fixed.CopyFrom(model)
    for vi in fixed.graph.input:
        for dim in vi.type.tensor_type.shape.dim:
            if not dim.HasField("dim_value") or dim.dim_value <= 0:
                dim.dim_value = batch
    shapes = {}
    try:
        inferred = onnx.shape_inference.infer_shapes(fixed, strict_mode=False, data_prop=True)
    except Exception:                 # noqa: BLE001 - the inputs' shapes are still known
        inferred = fixed
    g = inferred.graph
    for vi in list(g.input) + list(g.value_info) + list(g.output):
        t = vi.type.tensor_type
        if t.HasField("shape") and all(d.HasField("dim_value") for d in t.shape.dim):
            shapes[vi.name] = tuple(int(d.dim_value) for d in t.shape.dim)
    return shapes


def translate(model, source: str = "<model>", batch: int = DEFAULT_BATCH) -> Translation:
    """Our graph for the model, every op mapped, or one GraphError naming each that is not."""
    if not 1 <= batch <= MAX_BATCH:
        raise GraphError(f"the batch size must be between 1 and {MAX_BATCH}, got {batch}")
    ctx = Context(model, infer_shapes(model, batch), batch)
    refused, failed = [], set()
    for node in model.graph.node:
        if node.domain not in ("", "ai.onnx") or node.op_type not in MAPPERS:
            where = f"{node.domain}." if node.domain not in ("", "ai.onnx") else ""
            refused.append(f"{where}{node.op_type} ({node.name or node.output[0]})")
            failed.update(node.output)
    if not refused:
        find_losses(ctx)
    for node in model.graph.node:
        if id(node) in ctx.absorbed or set(node.output) & failed:
            continue
        if any(name in failed for name in node.input):
            failed.update(node.output)        # downstream of a refusal: not named again
            continue
        try:
            MAPPERS[node.op_type](ctx, node)
        except (Refusal, GraphError) as exc:
            refused.append(f"{node.op_type} ({node.name or node.output[0]}: {exc})")
            failed.update(node.output)
    if refused:
        listed = ", ".join(refused[:MAX_LISTED])
        more = f" and {len(refused) - MAX_LISTED} more" if len(refused) > MAX_LISTED else ""
        raise GraphError(f"{source}: cannot import {len(refused)} node(s) whose op does not map "
                         f"onto Backprop Studio's: {listed}{more}. Ops that map: "
                         f"{', '.join(sorted(MAPPERS))}")
    check_graph_size(len(ctx.graph), source)
    result = Translation(ctx.graph, data_inputs=ctx.data_inputs, targets=ctx.targets)
    result.inputs = {name: ctx.values[name] for name in ctx.inputs if name in ctx.values}
    _read_metadata(model, ctx, result, source)
    for vi in model.graph.output:
        node = ctx.values.get(vi.name)
        if node is None:
            raise GraphError(f"{source}: output {vi.name!r} is a constant, not computed by the "
                             f"model's ops")
        result.outputs[vi.name] = node
        if ctx.graph.op(node).is_loss:
            result.losses.append(vi.name)
    return result


def _read_metadata(model, ctx, result: Translation, source: str) -> None:
    """The feeds and training settings our exporter wrote (metadata key METADATA), checked
    as a file's would be."""
    text = next((p.value for p in model.metadata_props if p.key == METADATA), None)
    if text is None:
        return
    try:
        extra = json.loads(text) if len(text) <= MAX_METADATA_CHARS else None
    except ValueError:
        extra = None
    if not isinstance(extra, dict):
        raise GraphError(f"{source}: its {METADATA} metadata is not a JSON object")
    result.ours = True
    feeds = extra.get("feeds", {})
    if not isinstance(feeds, dict):
        raise GraphError(f"{source}: its {METADATA} metadata's feeds is not an object")
    for name, feed in feeds.items():
        node = ctx.values.get(name)
        if node is not None and ctx.graph.node(node)["op"] == "input":
            ctx.graph.set_config(node, "feed", feed)
            result.feeds[node] = feed
    if "training" in extra:
        ctx.graph.set_graph_attr("training", extra["training"])


def finish(t: Translation, output: str | None = None, loss: str | None = None):
    """The graph with its output chosen: the model's loss, else ``output`` (needed when the
    model has several outputs), and with ``loss`` ("mse" or "softmax_ce") added after it
    against a new target input. Laid out; the data input is fed the dataset's features."""
    g = t.graph
    names = ", ".join(t.outputs)
    if loss is not None and loss not in LOSSES:
        raise GraphError(f"the loss must be one of {', '.join(LOSSES)}, got {loss!r}")
    if output is not None and output not in t.outputs:
        raise GraphError(f"the model has no output {output!r}; its outputs: {names}")
    if t.losses and loss is not None:
        raise GraphError(f"the model already ends in a loss ({', '.join(t.losses)}); a loss is "
                         f"added only to a model without one")
    if t.losses and output is None:
        if len(t.losses) > 1:
            raise GraphError(f"the model has {len(t.losses)} losses ({', '.join(t.losses)}); "
                             f"choose one as the output")
        output = t.losses[0]
    if output is None:
        if len(t.outputs) > 1:
            raise GraphError(f"the model has {len(t.outputs)} outputs ({names}); choose which "
                             f"one is the output")
        output = next(iter(t.outputs))
    node = t.outputs[output]
    if loss is not None:
        node = _add_loss(t, node, loss)
    g.set_output(node)
    if not t.ours and len(t.data_inputs) == 1:
        g.set_config(t.data_inputs[0], "feed", "features")
    apply_layout(g)
    return g


def _add_loss(t: Translation, node: str, loss: str) -> str:
    g = t.graph
    shape = output_shape(g, node)
    if loss == "softmax_ce":
        if len(shape) not in (1, 2):
            raise GraphError(f"softmax_ce needs a vector of scores or a batch of rows; the "
                             f"output has shape {shape}")
        rows = shape[0] if len(shape) == 2 else 1
        value = np.eye(shape[-1])[np.arange(rows) % shape[-1]].reshape(shape)
    else:
        value = np.zeros(shape) if shape else 0.0
    target = g.input("target", value, feed="targets")
    t.targets.append(target)
    return g.apply(loss, node, target, label="MSE" if loss == "mse" else "CE")


def output_shape(g, node: str) -> tuple:
    """The shape of ``node``'s value (from the plan's shape inference)."""
    return next(info.shape for info in Plan.build(g).graph_nodes if info.id == node)


def import_onnx(path, output: str | None = None, loss: str | None = None,
                batch: int = DEFAULT_BATCH):
    """The whole import of one file: read, translate, choose the output, lay out."""
    model = read_model(path)
    return finish(translate(model, str(path), batch), output, loss)


__all__ = ["LOSSES", "Translation", "finish", "import_onnx", "label_for", "parse_model",
           "read_model", "translate"]
