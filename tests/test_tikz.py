"""The TikZ figure (engine/figures/tikz.py): the CS231n numbers on the right edges, positions
from the graph, the chosen palette, any label escaped for TeX, and the two forms."""

from __future__ import annotations

import re

import pytest

from backprop_studio.engine import fileformat
from backprop_studio.engine.backprop import run
from backprop_studio.engine.figures import tikz
from backprop_studio.engine.figures.latex import tex_text
from backprop_studio.engine.graph import ComputationGraph
from backprop_studio.engine.resources import resource

CS231N = resource("examples", "cs231n_add_multiply.json")


def _figure(palette="cs231n"):
    graph = fileformat.load(CS231N)
    return graph, tikz.picture(graph, run(graph), palette)


def _numbers(text: str) -> dict[str, list[tuple[str, float, str]]]:
    """What each "% the value and gradient on A -> B (port p)" comment introduces: the
    numbers drawn after it, as (style, y, text)."""
    out, current = {}, None
    for line in text.splitlines():
        m = re.match(r"% the value and gradient on (.*)$", line)
        if m:
            current = out.setdefault(m.group(1), [])
            continue
        m = re.match(r"\\node\[(bpsvalue|bpsgrad)\] at \(([-\d.]+),([-\d.]+)\) \{(.*)\};$",
                     line)
        if m and current is not None:
            current.append((m.group(1), float(m.group(3)), m.group(4)))
    return out


def _edges(text: str) -> dict[tuple[str, str], tuple[str, str]]:
    """(source name, target name) -> (value, gradient), each edge's value drawn above its
    gradient (the value's side of the wire is the upper one)."""
    out = {}
    for what, numbers in _numbers(text).items():
        (vs, vy, value), (gs, gy, grad) = numbers
        assert (vs, gs) == ("bpsvalue", "bpsgrad") and vy > gy, what
        if what != "the output":
            source, _, target = what.partition(" (")[0].partition(" -> ")
            out[(source, target)] = (value, grad)
    return out


def test_cs231n_edges_carry_value_above_and_gradient_below():
    _, text = _figure()
    minus = r"\ensuremath{-}"
    # f = (x + y)·z at x=−2, y=5, z=−4: the CS231n lecture's numbers
    assert _edges(text) == {
        ("n0x", "n3q"): (f"{minus}2", f"{minus}4"),
        ("n1y", "n3q"): ("5", f"{minus}4"),
        ("n2z", "n4f"): (f"{minus}4", "3"),
        ("n3q", "n4f"): ("3", f"{minus}4"),
    }
    # every edge drawn once, plain, then the output's own value and ∂L/∂L = 1 on a stub
    assert text.count(r"\draw[bpsedge] (") == 5
    assert "\\draw[bpsedge] (n4f.east) -- ++(2.2,0);" in text
    assert [n[2] for n in _numbers(text)["the output"]] == [f"{minus}12", "1"]


def test_nodes_sit_where_the_canvas_has_them():
    graph, text = _figure()
    coords = {m.group(1): (float(m.group(2)), float(m.group(3))) for m in
              re.finditer(r"\\node\[bps(?:op|leaf)\] \((\w+)\) at \(([-\d.]+),([-\d.]+)\)", text)}
    # x's top-left is (0, 10): centre (0 + 164/2, 10 + (66 + 19)/2) canvas units, 50 per cm,
    # y pointing up in TikZ
    assert coords["n0x"] == pytest.approx((82 / 50, -(10 + 42.5) / 50), abs=0.005)
    # f (two ports) at (496, 54): centre (578, 54 + (66 + 38)/2)
    assert coords["n4f"] == pytest.approx((578 / 50, -(54 + 52) / 50), abs=0.005)
    assert len(coords) == len(graph)
    assert r"{\ensuremath{\times}}" in text and "{+}" in text        # the ops' symbols


@pytest.mark.parametrize("palette, value, grad", [("cs231n", "1B8A2F", "C62828"),
                                                  ("colorblind", "0072B2", "D55E00")])
def test_palette_colours(palette, value, grad):
    _, text = _figure(palette)
    assert f"\\definecolor{{bpsValue}}{{HTML}}{{{value}}}" in text
    assert f"\\definecolor{{bpsGrad}}{{HTML}}{{{grad}}}" in text


def test_standalone_and_snippet(tmp_path):
    graph = fileformat.load(CS231N)
    result = run(graph)
    doc = tikz.write_tikz(graph, result, tmp_path / "f.tex").read_text(encoding="utf-8")
    snippet = tikz.write_tikz(graph, result, tmp_path / "f.tikz", standalone=False).read_text(
        encoding="utf-8")
    assert doc.startswith("%") and "\\documentclass{article}" in doc and "\\shipout" in doc
    assert snippet.count("\\begin{tikzpicture}") == 1 and "\\documentclass" not in snippet
    assert snippet.rstrip().endswith("\\end{tikzpicture}")
    assert snippet in doc.replace("\\end{tikzpicture}%\n", "\\end{tikzpicture}\n")


@pytest.mark.parametrize("text, tex", [
    ("z² = W²ᵀx¹ + b²", r"z\ensuremath{^{2}} = W\ensuremath{^{2}}\ensuremath{^{T}}"
                         r"x\ensuremath{^{1}} + b\ensuremath{^{2}}"),
    ("A₁ = σ(Z₁)", r"A\ensuremath{_{1}} = \ensuremath{\sigma}(Z\ensuremath{_{1}})"),
    ("50% & $x_1 {#}", r"50\% \& \$x\_1 \{\#\}"),
    ("a\\b ~^", r"a\textbackslash{}b \~{}\^{}"),
    ("Α", r"\ensuremath{\mathrm{A}}"),       # Greek capital alpha: TeX has no \Alpha
    ("x̄", "x"),                              # the combining macron goes, the letter stays
    ("日本", "??"),
])
def test_labels_escaped_for_tex(text, tex):
    assert tex_text(text) == tex


def test_unrun_graph_has_no_numbers():
    graph = ComputationGraph()
    a = graph.add_node("input", "a", pos=(0, 0))
    b = graph.add_node("relu", "r", pos=(300, 0))
    graph.connect(a, b, "z")
    text = tikz.picture(graph, None)
    assert "bpsvalue]" not in text and "bpsgrad]" not in text
    assert text.count("\\draw[bpsedge]") == 1
