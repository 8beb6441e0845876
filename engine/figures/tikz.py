"""The CS231n figure as TikZ: every node where the canvas has it, every edge with the value it
carries above it (green) and its gradient below it (red), the output's own value and ∂L/∂L = 1
on a stub leaving it. Numbers come from the engine's Result and are written by
engine.numbers, so the figure reads as the canvas does.

Two forms: a standalone document that pdflatex compiles to one tight page (core LaTeX and
TikZ only: the page is sized to the picture by hand, so no ``standalone`` class is needed), and
a snippet — one ``tikzpicture`` that defines its own colours and styles — for ``\\input`` in a
paper that loads ``tikz``.
"""

from __future__ import annotations

from pathlib import Path

from ..backprop import Result
from ..fileformat import write_text
from ..graph import ComputationGraph
from ..numbers import format_tensor
from . import tikz_layout as layout
from .latex import tex_text

# The GUI's palettes (gui/theme.py PALETTES), as data: a test keeps the two equal.
PALETTES = {
    "cs231n": {"value": "1b8a2f", "grad": "c62828"},
    "colorblind": {"value": "0072b2", "grad": "d55e00"},
}
MAX_CHARS = 22            # a tensor longer than this is written as its shape and range


def _name(node: str, index: int) -> str:
    """A TikZ node name from any id: only letters, digits and a counter."""
    safe = "".join(c for c in node if c.isascii() and c.isalnum())[:20]
    return f"n{index}{safe}"


def _edge_grads(result: Result | None) -> dict:
    """(source, target, port) -> the gradient handed back along that edge."""
    if result is None or not result.trace:
        return {}
    return {(s.source, s.node, s.port): s.downstream for s in result.trace if s.kind == "edge"}


def _node_text(graph: ComputationGraph, node: str) -> tuple[str, str]:
    """(text inside the node, style): leaves show their label, ops their symbol."""
    op = graph.op(node)
    if not op.ports:
        return tex_text(graph.label(node)), "bpsleaf"
    return tex_text(op.symbol), "bpsop"


def _plain(x) -> str:
    return format_tensor(x, max_chars=MAX_CHARS, minus="−")


def _at(p) -> str:
    """A layout point (cm, y down) as TikZ coordinates (y up)."""
    return f"({p[0]:.2f},{-p[1]:.2f})"


def picture(graph: ComputationGraph, result: Result | None,
            palette: str | dict = "cs231n") -> str:
    """One ``tikzpicture`` (with its colours and styles inside it) for ``graph`` and
    ``result`` (None: the nodes and edges without numbers). Edges are drawn first and their
    numbers last, on white, so no wire runs through a number (tikz_layout.py places them)."""
    colours = PALETTES[palette] if isinstance(palette, str) else palette
    names = {n: _name(n, i) for i, n in enumerate(graph.nodes)}
    lines = [
        "% Made by Backprop Studio: values above the edges, gradients below.",
        "\\begin{tikzpicture}[",
        "  bpsop/.style={circle, draw, thick, minimum size=9mm, inner sep=1pt, fill=white},",
        "  bpsleaf/.style={rectangle, rounded corners=2pt, draw, minimum height=7mm, "
        "inner sep=3pt, fill=black!4},",
        "  bpsedge/.style={->, >=stealth, thick, black!70},",
        "  bpswrapped/.style={bpsedge, rounded corners=6pt},",
        "  bpsnumber/.style={font=\\small, inner sep=1pt, fill=white},",
        "  bpsvalue/.style={bpsnumber, text=bpsValue},",
        "  bpsgrad/.style={bpsnumber, text=bpsGrad},",
        "  bpsleader/.style={densely dotted, black!50},",
        "  bpsname/.style={font=\\footnotesize, text=black!60}]",
        f"\\definecolor{{bpsValue}}{{HTML}}{{{colours['value'].lstrip('#').upper()}}}",
        f"\\definecolor{{bpsGrad}}{{HTML}}{{{colours['grad'].lstrip('#').upper()}}}",
    ]
    plain = {n: (graph.label(n), None) if not graph.op(n).ports
             else (graph.op(n).symbol, graph.label(n)) for n in graph.nodes}
    boxes = layout.node_boxes(graph, plain)
    for node in graph.nodes:
        text, style = _node_text(graph, node)
        lines.append(f"\\node[{style}] ({names[node]}) at {_at(boxes[node].centre)} {{{text}}};")
        if style == "bpsop":
            lines.append(f"\\node[bpsname, above=1pt] at ({names[node]}.north) "
                         f"{{{tex_text(graph.label(node))}}};")
    grads = _edge_grads(result)
    values = result.values if result is not None else {}
    edge_courses = layout.courses(graph, boxes)
    for course in edge_courses:
        source, target = (names[n] for n in course.key[:2])
        if course.wrapped:
            corners = " -- ".join(_at(p) for p in course.points[1:-1])
            lines.append(f"\\draw[bpswrapped] ({source}.east) -- {corners} -- ({target}.west);")
        elif course.bend:
            lines.append(f"\\draw[bpsedge] ({source}) to[{course.bend}] ({target});")
        else:
            lines.append(f"\\draw[bpsedge] ({source}) -- ({target});")
    texts = {}
    for source, target, port in graph.edges():
        value = _plain(values[source]) if source in values else None
        grad = _plain(grads[(source, target, port)]) if (source, target, port) in grads else None
        texts[(source, target, port)] = (value, grad)
    out = result.output if result is not None else None
    stub, reserved = [], []
    if out is not None and out in graph and out in values:
        box = boxes[out]
        start = (box.shape[2], box.centre[1])
        lines.append(f"\\draw[bpsedge] ({names[out]}.east) -- ++({layout.STUB},0);")
        texts[("output",)] = (_plain(values[out]), _plain(1.0) if result.trace else None)
        stub = [layout.EdgeCourse(("output",), [start, (start[0] + layout.STUB, start[1])])]
    widths = {key: tuple(None if t is None else layout.text_width(t) for t in pair)
              for key, pair in texts.items()}
    labels = layout.place_labels(stub + edge_courses, boxes, widths, reserved)
    for key, numbers in labels.items():
        what = "the output" if key == ("output",) else \
            f"{names[key[0]]} -> {names[key[1]]} (port {tex_text(key[2])})"
        lines.append(f"% the value and gradient on {what}")
        for style, text, number in zip(("bpsvalue", "bpsgrad"), texts[key], numbers):
            if number is None:
                continue
            if number.leader:
                lines.append(f"\\draw[bpsleader] {_at(number.anchor)} -- "
                             f"{_at(_nearest([number.rect], number.anchor))};")
            lines.append(f"\\node[{style}] at {_at(number.centre)} {{{tex_text(text)}}};")
    lines.append("\\end{tikzpicture}")
    return "\n".join(lines) + "\n"


def _nearest(rects, p):
    """The point of the labels' rectangles nearest ``p``: where a leader line ends."""
    best = None
    for left, top, right, bottom in rects:
        q = (min(max(p[0], left), right), min(max(p[1], top), bottom))
        d = (q[0] - p[0]) ** 2 + (q[1] - p[1]) ** 2
        if best is None or d < best[0]:
            best = (d, q)
    return best[1] if best else p


def document(graph: ComputationGraph, result: Result | None, palette="cs231n") -> str:
    """A document pdflatex compiles to one page the size of the picture (plus a margin)."""
    return "\n".join([
        "% Compile with: pdflatex FILE.tex  (needs only LaTeX and TikZ)",
        "\\documentclass{article}",
        "\\usepackage{tikz}",
        "\\begin{document}",
        "\\setbox0=\\hbox{%",
        picture(graph, result, palette).rstrip("\n") + "%",
        "}",
        "\\pdfpagewidth=\\wd0 \\advance\\pdfpagewidth by 12pt",
        "\\pdfpageheight=\\ht0 \\advance\\pdfpageheight by \\dp0 "
        "\\advance\\pdfpageheight by 12pt",
        "\\pdfhorigin=6pt \\pdfvorigin=6pt",
        "\\shipout\\box0",
        "\\end{document}",
    ]) + "\n"


def write_tikz(graph: ComputationGraph, result: Result | None, path, standalone: bool = True,
               palette: str | dict = "cs231n") -> Path:
    """Write the figure to ``path``: a whole document, or (``standalone=False``) the snippet."""
    text = document(graph, result, palette) if standalone else picture(graph, result, palette)
    write_text(path, text)          # atomic; GraphError with a one-line reason
    return Path(path)
