"""``import MODEL.onnx -o GRAPH.json``: an ONNX model as a graph file, ready to run, check,
train or open; and ``write``, the writer of ``export --to onnx`` in engine/export's FORMATS.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from .. import fileformat
from ..text import printable
from .importer import DEFAULT_BATCH, LOSSES, MAX_BATCH, import_onnx


def add_parser(subparsers, name: str) -> None:
    p = subparsers.add_parser(name, help="an ONNX model as a graph file (its weights as "
                              "trainable parameters)")
    p.add_argument("model", help="an .onnx file")
    p.add_argument("-o", "--out", help="the graph file to write (default: MODEL.json in the "
                   "current folder)")
    p.add_argument("--output", metavar="NAME",
                   help="which of the model's outputs is the output (needed when it has "
                        "several and no loss)")
    p.add_argument("--loss", choices=LOSSES,
                   help="for a model without a loss: add this loss after the output, against "
                        "a new input named target")
    p.add_argument("--batch", type=int, default=DEFAULT_BATCH,
                   help=f"rows given to an input whose batch size the model leaves open "
                        f"(1 to {MAX_BATCH}; default {DEFAULT_BATCH})")


def run(args) -> int:
    graph = import_onnx(args.model, output=args.output, loss=args.loss, batch=args.batch)
    out = args.out or Path(args.model).with_suffix(".json").name    # never beside a shipped model
    fileformat.save(graph, out)
    ops = Counter(graph.node(n)["op"] for n in graph.nodes)
    made = ", ".join(f"{k} {op}" for op, k in sorted(ops.items()))
    output = graph.output
    print(f"wrote {printable(out)}: {len(graph)} nodes ({made}); output "
          f"{printable(graph.label(output))} ({graph.node(output)['op']})")
    return 0


def write(graph, path, source=None) -> str:
    """``export FILE --to onnx -o MODEL.onnx``, as a writer of engine/export's FORMATS."""
    from .exporter import export_onnx

    model = export_onnx(graph, path)
    return (f"wrote {printable(str(path))}: {len(model.graph.node)} ONNX nodes, "
            f"{len(model.graph.initializer)} initializers")
