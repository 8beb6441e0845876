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

from collections import Counter
from pathlib import Path

from ..backprop import Result
from ..fileformat import write_text
from ..graph import ComputationGraph
from ..numbers import format_tensor
from .latex import tex_text

# The GUI's palettes (gui/theme.py PALETTES), as data: a test keeps the two equal.
PALETTES = {
    "cs231n": {"value": "1b8a2f", "grad": "c62828"},
    "colorblind": {"value": "0072b2", "grad": "d55e00"},
}
PX_PER_CM = 50.0          # canvas units per centimetre: the CS231n example is 14 cm wide
NODE_W = 164.0            # a canvas node's narrowest width: positions are its top-left corner
NODE_H0, NODE_ROW = 66.0, 19.0    # its height: header and value rows, plus one row per port
MAX_CHARS = 22            # a tensor longer than this is written as its shape and range


def _num(x) -> str:
    return tex_text(format_tensor(x, max_chars=MAX_CHARS, minus="−"))


def _name(node: str, index: int) -> str:
    """A TikZ node name from any id: only letters, digits and a counter."""
    safe = "".join(c for c in node if c.isascii() and c.isalnum())[:20]
    return f"n{index}{safe}"


def _centre(graph: ComputationGraph, node: str) -> tuple[float, float]:
    x, y = graph.node(node).get("pos", (0.0, 0.0))
    height = NODE_H0 + NODE_ROW * max(len(graph.op(node).ports), 1)
    return (x + NODE_W / 2) / PX_PER_CM, -(y + height / 2) / PX_PER_CM


def _steep(graph: ComputationGraph, source: str, target: str) -> bool:
    """An edge nearer vertical than horizontal: its numbers go beside it, not along it."""
    (x0, y0), (x1, y1) = _centre(graph, source), _centre(graph, target)
    return abs(y1 - y0) > abs(x1 - x0)


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


def picture(graph: ComputationGraph, result: Result | None,
            palette: str | dict = "cs231n") -> str:
    """One ``tikzpicture`` (with its colours and styles inside it) for ``graph`` and
    ``result`` (None: the nodes and edges without numbers)."""
    colours = PALETTES[palette] if isinstance(palette, str) else palette
    names = {n: _name(n, i) for i, n in enumerate(graph.nodes)}
    lines = [
        "% Made by Backprop Studio: values above the edges, gradients below.",
        "\\begin{tikzpicture}[",
        "  bpsop/.style={circle, draw, thick, minimum size=9mm, inner sep=1pt, fill=white},",
        "  bpsleaf/.style={rectangle, rounded corners=2pt, draw, minimum height=7mm, "
        "inner sep=3pt, fill=black!4},",
        "  bpsedge/.style={->, >=stealth, thick, black!70},",
        "  bpsvalue/.style={above, sloped, font=\\small, text=bpsValue},",
        "  bpsgrad/.style={below, sloped, font=\\small, text=bpsGrad},",
        "  bpsvalueside/.style={left, font=\\small, text=bpsValue},",
        "  bpsgradside/.style={right, font=\\small, text=bpsGrad},",
        "  bpsname/.style={font=\\footnotesize, text=black!60}]",
        f"\\definecolor{{bpsValue}}{{HTML}}{{{colours['value'].lstrip('#').upper()}}}",
        f"\\definecolor{{bpsGrad}}{{HTML}}{{{colours['grad'].lstrip('#').upper()}}}",
    ]
    for node in graph.nodes:
        x, y = _centre(graph, node)
        text, style = _node_text(graph, node)
        lines.append(f"\\node[{style}] ({names[node]}) at ({x:.2f},{y:.2f}) {{{text}}};")
        if style == "bpsop":
            lines.append(f"\\node[bpsname, above=1pt] at ({names[node]}.north) "
                         f"{{{tex_text(graph.label(node))}}};")
    grads = _edge_grads(result)
    values = result.values if result is not None else {}
    pairs = Counter((s, t) for s, t, _ in graph.edges())
    seen: Counter = Counter()
    for source, target, port in graph.edges():
        k = seen[(source, target)]
        seen[(source, target)] += 1
        bend = ""
        if pairs[(source, target)] > 1:       # x·x: the two edges apart, not on top
            bend = f"bend {'left' if k % 2 == 0 else 'right'}={12 + 10 * (k // 2)}"
        labels, side = "", "side" if _steep(graph, source, target) else ""
        if source in values:
            labels += f" node[bpsvalue{side}] {{{_num(values[source])}}}"
        if (source, target, port) in grads:
            labels += f" node[bpsgrad{side}] {{{_num(grads[(source, target, port)])}}}"
        path = f"to[{bend}]" if bend else "--"
        lines.append(f"\\draw[bpsedge] ({names[source]}) {path}{labels} ({names[target]});")
    out = result.output if result is not None else None
    if out is not None and out in graph and out in values:
        labels = f" node[bpsvalue] {{{_num(values[out])}}}"
        if result.trace:
            labels += f" node[bpsgrad] {{{_num(1.0)}}}"
        lines.append(f"\\draw[bpsedge] ({names[out]}.east) --{labels} ++(2.2,0);")
    lines.append("\\end{tikzpicture}")
    return "\n".join(lines) + "\n"


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
