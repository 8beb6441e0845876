"""The student's side on the real canvas: blanks typed into with key clicks, Tab in working
order, Check's ✓/✗ with the mistake named, hints, Reveal, autosave and reopening; the teacher's
New-exercise dialog."""

from __future__ import annotations

import pytest
from exercise_helpers import student_files
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from backprop_studio.engine import fileformat
from backprop_studio.engine.exercise import model
from backprop_studio.engine.exercise.mistakes import ADD_INPUT
from backprop_studio.engine.exercise.model import Field

EX = fileformat.EXAMPLES


@pytest.fixture
def student_file(tmp_path):
    """Ada's variant of f = (x + y)·z: q's value and every gradient blank; y drawn."""
    return student_files(tmp_path, [{"id": "s01", "name": "Ada"}])[0]


def opened(make_window, path):
    window = make_window()
    assert window.open_path(path)
    mode = window.exercise
    assert mode.active
    return window, mode


def type_into(window, mode, blank, text):
    mode.focus(blank)
    assert window.scene.focusItem() is blank
    QTest.keyClicks(window.view, text)


def unicode_minus(widget):
    """A key press typing "−" (QTest.keyClicks takes ASCII only)."""
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_Minus,
                                                 Qt.KeyboardModifier.NoModifier, "−"))


def labels(window, mode):
    from backprop_studio.engine.exercise.answers import describe
    return [describe(window.graph, b.field) for b in mode.blanks]


def test_blanks_in_working_order_and_tab_follows_it(make_window, student_file):
    window, mode = opened(make_window, student_file)
    assert labels(window, mode) == ["q", "∂f/∂q", "∂f/∂z", "∂f/∂x", "∂f/∂y"]
    y = window.graph.node("y")["tensors"]["value"]
    type_into(window, mode, mode.blanks[0], f"{-2 + y:g}")
    QTest.keyClick(window.view, Qt.Key.Key_Tab)
    assert window.scene.focusItem() is mode.blanks[1]
    unicode_minus(window.view)                           # the Unicode minus is accepted
    QTest.keyClicks(window.view, "4")
    QTest.keyClick(window.view, Qt.Key.Key_Tab)
    assert window.scene.focusItem() is mode.blanks[2]
    QTest.keyClick(window.view, Qt.Key.Key_Backtab)
    assert window.scene.focusItem() is mode.blanks[1]
    answers = model.of_graph(window.graph).answers
    assert answers == {Field("value", node="q"): -2 + y, Field("grad", node="q"): -4.0}
    assert mode.panel.progress.text() == "2 / 5 answered"
    assert not window.undo_stack.isClean()               # an edit: autosave and Save apply


def test_values_sit_above_their_edge_and_gradients_below(make_window, student_file):
    window, mode = opened(make_window, student_file)
    for blank in mode.blanks:
        if blank.field.kind not in ("value", "grad"):
            continue
        edge = next(e for e in window.scene.edge_items() if e.source == blank.field.node)
        mid = edge.path().pointAtPercent(0.5).y()
        box = blank.mapRectToScene(blank.box())
        if blank.field.kind == "value":
            assert box.bottom() <= mid
        else:
            assert box.top() >= mid


def test_check_marks_right_and_wrong_with_signs_and_names_the_mistake(make_window,
                                                                     student_file):
    window, mode = opened(make_window, student_file)
    x = window.graph.node("x")["tensors"]["value"]
    z = window.graph.node("z")["tensors"]["value"]
    by_name = dict(zip(labels(window, mode), mode.blanks))
    type_into(window, mode, by_name["∂f/∂q"], f"{z:g}")
    QTest.keyClick(window.view, Qt.Key.Key_Return)
    type_into(window, mode, by_name["∂f/∂x"], f"{z * x:g}")  # × x where the local is 1
    QTest.keyClick(window.view, Qt.Key.Key_Tab)
    mode.check()
    assert (by_name["∂f/∂q"].status, by_name["∂f/∂q"].mark) == ("right", "✓")
    assert (by_name["∂f/∂x"].status, by_name["∂f/∂x"].mark) == ("wrong", "✗")
    assert ADD_INPUT in by_name["∂f/∂x"].toolTip()
    rows = [mode.panel.found.item(i).text() for i in range(mode.panel.found.count())]
    assert rows[0] == "Checked: ✓ 1 right, ✗ 1 wrong, 2 / 5 answered"
    assert rows[1] == f"✗ ∂f/∂x: {ADD_INPUT}"
    assert by_name["∂f/∂z"].status == "blank" and by_name["∂f/∂z"].mark == ""


def test_run_animation_and_gradient_check_are_locked_until_reveal(make_window, student_file,
                                                                  answer_dialog):
    window, mode = opened(make_window, student_file)
    assert window.run_graph() is None and window.last_result is None
    assert not window.actions["run"].isEnabled()
    assert not window.animation.panel.isEnabled()         # play, steps and the gradient check
    assert not window.training.view.isEnabled()
    window.animation.step_forward()                       # the keys' command: no run either
    assert window.last_result is None
    answer_dialog(QMessageBox.StandardButton.Yes)
    mode.reveal()
    assert model.of_graph(window.graph).revealed
    assert all(b.status == "revealed" for b in mode.blanks)
    assert window.actions["run"].isEnabled() and window.run_graph() is not None
    assert window.animation.panel.isEnabled()


def test_hints_are_recorded_and_show_the_answer_or_the_formula(make_window, student_file):
    window, mode = opened(make_window, student_file)
    by_name = dict(zip(labels(window, mode), mode.blanks))
    mode.focus(by_name["∂f/∂z"])
    mode.hint("reveal")
    q = -2 + window.graph.node("y")["tensors"]["value"]
    assert by_name["∂f/∂z"].toPlainText() == f"{q:g}" and by_name["∂f/∂z"].status == "hint"
    mode.focus(by_name["∂f/∂q"])
    mode.hint("formula")
    assert "∂f/∂a = b" in mode.panel.hint.text()
    used = model.of_graph(window.graph).hints_used
    assert used == [(Field("grad", node="z"), "reveal"), (Field("grad", node="q"), "formula")]


def test_answers_are_saved_in_the_file_and_reopening_continues(make_window, student_file):
    window, mode = opened(make_window, student_file)
    type_into(window, mode, mode.blanks[1], "7")
    QTest.keyClick(window.view, Qt.Key.Key_Tab)
    assert window.files.save()
    again, mode2 = opened(make_window, student_file)
    assert mode2.blanks[1].toPlainText() == "7" and mode2.blanks[0].toPlainText() == ""
    assert mode2.panel.progress.text() == "1 / 5 answered"


def test_a_refused_answer_keeps_the_blank_as_it_was(make_window, student_file):
    window, mode = opened(make_window, student_file)
    type_into(window, mode, mode.blanks[0], "abc")
    QTest.keyClick(window.view, Qt.Key.Key_Tab)
    assert mode.blanks[0].toPlainText() == ""
    assert "not a number" in window.statusBar().currentMessage()
    assert model.of_graph(window.graph).answers == {}


def test_new_exercise_dialog_makes_a_block_that_saves_and_loads(make_window, tmp_path):
    from backprop_studio.gui.exercise.dialog import NewExerciseDialog

    window = make_window()
    assert window.open_path(EX / "sigmoid_neuron.json")
    dialog = NewExerciseDialog(window.graph, window)
    dialog.title.setText("Neuron")
    dialog.digits.setValue(3)
    dialog.hints.setChecked(False)
    dialog.all_gradients.setChecked(False)
    dialog.from_node.setChecked(True)
    dialog.from_combo.setCurrentIndex(dialog.from_combo.findData("multiply"))
    dialog.edge_table.item(0, 1).setCheckState(Qt.CheckState.Checked)
    ex = dialog.exercise()
    assert ex.passes == [{"kind": "backward_from", "node": "multiply"}]
    assert ex.digits == 3 and not ex.hints and ex.title == "Neuron"
    assert [r.node for r in ex.random] == ["x0", "x1"]      # inputs by default
    assert mode_create(window, ex)
    assert window.exercise.active
    assert not window.exercise.panel.hint_button.isEnabled()   # hints not allowed
    path = tmp_path / "neuron.json"
    fileformat.save(window.graph, path)
    back = model.of_graph(fileformat.load(path))
    assert back.to_json() == ex.to_json()


def mode_create(window, ex):
    return window.exercise.create(ex)


def test_a_click_anywhere_in_an_empty_blank_puts_the_keyboard_in_it(make_window, student_file,
                                                                   qtbot):
    window, mode = opened(make_window, student_file)
    blank = mode.blanks[3]
    box = blank.mapRectToScene(blank.box())
    window.view.centerOn(box.center())
    right_part = window.view.mapFromScene(box.right() - 4, box.center().y())
    QTest.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=right_part)
    assert window.scene.focusItem() is blank
    QTest.keyClicks(window.view, "12")
    QTest.keyClick(window.view, Qt.Key.Key_Return)
    assert model.of_graph(window.graph).answers == {blank.field: 12.0}
    assert window.scene.focusItem() is mode.blanks[4]


def test_deleting_a_node_drops_its_blanks_and_the_file_still_loads(make_window, student_file,
                                                                 qtbot, tmp_path):
    window, mode = opened(make_window, student_file)
    type_into(window, mode, mode.blanks[3], "1")          # ∂f/∂x, answered
    QTest.keyClick(window.view, Qt.Key.Key_Tab)
    window.scene.clearSelection()
    window.scene.node_item("x").setSelected(True)
    window.delete()
    block = lambda: window.graph.nx.graph["exercise"]           # noqa: E731
    qtbot.waitUntil(lambda: block()["answers"] == [])            # ∂f/∂x's answer is gone
    assert {"kind": "grad", "node": "x"} not in block()["fields"]
    assert "Cannot open the exercise" in window.statusBar().currentMessage()   # q lacks a
    assert not mode.active and window.actions["run"].isEnabled()               # input now
    path = tmp_path / "edited.json"
    fileformat.save(window.graph, path)
    assert model.of_graph(fileformat.load(path)).fields == [Field("value", node="q")]
    window.undo_stack.undo()                                     # the drop, then the delete
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: mode.active and "x" in [b.field.node for b in mode.blanks])


def test_tab_into_an_answered_blank_and_typing_replaces_its_answer(make_window, student_file):
    window, mode = opened(make_window, student_file)
    type_into(window, mode, mode.blanks[1], "5")
    QTest.keyClick(window.view, Qt.Key.Key_Tab)
    QTest.keyClick(window.view, Qt.Key.Key_Backtab)
    QTest.keyClicks(window.view, "-4")
    QTest.keyClick(window.view, Qt.Key.Key_Tab)
    assert model.of_graph(window.graph).answers == {Field("grad", node="q"): -4.0}
