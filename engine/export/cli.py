"""``python main.py export FILE --to FORMAT -o OUT``: the graph as code (and, as formats add
themselves to FORMATS, as figures and animations)."""

from __future__ import annotations

from pathlib import Path

from .. import fileformat
from ..cli import UsageError, _columns
from ..text import printable
from . import FORMATS, export


def add_parser(subparsers, name: str) -> None:
    p = subparsers.add_parser(name, help="the graph as code: " + ", ".join(sorted(FORMATS)))
    p.add_argument("file")
    # No argparse choices: an unknown format gets the list from FORMATS, as one line, exit 2.
    p.add_argument("--to", required=True, metavar="FORMAT",
                   help="one of: " + ", ".join(sorted(FORMATS)))
    p.add_argument("-o", "--out", help="where to write (default: FILE with the format's suffix)")
    p.add_argument("--csv", metavar="PATH", help="code: train on this CSV (read by the script)")
    p.add_argument("--features", help="the CSV's feature columns, comma-separated")
    p.add_argument("--targets", help="the CSV's target columns, comma-separated")


def run(args) -> int:
    from . import writer
    writer(args.to)                                  # an unknown format: exit 2 with the list
    fmt = FORMATS[args.to]
    options = {name: getattr(args, name) for name in fmt.options
               if name != "csv" and getattr(args, name, None) is not None}
    if args.csv:
        if "csv" not in fmt.options:
            raise UsageError(f"--csv is for code formats, not {args.to}")
        if not args.features or not args.targets:
            raise UsageError("--csv needs --features and --targets (comma-separated columns)")
        options["csv"] = (args.csv, _columns(args.features), _columns(args.targets))
    graph = fileformat.load(args.file)
    out = args.out or str(Path(args.file).with_suffix(fmt.suffix))
    print(printable(export(graph, args.to, out, source=args.file, **options)))
    return 0
