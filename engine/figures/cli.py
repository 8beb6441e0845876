"""``python main.py export FILE --to tikz|tikz-snippet|png|svg|gif|mp4 -o OUT``: the figure or
the animation as a file, without opening the editor.

``WRITERS`` maps each format to a function ``(graph, args) -> None``, so another command (a
registry of export formats) can take these over as they are. TikZ is engine-only; the images
and the animation render offscreen with Qt, imported only when asked for.
"""

from __future__ import annotations

import re
import sys

from ..errors import GraphError
from .tikz import PALETTES

SIZE = re.compile(r"^(\d{2,5})[x×](\d{2,5})$")
MAX_SIDE = 4096


def _size(text: str) -> tuple[int, int]:
    match = SIZE.match(text.strip())
    if not match:
        raise GraphError(f"--size {text!r}: expected WIDTHxHEIGHT, e.g. 960x540")
    w, h = int(match.group(1)), int(match.group(2))
    if not (64 <= w <= MAX_SIDE and 64 <= h <= MAX_SIDE):
        raise GraphError(f"--size {text}: each side must be between 64 and {MAX_SIDE} pixels")
    return w, h


def _result(graph):
    from ..backprop import run
    return run(graph, trace=True)


def _tikz(graph, args, standalone: bool) -> None:
    from .tikz import write_tikz
    write_tikz(graph, _result(graph), args.output, standalone=standalone, palette=args.palette)


def _image(graph, args) -> None:
    if not 0.1 <= args.scale <= 8:
        raise GraphError(f"--scale {args.scale:g}: must be between 0.1 and 8")
    from ...gui.export_image import export_figure_offscreen
    export_figure_offscreen(graph, args.output, args.to, scale=args.scale,
                            transparent=args.transparent, palette=args.palette)


def _animation(graph, args) -> None:
    top = 50 if args.to == "gif" else 60          # a GIF frame lasts at least 20 ms
    if not 1 <= args.fps <= top:
        raise GraphError(f"--fps {args.fps}: must be between 1 and {top} for {args.to}")
    if not 0.1 <= args.speed <= 10:
        raise GraphError(f"--speed {args.speed:g}: must be between 0.1 and 10")
    from ...gui.export_animation import export_animation
    export_animation(args.output, graph, args.to, _size(args.size), args.fps, speed=args.speed,
                     palette=args.palette, progress=_bar)


def _bar(done: int, total: int) -> bool:
    """A progress bar on stderr, redrawn when it grows; True: carry on."""
    width = 30
    filled = width * done // max(total, 1)
    if done < total and filled == width * (done - 1) // max(total, 1):
        return True
    end = "\n" if done >= total else ""
    print(f"\rrendering [{'#' * filled}{'.' * (width - filled)}] {done}/{total} frames{end}",
          end="", file=sys.stderr, flush=True)
    return True


WRITERS = {
    "tikz": lambda graph, args: _tikz(graph, args, standalone=True),
    "tikz-snippet": lambda graph, args: _tikz(graph, args, standalone=False),
    "png": _image,
    "svg": _image,
    "gif": _animation,
    "mp4": _animation,
}


def add_parser(sub, name: str) -> None:
    p = sub.add_parser(name, help="the CS231n figure (TikZ, PNG, SVG) or the animation (GIF, "
                       "MP4) as a file")
    p.add_argument("file")
    p.add_argument("--to", required=True, choices=sorted(WRITERS))
    p.add_argument("-o", "--output", required=True, help="the file to write")
    p.add_argument("--palette", choices=sorted(PALETTES), default="cs231n",
                   help="green/red as in CS231n, or blue/orange (colour-blind safe)")
    p.add_argument("--scale", type=float, default=2.0, help="png/svg: pixels per canvas unit")
    p.add_argument("--transparent", action="store_true", help="png/svg: no background")
    p.add_argument("--size", default="960x600", help="gif/mp4: WIDTHxHEIGHT in pixels")
    p.add_argument("--fps", type=int, default=15, help="gif/mp4: frames per second")
    p.add_argument("--speed", type=float, default=1.0,
                   help="gif/mp4: playback speed, as the Animation dock's (1 = one step a second)")


def run(args) -> int:
    from ..fileformat import load
    graph = load(args.file)
    WRITERS[args.to](graph, args)
    print(f"wrote {args.output}", file=sys.stderr)
    return 0
