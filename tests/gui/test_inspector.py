"""The inspector: label, output, settings and tensors editable through undo commands; bad input
refused with a reason; values, gradients, heatmaps and an edge's upstream/local/downstream."""

from __future__ import annotations

import numpy as np
import pytest
from editor_helpers import EXAMPLES, dumps
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from backprop_studio.gui.tensor_editor import parse_tensor


def select(window, node):
    window.scene.clearSelection()
    window.scene.node_item(node).setSelected(True)
    window.inspector.rebuild()
    return window.inspector


def test_rename_through_the_label_box(cs_window):
    ins = select(cs_window, "q")
    ins.label_edit.setText("sum")
    ins.label_edit.editingFinished.emit()
    assert cs_window.graph.label("q") == "sum"
    assert cs_window.scene.node_item("q").label == "sum"
    assert cs_window.undo_stack.undoText() == "Rename q to sum"
    ins = select(cs_window, "q")
    ins.label_edit.setText("   ")
    ins.label_edit.editingFinished.emit()
    assert cs_window.graph.label("q") == "sum"
    assert "label cannot be empty" in cs_window.statusBar().currentMessage()


def test_a_scalar_has_one_editor_its_text_line(cs_window):
    from PySide6.QtWidgets import QAbstractSpinBox, QLineEdit
    w = cs_window
    ins = select(w, "x")
    editor = ins.editors["value"]
    assert editor.findChildren(QAbstractSpinBox) == []
    assert editor.findChildren(QLineEdit) == [editor.text]
    assert editor.text.text() == "-2.0"
    editor.text.setText("1.5")
    editor.text.editingFinished.emit()                  # leaving the field applies it
    assert w.graph.node("x")["tensors"]["value"] == 1.5
    count = w.undo_stack.count()
    editor = select(w, "x").editors["value"]
    editor.text.setText("2.5")
    editor.text.returnPressed.emit()
    editor.text.editingFinished.emit()                  # Enter, then focus leaves: one step
    assert w.graph.node("x")["tensors"]["value"] == 2.5
    assert w.undo_stack.count() == count + 1
    assert w.undo_stack.undoText() == "Edit x.value"
    editor = select(w, "x").editors["value"]
    editor.enter_text("[1, 2, 3]")                      # text may change the shape
    assert np.array_equal(w.graph.node("x")["tensors"]["value"], [1.0, 2.0, 3.0])


@pytest.mark.parametrize("text,reason", [
    ("abc", "not a number"),
    ("[1, [2, 3]]", "same length"),
    ("[[1, 2], [3]]", "same length"),
    ("NaN", "finite"),
    ("[1, Infinity]", "finite"),
    ("[]", "empty"),
    ('"7"', "not a number"),
    ("", "enter a number"),
])
def test_bad_tensor_text_is_refused_and_explained(cs_window, text, reason):
    w = cs_window
    before = dumps(w)
    count = w.undo_stack.count()
    editor = select(w, "x").editors["value"]
    editor.enter_text(text)
    assert dumps(w) == before and w.undo_stack.count() == count
    assert not editor.error.isHidden()
    assert editor.error.text().startswith("Refused:") and reason in editor.error.text()
    with pytest.raises(ValueError):
        parse_tensor(text)


def test_matrix_table_edits_cells_and_refuses_bad_cells(window):
    w = window
    w.open_path(EXAMPLES / "xor_mlp.json")
    ins = select(w, "dense")
    table = ins.editors["W"].table
    W = np.array(w.graph.node("dense")["tensors"]["W"])
    assert (table.rowCount(), table.columnCount()) == W.shape
    table.item(1, 0).setText("0.25")
    W[1, 0] = 0.25
    assert np.array_equal(w.graph.node("dense")["tensors"]["W"], W)
    ins = select(w, "dense")
    editor = ins.editors["W"]
    editor.table.item(0, 0).setText("zebra")
    assert np.array_equal(w.graph.node("dense")["tensors"]["W"], W)
    assert editor.table.item(0, 0).text() == f"{W[0, 0]:.6g}"
    assert "“zebra” is not a finite number" in editor.error.text()


def test_settings_edit_and_bad_shape_refused(window):
    w = window
    w.open_path(EXAMPLES / "xor_mlp.json")
    units = select(w, "dense").config_widgets["units"]
    units.setValue(3)
    assert w.graph.node("dense")["config"]["units"] == 3
    assert np.shape(w.graph.node("dense")["tensors"]["W"]) == (2, 3)
    from backprop_studio.gui import commands
    cmd = commands.AddNode(w.graph, "parameter", (0, 600), node_id="p")
    commands.push(w.undo_stack, cmd)
    shape = select(w, "p").config_widgets["shape"]
    before = dumps(w)
    shape.setText("[2, -1]")
    shape.editingFinished.emit()
    assert dumps(w) == before
    assert "positive whole numbers" in w.statusBar().currentMessage()
    shape = select(w, "p").config_widgets["shape"]
    shape.setText("[2, 3]")
    shape.editingFinished.emit()
    assert np.shape(w.graph.node("p")["tensors"]["value"]) == (2, 3)


def test_output_checkbox(cs_window):
    w = cs_window
    ins = select(w, "q")
    from PySide6.QtWidgets import QCheckBox
    box = ins.widget().findChild(QCheckBox)
    assert not box.isChecked()
    box.setChecked(True)
    assert w.graph.output == "q"
    assert w.run_graph().grads["q"] == 1.0


def test_value_gradient_and_heatmaps(window):
    w = window
    w.open_path(EXAMPLES / "xor_mlp.json")
    result = w.run_graph()
    ins = select(w, "dense")
    from PySide6.QtWidgets import QLabel
    texts = [label.text() for label in ins.widget().findChildren(QLabel)]
    assert "value" in texts and "gradient ∂L/∂out" in texts and "∂L/∂W" in texts
    from backprop_studio.gui.heatmap import Heatmap
    heatmaps = ins.widget().findChildren(Heatmap)
    assert len(heatmaps) >= 2                    # value (batch × units) and ∂L/∂W at least
    image = heatmaps[0].image.image
    assert image.shape == np.shape(result.values["dense"])


def test_edge_shows_upstream_local_downstream(cs_window):
    w = cs_window
    w.run_graph()
    w.scene.clearSelection()
    w.scene.edge_item("q", "f", "a").setSelected(True)
    from PySide6.QtWidgets import QLabel
    texts = [label.text() for label in w.inspector.widget().findChildren(QLabel)]
    joined = "\n".join(texts)
    assert "Edge q → f.a" in joined
    i = texts.index("upstream ∂L/∂f")
    assert texts[i + 1] == "1"
    assert texts[i + 2] == "local ∂f/∂a = b" and texts[i + 3] == "−4"
    assert texts[i + 4].startswith("downstream") and texts[i + 5] == "−4"


def test_inspector_with_keyboard_does_not_delete_nodes(qtbot, cs_window):
    w = cs_window
    ins = select(w, "q")
    ins.label_edit.setFocus()
    QTest.keyClick(ins.label_edit, Qt.Key.Key_Backspace)
    QTest.keyClick(ins.label_edit, Qt.Key.Key_F)
    assert len(w.graph) == 5 and ins.label_edit.text() == "f"


# ------------------------------------------------------------ responsiveness: work done per event
def mnist_graph():
    from backprop_studio.engine.api import Graph
    return Graph.mlp([784, 128, 64, 10], batch=64)


def test_repeated_results_refresh_only_the_result_section(qtbot, window):
    from backprop_studio import engine
    from backprop_studio.gui.heatmap import Heatmap
    from backprop_studio.gui.tensor_editor import TensorEditor
    w = window
    w.open_path(EXAMPLES / "xor_mlp.json")
    first = w.run_graph()
    ins = select(w, "dense")
    editors, builds = dict(ins.editors), ins.page_builds
    made = TensorEditor.constructed
    heatmaps = ins.widget().findChildren(Heatmap)
    for _ in range(5):                         # what training does once a second
        result = engine.run(w.graph, trace=False)
        w.show_result(result)
        qtbot.wait(1)                          # the queued inspector refresh
    assert TensorEditor.constructed == made and ins.page_builds == builds
    assert ins.editors == editors
    assert ins.widget().findChildren(Heatmap) == heatmaps      # the same heatmaps, new numbers
    assert heatmaps[0].image.image.shape == np.shape(first.values["dense"])
    w.scene.clearSelection()
    w.scene.node_item("dense_1").setSelected(True)             # a new selection rebuilds
    assert ins.page_builds > builds and ins.node == "dense_1"


def test_training_write_back_updates_editors_in_place(qtbot, window):
    from backprop_studio.gui.tensor_editor import TensorEditor
    w = window
    w.open_path(EXAMPLES / "xor_mlp.json")
    w.run_graph()
    ins = select(w, "dense")
    W = np.array(w.graph.node("dense")["tensors"]["W"]) + 1.0
    made, builds = TensorEditor.constructed, ins.page_builds
    w.graph.set_tensors({("dense", "W"): W})                    # as TrainParams does
    qtbot.wait(1)
    assert TensorEditor.constructed == made and ins.page_builds == builds
    table = ins.editors["W"].table
    assert table.item(1, 0).text() == f"{W[1, 0]:.6g}"
    # a W of another shape than in_features × units says is refused, the editor kept
    ins.editors["W"].enter_text(str(np.zeros(W.shape[1]).tolist()))
    qtbot.wait(1)
    assert "W is 4 but the settings say 2×4" in w.statusBar().currentMessage()
    assert ins.editors["W"].kind == ("table", W.shape)
    np.testing.assert_array_equal(w.graph.node("dense")["tensors"]["W"], W)


def test_large_tensor_editor_is_virtual_and_refuses_bad_cells(qtbot, window):
    from backprop_studio import engine
    from backprop_studio.gui.heatmap import Heatmap
    from backprop_studio.gui.tensor_editor import TensorEditor
    w = window
    w.set_graph(mnist_graph(), None, "mnist")
    w.show_result(engine.run(w.graph, trace=True))
    ins = select(w, "dense")
    editor = ins.editors["W"]
    assert editor.table is None and editor.view is not None
    assert (editor.model.rowCount(), editor.model.columnCount()) == (784, 128)
    assert editor.text.text() == ""                   # 100,352 numbers only when asked for
    assert editor.heatmap is not None and editor.heatmap.image.image.shape == (784, 128)
    assert "784×128" in editor.summary.text()
    model = editor.model
    assert not model.setData(model.index(3, 5), "zebra")
    assert "“zebra” is not a finite number" in editor.error.text()
    assert w.graph.node("dense")["tensors"]["W"][3, 5] == model.flat[3, 5]
    assert model.setData(model.index(3, 5), "0.5")
    assert w.graph.node("dense")["tensors"]["W"][3, 5] == 0.5
    qtbot.wait(1)
    assert ins.editors["W"] is editor and editor.model.data(editor.model.index(3, 5)) == "0.5"
    made, builds = TensorEditor.constructed, ins.page_builds
    for _ in range(3):
        w.show_result(engine.run(w.graph, trace=True))
        qtbot.wait(1)
    assert TensorEditor.constructed == made and ins.page_builds == builds
    assert len(ins.widget().findChildren(Heatmap)) >= 3     # W itself, value, ∂L/∂W
    editor.load_text()
    loaded = parse_tensor(editor.text.text())
    assert np.array_equal(loaded, w.graph.node("dense")["tensors"]["W"])
