"""``python main.py export FILE --to FORMAT -o OUT``: the graph as code, as the CS231n figure or
as the animation (every format in FORMATS; options a format does not take are refused)."""

from __future__ import annotations

from pathlib import Path

from .. import fileformat
from ..cli import UsageError, _columns
from ..figures.tikz import PALETTES
from ..text import printable
from . import FORMATS, export

FIGURE_OPTIONS = ("palette", "scale", "transparent", "size", "fps", "speed")


def add_parser(subparsers, name: str) -> None:
    p = subparsers.add_parser(name, help="the graph as code, a figure or an animation: "
                              + ", ".join(sorted(FORMATS)))
    p.add_argument("file")
    # No argparse choices: an unknown format gets the list from FORMATS, as one line, exit 2.
    p.add_argument("--to", required=True, metavar="FORMAT",
                   help="one of: " + ", ".join(sorted(FORMATS)))
    p.add_argument("-o", "--out", "--output", dest="out",
                   help="where to write (default: FILE with the format's suffix)")
    p.add_argument("--csv", metavar="PATH", help="code: train on this CSV (read by the script)")
    p.add_argument("--features", help="the CSV's feature columns, comma-separated")
    p.add_argument("--targets", help="the CSV's target columns, comma-separated")
    p.add_argument("--palette", choices=sorted(PALETTES),
                   help="figures: green/red as in CS231n, or blue/orange (colour-blind safe)")
    p.add_argument("--scale", type=float, help="png/svg: pixels per canvas unit (default 2)")
    p.add_argument("--transparent", action="store_true", default=None,
                   help="png/svg: no background")
    p.add_argument("--size", help="gif/mp4: WIDTHxHEIGHT in pixels (default 960x600)")
    p.add_argument("--fps", type=int, help="gif/mp4: frames per second (default 15)")
    p.add_argument("--speed", type=float,
                   help="gif/mp4: playback speed, as the Animation dock's (1 = one step a second)")


def run(args) -> int:
    from . import writer
    writer(args.to)                                  # an unknown format: exit 2 with the list
    fmt = FORMATS[args.to]
    options = {name: getattr(args, name) for name in fmt.options
               if name != "csv" and getattr(args, name, None) is not None}
    for name in FIGURE_OPTIONS:
        if getattr(args, name, None) is not None and name not in fmt.options:
            raise UsageError(f"--{name} is not an option of {args.to}")
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
