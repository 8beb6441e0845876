"""Connecting by dragging port to port; refusals; picking up an edge's end disconnects it."""

from __future__ import annotations

from editor_helpers import drag, dumps, to_view
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest


def test_drag_output_to_input_connects_with_a_bezier(qtbot, cs_window):
    w = cs_window
    w.undo_stack.clear()
    r = w.scene.add_op("relu", QPointF(900, 300))        # right of f: a forward edge
    relu = w.scene.node_item(r)
    f = w.scene.node_item("f")
    drag(qtbot, w, f.output_anchor(), relu.input_anchor("z"))
    assert ("f", r, "z") in w.graph.edges()
    edge = w.scene.edge_item("f", r, "z")
    path = edge.path()
    assert path.elementCount() == 4                   # move + one cubic (3 elements)
    assert (path.pointAtPercent(0) - f.output_anchor()).manhattanLength() < 1e-6
    assert (path.pointAtPercent(1) - relu.input_anchor("z")).manhattanLength() < 1e-6
    assert w.undo_stack.undoText().startswith("Connect f → ")
    w.undo_stack.undo()
    assert ("f", r, "z") not in w.graph.edges()


def test_valid_targets_highlight_while_dragging(qtbot, cs_window):
    w = cs_window
    r = w.scene.add_op("relu", QPointF(700, 300))
    vp = w.view.viewport()
    q = w.scene.node_item("q")
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     to_view(w, q.output_anchor()))
    QTest.mouseMove(vp, to_view(w, q.output_anchor() + QPointF(60, 40)))
    assert w.scene.node_item(r).highlight_ports == {"z"}
    # q's own ports, its (occupied) consumers' ports and its upstream inputs are not offered
    assert w.scene.node_item("q").highlight_ports == set()
    assert w.scene.node_item("f").highlight_ports == set()
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       to_view(w, q.output_anchor() + QPointF(60, 40)))
    assert w.scene.node_item(r).highlight_ports == set()
    assert len(w.graph.edges()) == 4


def test_cycle_is_refused_with_a_status_message(qtbot, cs_window):
    w = cs_window
    before = dumps(w)
    w.scene.add_op("add", QPointF(0, 400))
    extra = [n for n in w.graph.nodes if n not in ("x", "y", "z", "q", "f")][0]
    # f → extra.a is fine; then extra → … we need a port on an upstream node: disconnect x → q.a
    drag(qtbot, w, w.scene.node_item("f").output_anchor(),
         w.scene.node_item(extra).input_anchor("a"))
    assert ("f", extra, "a") in w.graph.edges()
    # now try extra → q.a, which is occupied; first free it
    drag(qtbot, w, w.scene.node_item("q").input_anchor("a"), QPointF(-400, -400))
    assert w.graph.source_of("q", "a") is None
    drag(qtbot, w, w.scene.node_item(extra).output_anchor(),
         w.scene.node_item("q").input_anchor("a"))
    assert w.graph.source_of("q", "a") is None
    assert "cycle" in w.statusBar().currentMessage()
    for _ in range(3):
        w.undo_stack.undo()
    assert dumps(w) == before


def test_self_loop_and_occupied_port_are_refused(qtbot, cs_window):
    w = cs_window
    edges = w.graph.edges()
    q = w.scene.node_item("q")
    drag(qtbot, w, q.output_anchor(), q.input_anchor("b"))
    assert w.graph.edges() == edges
    assert "Cannot connect q → q.b" in w.statusBar().currentMessage()
    z = w.scene.node_item("z")
    drag(qtbot, w, z.output_anchor(), q.input_anchor("a"))
    assert w.graph.edges() == edges
    assert "already connected" in w.statusBar().currentMessage()


def test_dragging_an_edge_end_off_its_port_disconnects(qtbot, cs_window):
    w = cs_window
    f = w.scene.node_item("f")
    drag(qtbot, w, f.input_anchor("b"), f.input_anchor("b") + QPointF(-80, 160))
    assert w.graph.source_of("f", "b") is None
    assert w.scene.edge_item("z", "f", "b") is None
    assert w.undo_stack.undoText().startswith("Disconnect z → f.b")
    w.undo_stack.undo()
    assert w.graph.source_of("f", "b") == "z"


def test_dragging_an_edge_end_to_another_port_reconnects_in_one_step(qtbot, cs_window):
    w = cs_window
    before = dumps(w)
    r = w.scene.add_op("sigmoid", QPointF(600, 400))
    count = w.undo_stack.count()
    q = w.scene.node_item("q")
    drag(qtbot, w, q.input_anchor("b"), w.scene.node_item(r).input_anchor("z"))
    assert w.graph.source_of("q", "b") is None
    assert w.graph.source_of(r, "z") == "y"
    assert w.undo_stack.count() == count + 1
    w.undo_stack.undo()
    w.undo_stack.undo()
    assert dumps(w) == before
