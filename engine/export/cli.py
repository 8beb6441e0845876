"""``python main.py export FILE --to FORMAT -o OUT``: the graph as code (and, as formats add
themselves to FORMATS, as figures and animations)."""

from __future__ import annotations

from pathlib import Path

from .. import fileformat
from ..text import printable
from . import FORMATS, export


def add_parser(subparsers, name: str) -> None:
    p = subparsers.add_parser(name, help="the graph as code: " + ", ".join(sorted(FORMATS)))
    p.add_argument("file")
    # No argparse choices: an unknown format gets the list from FORMATS, as one line, exit 2.
    p.add_argument("--to", required=True, metavar="FORMAT",
                   help="one of: " + ", ".join(sorted(FORMATS)))
    p.add_argument("-o", "--out", help="where to write (default: FILE with the format's suffix)")


def run(args) -> int:
    from . import writer
    writer(args.to)                                  # an unknown format: exit 2 with the list
    graph = fileformat.load(args.file)
    out = args.out or str(Path(args.file).with_suffix(FORMATS[args.to].suffix))
    print(printable(export(graph, args.to, out, source=args.file)))
    return 0
