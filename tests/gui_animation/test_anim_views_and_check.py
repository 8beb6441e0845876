"""The View-menu toggles (reverse network, gradient magnitude, colour-blind palette) and the
Gradient check button's badges; and the screenshots a person looks at."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from anim_helpers import SCREENSHOTS, edge_rows
from PySide6.QtCore import Qt

from backprop_studio.engine.api import Graph
from backprop_studio.gui import theme

ROOT = Path(__file__).resolve().parents[2]


def _rows(badge) -> list[str]:
    return [r.text for c in badge.cards for r in c.rows]


def test_gradient_check_badges_every_input_and_parameter(open_example, qtbot):
    window, anim = open_example("sigmoid_neuron")
    qtbot.mouseClick(anim.panel.check_button, Qt.MouseButton.LeftButton)
    badges = anim.badges.badges
    assert set(badges) == {"w0", "x0", "w1", "x1", "w2"}
    for badge in badges.values():
        rows = _rows(badge)
        assert len(rows) == 1 and rows[0].startswith("✓ rel. error ")
        err = float(rows[0].split()[-1].replace("−", "-"))
        assert err < 1e-5
    assert window.statusBar().currentMessage().startswith("Gradient check passed: 5 tensors")
    window.set_tensor("x0", "value", 2.0)                      # an edit clears the verdict
    assert not anim.badges.badges


def test_gradient_check_fails_honestly_at_a_kink(open_example):
    window, anim = open_example("cs231n_add_multiply")
    g = Graph()
    x = g.input("x", 0.0)
    g.relu(x, label="r")
    g.layout()
    window.set_graph(g, None, "kink")
    anim.gradient_check()
    rows = _rows(anim.badges.badges["x"])
    assert rows[0] == "✗ gradient check FAILED" and rows[1].startswith("✗ rel. error")
    assert "FAILED" in window.statusBar().currentMessage()


def test_dense_layers_get_a_verdict_for_w_and_b(open_example):
    window, anim = open_example("two_layer_sigmoid")
    anim.gradient_check()
    rows = _rows(anim.badges.badges["dense_1"])
    assert len(rows) == 2
    assert rows[0].startswith("✓ W: rel. error") and rows[1].startswith("✓ b: rel. error")


def test_reverse_network_view_reverses_every_traced_edge(open_example):
    window, anim = open_example("two_layer_sigmoid")
    anim.reverse_action.setChecked(True)
    edges = [s for s in window.last_result.trace if s.kind == "edge"]
    # the target y is drawn inside the loss (engine.folding): no edge to reverse, a tag
    # beside its rows instead
    assert [(s.source, s.node) for s in edges
            if window.scene.edge_item(s.source, s.node, s.port).folded] == [("y", "mse")]
    edges = [s for s in edges if (s.source, s.node) != ("y", "mse")]
    assert len(anim.reverse.items) == 3 * len(edges) + 1   # path, arrowhead, weight; y's tag
    tags = [_rows(i)[0] for i in anim.reverse.items if hasattr(i, "cards")]
    rows = window.scene.node_item("y").sceneBoundingRect()
    tag, = [i for i in anim.reverse.items if hasattr(i, "cards") and "∂L/∂y =" in i.toolTip()]
    card = tag.cards[0].rect.translated(tag.pos())
    host = window.scene.node_item("mse").sceneBoundingRect()
    assert not card.intersects(host)                             # beside the rows, not on them
    assert card.left() >= rows.right() or card.right() <= rows.left()
    assert abs(card.center().y() - rows.center().y()) < 3 * card.height()
    assert "· W²ᵀ" in tags and "· W¹ᵀ" in tags                   # the same weights, transposed
    head = anim.reverse.items[1].path().elementAt(0)              # the arrowhead's tip…
    start = window.scene.edge_item(edges[0].source, edges[0].node,
                                   edges[0].port).path().pointAtPercent(0.0)
    assert (head.x, head.y) == (start.x(), start.y())              # …is at the producer
    anim.reverse_action.setChecked(False)
    assert not anim.reverse.items


def test_edge_width_follows_the_gradient_magnitude(open_example):
    window, anim = open_example("sigmoid_neuron")
    anim.magnitude_action.setChecked(True)
    widths = {}
    for item, step in zip(anim.magnitude.items,
                          [s for s in window.last_result.trace if s.kind == "edge"]):
        widths[(step.source, step.node)] = item.pen().widthF()
    assert widths[("x1", "multiply_1")] > widths[("w0", "multiply")]   # |−0.59| > |−0.20|
    assert max(widths.values()) == widths[("x1", "multiply_1")]


def test_colour_blind_palette_recolours_the_labels(open_example):
    window, anim = open_example("cs231n_add_multiply")
    anim.end()
    label = anim.overlay.labels[("q", "f", "a")]
    assert window.actions["colorblind"].isCheckable()
    window.actions["colorblind"].setChecked(True)
    assert theme.current_name() == "colorblind"
    assert edge_rows(anim, ("q", "f", "a")) == ["3", "−4"]
    assert label.content is not None                               # rebuilt, same text
    window.actions["colorblind"].setChecked(False)


def _grab(window, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    assert window.grab().save(str(path))
    return path


def test_screenshots_mid_backward_and_fully_backpropagated(open_example, qtbot):
    window, anim = open_example("cs231n_add_multiply", size=(1280, 800))
    anim.home()
    ctl = anim.controller
    ctl.seek(ctl.timeline.forward_count + 2, animate=True)         # edge q → f, pulse midway
    ctl.advance(0.45 * ctl.step_seconds())
    qtbot.wait(50)
    window.view.set_zoom(1.0)
    window.view.centerOn(window.scene.itemsBoundingRect().center())
    path = _grab(window, "cs231n_mid_backward.png")
    assert path.stat().st_size > 20_000
    if os.environ.get("BACKPROP_STUDIO_README_SHOT"):
        shutil.copy(path, ROOT / "resources" / "screenshots" / "backward.png")
    window, anim = open_example("two_layer_sigmoid", size=(1920, 1080))
    for dock in (window.palette_dock, window.inspector_dock, window.history_dock):
        dock.hide()                            # the whole network at 100%, as on a 1080p screen
    qtbot.wait(50)
    anim.end()
    window.scene.clearSelection()
    window.view.set_zoom(1.0)
    window.view.centerOn(window.scene.itemsBoundingRect().center())
    path = _grab(window, "two_layer_backpropagated.png")
    assert path.stat().st_size > 20_000
    shutil.copy(path, SCREENSHOTS / "latest.png")


def test_the_main_window_installs_one_animation_dock(open_example):
    from PySide6.QtWidgets import QDockWidget
    window, anim = open_example("cs231n_add_multiply")
    docks = [d for d in window.findChildren(QDockWidget) if d.windowTitle() == "Animation"]
    assert docks == [anim.dock] and window.animation is anim
    titles = [a.text() for a in window.view_menu.actions()]
    assert "&Reverse-Network View" in titles and "Edge Width by &Gradient Magnitude" in titles
    assert sum("Colour-blind" in t for t in titles) == 1
