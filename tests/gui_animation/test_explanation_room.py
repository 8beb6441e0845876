"""In the 200 px Animation tab a long explanation scrolls instead of being cut off, and a
matrix's heatmap numbers its rows and columns 1…n at the cells."""

from __future__ import annotations

from backprop_studio.engine.api import Graph
from backprop_studio.gui.heatmap import cell_ticks


def fan_graph():
    """f = (x + x)·x: x reaches f by three paths, so its Σ step explains three parts."""
    g = Graph()
    x = g.input("x", 3.0)
    q = g.add(x, x, label="q")
    f = g.multiply(q, x, label="f")
    g.set_output(f)
    g.layout()
    return g


def test_a_long_explanation_can_be_read_whole(qtbot, make_window):
    window = make_window((1280, 800))
    window.set_graph(fan_graph(), None, "fan")
    result = window.run_graph()
    assert result.grads["x"] == 12.0          # f = 2x², ∂f/∂x = 4x: x + x (via q) + 2x
    anim = window.animation
    ctl = anim.controller
    sums = [s.index for s in ctl.timeline.steps if s.kind == "sum" and s.node == "x"]
    assert len(sums) == 1
    anim.seek(sums[0] + 1)                                  # the cursor after that step
    panel = anim.panel
    qtbot.waitUntil(lambda: panel.body.text() != "")
    body, scroll = panel.body, panel.body_scroll
    needed = body.heightForWidth(scroll.viewport().width())
    assert scroll.viewport().height() < needed              # the text is taller than the tab…
    assert body.height() >= needed                          # …and none of it is cut off:
    bar = scroll.verticalScrollBar()
    assert bar.maximum() == body.height() - scroll.viewport().height()   # it scrolls to the end


def test_heatmap_ticks_number_the_cells():
    assert cell_ticks(2) == [(0.5, "1"), (1.5, "2")]
    assert cell_ticks(16) == [(i + 0.5, str(i + 1)) for i in range(0, 16, 2)]
    assert len(cell_ticks(100)) <= 8
