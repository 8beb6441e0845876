"""The figure and animation formats of ``python main.py export``: tikz, tikz-snippet, png, svg,
gif and mp4, as writers of engine/export's FORMATS (``write(graph, path, source=None,
**options) -> str``). TikZ is engine-only; the images and the animation render offscreen with
Qt, imported only when asked for.
"""

from __future__ import annotations

import re
import sys

from ..errors import GraphError

SIZE = re.compile(r"^(\d+)\s*[x×]\s*(\d+)$")    # any WxH form; the range is checked after
MAX_SIDE = 4096


def _size(text: str) -> tuple[int, int]:
    match = SIZE.match(text.strip())
    if not match:
        raise GraphError(f"--size {text!r}: expected WIDTHxHEIGHT, e.g. 960x600")
    w, h = int(match.group(1)), int(match.group(2))
    if not (64 <= w <= MAX_SIDE and 64 <= h <= MAX_SIDE):
        raise GraphError(f"--size {text}: each side must be between 64 and {MAX_SIDE} pixels")
    return w, h


def _result(graph):
    from ..backprop import run
    return run(graph, trace=True)


def tikz(graph, path, source=None, palette: str = "cs231n") -> str:
    from .tikz import write_tikz
    write_tikz(graph, _result(graph), path, standalone=True, palette=palette)
    return f"wrote {path}"


def tikz_snippet(graph, path, source=None, palette: str = "cs231n") -> str:
    from .tikz import write_tikz
    write_tikz(graph, _result(graph), path, standalone=False, palette=palette)
    return f"wrote {path}"


def image(graph, path, source=None, kind: str = "png", scale: float = 2.0,
          transparent: bool = False, palette: str = "cs231n") -> str:
    if not 0.1 <= scale <= 8:
        raise GraphError(f"--scale {scale:g}: must be between 0.1 and 8")
    from ...gui.export_image import export_figure_offscreen
    export_figure_offscreen(graph, path, kind, scale=scale, transparent=transparent,
                            palette=palette)
    return f"wrote {path}"


def png(graph, path, source=None, **options) -> str:
    return image(graph, path, source, kind="png", **options)


def svg(graph, path, source=None, **options) -> str:
    return image(graph, path, source, kind="svg", **options)


def animation(graph, path, source=None, kind: str = "gif", size: str = "960x600",
              fps: int = 15, speed: float = 1.0, palette: str = "cs231n") -> str:
    top = 50 if kind == "gif" else 60          # a GIF frame lasts at least 20 ms
    if not 1 <= fps <= top:
        raise GraphError(f"--fps {fps}: must be between 1 and {top} for {kind}")
    if not 0.1 <= speed <= 10:
        raise GraphError(f"--speed {speed:g}: must be between 0.1 and 10")
    from ...gui.export_animation import export_animation
    export_animation(path, graph, kind, _size(size), fps, speed=speed, palette=palette,
                     progress=_bar)
    return f"wrote {path}"


def gif(graph, path, source=None, **options) -> str:
    return animation(graph, path, source, kind="gif", **options)


def mp4(graph, path, source=None, **options) -> str:
    return animation(graph, path, source, kind="mp4", **options)


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
