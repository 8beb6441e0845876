"""The inspector refuses bad values with a message and keeps the old value; text typed into
an editor is not committed over an undo (which wiped the redo history, so a redo brought back
an older value); labels are shown as typed, never as HTML."""

from __future__ import annotations

import math

import pytest
from editor_helpers import dumps
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel

from backprop_studio.engine import GraphError

HOSTILE = "<b>x</b><img/src='file:///etc/passwd'>"      # no space: formulas use it whole


def select(window, node):
    window.scene.clearSelection()
    window.scene.node_item(node).setSelected(True)
    window.inspector.rebuild()
    return window.inspector


def type_into(qtbot, widget, text: str, enter: bool) -> None:
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus)
    widget.selectAll()
    QTest.keyClicks(widget, text)
    if enter:
        QTest.keyClick(widget, Qt.Key.Key_Return)


@pytest.fixture
def power_window(window, qtbot):
    window.activateWindow()
    node = window.scene.add_op("power", QPointF(0, 0))
    window.undo_stack.clear()
    return window, node


def test_typed_but_not_entered_text_does_not_land_on_top_of_an_undo(qtbot, power_window):
    w, n = power_window
    p = lambda: w.graph.node(n)["config"]["p"]            # noqa: E731
    type_into(qtbot, select(w, n).config_widgets["p"], "-300000", enter=True)
    type_into(qtbot, select(w, n).config_widgets["p"], "0", enter=True)
    assert p() == 0.0 and w.undo_stack.count() == 2
    type_into(qtbot, select(w, n).config_widgets["p"], "7", enter=False)   # not entered
    w.actions["undo"].trigger()
    qtbot.wait(10)                                         # the inspector rebuilds
    assert p() == -300000.0
    assert w.undo_stack.index() == 1 and w.undo_stack.canRedo()
    w.actions["redo"].trigger()
    qtbot.wait(10)
    assert p() == 0.0                                      # not −300000 and not 7
    assert [w.undo_stack.command(i).text() for i in range(2)] == [
        "Set power.p = -300000.0", "Set power.p = 0.0"]


def test_a_label_typed_but_not_entered_does_not_land_on_top_of_an_undo(qtbot, power_window):
    w, n = power_window
    type_into(qtbot, select(w, n).label_edit, "first", enter=True)
    qtbot.wait(10)
    type_into(qtbot, select(w, n).label_edit, "second", enter=False)
    w.actions["undo"].trigger()
    qtbot.wait(10)
    assert w.graph.label(n) == "power" and w.undo_stack.canRedo()
    w.actions["redo"].trigger()
    assert w.graph.label(n) == "first"


@pytest.mark.parametrize("key, value, reason", [
    ("p", math.nan, "p must be a finite number, got nan"),
    ("p", math.inf, "p must be a finite number, got inf"),
    ("p", "2", "p must be a number, got '2'"),
    ("p", True, "p must be a number, got True"),
    ("p", [2.0], "p must be a number, got [2.0]"),
    ("p", 1e7, "p must be between -1,000,000 and 1,000,000, got 10,000,000"),
])
def test_a_bad_setting_is_refused_with_a_message_and_the_old_value_stays(power_window, key,
                                                                         value, reason):
    w, n = power_window
    before = dumps(w)
    assert not w.set_config(n, key, value)
    assert dumps(w) == before and w.undo_stack.count() == 0
    assert reason in w.statusBar().currentMessage()


@pytest.mark.parametrize("key, value, reason", [
    ("units", 0, "units must be between 1 and 4,194,304, got 0"),
    ("units", 2.5, "units must be a whole number, got 2.5"),
    ("in_features", -3, "in_features must be between 1 and 4,194,304, got -3"),
    ("seed", "7", "seed must be a whole number, got '7'"),
])
def test_a_bad_dense_setting_is_refused(window, key, value, reason):
    n = window.scene.add_op("dense", QPointF(0, 0))
    before, count = dumps(window), window.undo_stack.count()
    assert not window.set_config(n, key, value)
    assert dumps(window) == before and window.undo_stack.count() == count
    assert reason in window.statusBar().currentMessage()


def test_a_parameter_shape_too_large_to_allocate_is_refused(window):
    n = window.scene.add_op("parameter", QPointF(0, 0))
    before = dumps(window)
    assert not window.set_config(n, "shape", [4096, 4096, 4096])
    assert dumps(window) == before
    assert "declares 68,719,476,736 elements; a tensor may hold at most 4,194,304" in \
        window.statusBar().currentMessage()
    assert window.set_config(n, "shape", [2, 3])
    assert window.graph.node(n)["tensors"]["value"].shape == (2, 3)


def test_an_engine_refusal_of_a_setting_is_a_message_and_the_editor_shows_the_old_value(
        qtbot, power_window, monkeypatch):
    """Whatever the graph refuses (its registry's ranges), the inspector says so in the status
    bar and shows the value that stayed."""
    w, n = power_window
    graph = w.graph

    def refuse(node, key, value):
        raise GraphError(f"{key} must be at most 100", node)
    monkeypatch.setattr(graph, "set_config", refuse)
    spin = select(w, n).config_widgets["p"]
    type_into(qtbot, spin, "500", enter=True)
    assert "p must be at most 100" in w.statusBar().currentMessage()
    assert graph.node(n)["config"]["p"] == 2.0 and w.undo_stack.count() == 0
    qtbot.waitUntil(lambda: w.inspector.config_widgets["p"].value() == 2.0)


def test_bad_tensor_values_from_any_caller_are_refused(cs_window):
    w = cs_window
    before = dumps(w)
    for bad in (math.nan, [1.0, math.inf], [[1.0, 2.0], [3.0]], "abc", None, [], {"a": 1}):
        assert not w.set_tensor("x", "value", bad)
        assert "Refused: value" in w.statusBar().currentMessage()
    assert dumps(w) == before and w.undo_stack.count() == 0


def test_bad_positions_are_refused(cs_window):
    w = cs_window
    before = dumps(w)
    for bad in ((math.nan, 0.0), (1e400, 0.0), ("a", 1.0)):
        assert not w.move_nodes({"x": bad})
    assert dumps(w) == before
    assert w.move_nodes({"x": (5.0, 6.0)}) and w.graph.node("x")["pos"] == [5.0, 6.0]


# ---------------------------------------------------------------- labels as plain text
def shown_as(html: str) -> str:
    """What a rich-text place (a tooltip) displays for ``html``."""
    doc = QTextDocument()
    doc.setHtml(html)
    return doc.toPlainText()


def test_a_label_is_never_read_as_html(qtbot, cs_window):
    w = cs_window
    assert w.rename("q", HOSTILE)
    item = w.scene.node_item("q")
    assert HOSTILE in shown_as(item.toolTip())             # the characters, not a bold x
    ins = select(w, "q")
    assert ins.label_edit.text() == HOSTILE
    # the edge page names both ends by label
    w.scene.clearSelection()
    w.scene.edge_item("q", "f", "a").setSelected(True)
    w.inspector.rebuild()
    labels = [lab for lab in w.inspector.findChildren(QLabel) if HOSTILE in lab.text()]
    assert labels and all(lab.textFormat() == Qt.TextFormat.PlainText for lab in labels)


def test_an_engine_error_naming_a_label_is_plain_in_the_tooltip(cs_window):
    w = cs_window
    w.rename("q", HOSTILE)
    w.disconnect_port("f", "a")
    assert w.run_graph() is None
    assert "Error:" in shown_as(w.scene.node_item("f").toolTip())
    assert "<b>" not in shown_as(w.scene.node_item("f").toolTip())


def test_the_animation_explanation_shows_labels_as_typed(qtbot, cs_window):
    w = cs_window
    w.rename("q", HOSTILE)
    w.run_graph()
    panel, ctl = w.animation.panel, w.animation.controller
    for label in (panel.title, panel.body, panel.step_label):
        assert label.textFormat() == Qt.TextFormat.PlainText
    w.animation.dock.raise_()
    qtbot.waitUntil(panel.isVisible)
    seen = []
    w.animation.home()
    for _ in range(len(ctl)):
        w.animation.step_forward()
        qtbot.wait(1)
        seen.append(panel.title.text() + "\n" + panel.body.text())
    assert any(HOSTILE in text for text in seen)
