"""Hints and Reveal are recorded for good: Ctrl+Z does not take them back (the student would
get the answer free), yet the document is modified so Save and autosave keep them. Reveal asks
first."""

from __future__ import annotations

import pytest
from exercise_helpers import student_files
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from backprop_studio.engine import fileformat
from backprop_studio.engine.exercise import model
from backprop_studio.engine.exercise.model import Exercise, Field

EX = fileformat.EXAMPLES


@pytest.fixture
def student_file(tmp_path):
    return student_files(tmp_path, [{"id": "s01"}])[0]


def _opened(make_window, path):
    window = make_window()
    assert window.open_path(path)
    return window, window.exercise


def _undo_all(window):
    """Edit ▸ Undo (Ctrl+Z) until there is nothing left to undo."""
    for _ in range(10):
        window.actions["undo"].trigger()
    assert not window.undo_stack.canUndo()


def test_ctrl_z_does_not_undo_a_hint_and_the_file_keeps_it(make_window, student_file):
    window, mode = _opened(make_window, student_file)
    mode.focus(mode.blanks[0])
    QTest.keyClicks(window.view, "3")                    # an answer: an undo step
    QTest.keyClick(window.view, Qt.Key.Key_Tab)
    assert window.undo_stack.count() == 1
    mode.focus(mode.blanks[2])                           # ∂f/∂z
    mode.panel.hint_button.click()
    assert window.undo_stack.count() == 1                # the hint is no undo step
    assert not window.undo_stack.isClean() and window.isWindowModified()
    window.view.setFocus()
    window.scene.clearFocus()
    _undo_all(window)
    ex = model.of_graph(window.graph)
    assert ex.answers == {}                              # the answer was undone …
    assert ex.hints_used == [(Field("grad", node="z"), "reveal")]      # … the hint was not
    assert mode.blanks[2].status == "hint"
    assert not window.undo_stack.isClean()
    assert window.files.autosave()                       # the recovery copy has it
    assert window.files.save()
    assert model.of_graph(fileformat.load(student_file)).hints_used == ex.hints_used


def test_reveal_asks_and_cancel_changes_nothing(make_window, student_file, answer_dialog):
    window, mode = _opened(make_window, student_file)
    seen = answer_dialog(QMessageBox.StandardButton.Cancel)
    mode.panel.reveal_button.click()
    assert seen and seen[0].startswith("Reveal all answers? This is recorded in the file")
    assert not model.of_graph(window.graph).revealed
    assert not window.actions["run"].isEnabled()
    assert window.undo_stack.isClean()


def test_ctrl_z_does_not_undo_reveal(make_window, student_file, answer_dialog):
    window, mode = _opened(make_window, student_file)
    mode.focus(mode.blanks[1])
    QTest.keyClicks(window.view, "7")
    QTest.keyClick(window.view, Qt.Key.Key_Tab)
    answer_dialog(QMessageBox.StandardButton.Yes)
    mode.panel.reveal_button.click()
    assert model.of_graph(window.graph).revealed
    window.scene.clearFocus()
    window.view.setFocus()
    _undo_all(window)
    ex = model.of_graph(window.graph)
    assert ex.revealed and ex.answers == {}
    assert all(b.status == "revealed" for b in mode.blanks)
    assert window.actions["run"].isEnabled()
    assert window.files.save()
    assert model.of_graph(fileformat.load(student_file)).revealed


def test_a_new_exercise_over_a_revealed_one_starts_afresh(make_window, student_file,
                                                          answer_dialog):
    window, mode = _opened(make_window, student_file)
    answer_dialog(QMessageBox.StandardButton.Yes)
    mode.reveal()
    assert mode.create(Exercise(passes=[{"kind": "all_gradients"}], title="Again"))
    ex = model.of_graph(window.graph)
    assert ex.title == "Again" and not ex.revealed and ex.hints_used == []
    assert not window.actions["run"].isEnabled()          # locked again
