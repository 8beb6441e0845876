"""Errors a student understands, on the canvas: an edge whose shapes cannot meet is refused
when it is connected, with both shapes in words; a Run error is a readable badge at its node
and goes away when fixed or undone (and so does the status bar's line)."""

from __future__ import annotations

import numpy as np
from editor_helpers import drag
from PySide6.QtCore import QPointF

from backprop_studio.engine import ComputationGraph, GraphError
from backprop_studio.gui import commands


def vectors_and_add(window):
    g = ComputationGraph()
    a = g.add_node("input", "a", pos=(0, 0), tensors={"value": [1.0, 2.0, 3.0]})
    b = g.add_node("input", "b", pos=(0, 160), tensors={"value": [1.0, 2.0]})
    s = g.add_node("add", "s", pos=(260, 60))
    g.connect(a, s, "a")
    window.set_graph(g, None, "shapes")
    window.view.set_zoom(1.0)
    window.view.centerOn(window.scene.itemsBoundingRect().center())
    return a, b, s


WORDS = "a is a vector of 3, b is a vector of 2: add needs equal shapes or one a scalar"


def test_dragging_an_edge_whose_shapes_cannot_meet_is_refused_in_words(qtbot, window):
    a, b, s = vectors_and_add(window)
    window.undo_stack.clear()
    item_b, item_s = window.scene.node_item(b), window.scene.node_item(s)
    drag(qtbot, window, item_b.output_anchor(), item_s.input_anchor("b"))
    assert (b, s, "b") not in window.graph.edges()
    assert window.undo_stack.count() == 0
    assert WORDS in window.statusBar().currentMessage()
    badge = item_s.error_badge
    assert badge is not None and WORDS in badge.text and badge.isVisible()


def test_the_connect_command_refuses_mismatched_shapes(window):
    a, b, s = vectors_and_add(window)
    try:
        commands.push(window.undo_stack, commands.Connect(window.graph, b, s, "b"))
    except GraphError as exc:
        assert exc.reason == WORDS and exc.port == "b"
    else:
        raise AssertionError("the connection was accepted")
    assert (b, s, "b") not in window.graph.edges()


def test_mismatched_ports_do_not_light_up(qtbot, window):
    from editor_helpers import to_view
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    a, b, s = vectors_and_add(window)
    c = window.scene.add_op("constant", QPointF(0, 320))
    vp = window.view.viewport()
    for source, lit in ((b, set()), (c, {"b"})):          # a scalar may meet a vector
        item = window.scene.node_item(source)
        QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         to_view(window, item.output_anchor()))
        QTest.mouseMove(vp, to_view(window, item.output_anchor() + QPointF(40, 30)))
        assert window.scene.node_item(s).highlight_ports == lit
        QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                           to_view(window, item.output_anchor() + QPointF(40, 30)))


def log_graph(window, x=-2.0):
    g = ComputationGraph()
    n = g.add_node("input", "x", pos=(0, 0), tensors={"value": x})
    log = g.add_node("log", "ln x", pos=(260, 0))
    g.connect(n, log, "x")
    window.set_graph(g, None, "log")
    return n, log


def test_a_run_error_is_a_readable_badge_at_its_node_and_goes_when_fixed(qtbot, window):
    n, log = log_graph(window)
    window.view.set_zoom(0.4)                            # zoomed far out: still readable
    assert window.run_graph() is None
    item = window.scene.node_item(log)
    badge = item.error_badge
    assert badge.text == "log needs x > 0; its input is −2"
    assert badge.text_height_px() >= 11
    assert "log needs x > 0" in window.statusBar().currentMessage()
    # under its node, not over it
    node_rect = item.sceneBoundingRect()
    assert badge.scenePos().y() > node_rect.bottom()
    assert window.set_tensor(n, "value", 2.0)            # fixed
    assert item.error_badge is None and badge.scene() is None
    assert window.statusBar().currentMessage() == ""
    result = window.run_graph()
    assert result.values[log] == np.log(2.0)


def test_undoing_the_edit_that_broke_it_removes_the_badge(qtbot, window):
    n, log = log_graph(window, x=3.0)
    assert window.run_graph() is not None
    assert window.set_tensor(n, "value", -1.0)
    assert window.run_graph() is None
    assert window.scene.node_item(log).error_badge is not None
    window.undo_stack.undo()
    assert window.scene.node_item(log).error_badge is None
    assert window.error is None and window.statusBar().currentMessage() == ""
