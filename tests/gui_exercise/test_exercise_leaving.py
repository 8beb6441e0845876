"""Opening another graph while an exercise is open: the old exercise closes cleanly (its
blanks went with the old scene), the new graph runs, a new exercise shows its own blanks."""

from __future__ import annotations

import pytest
from exercise_helpers import student_files

from backprop_studio.engine import fileformat

EX = fileformat.EXAMPLES


@pytest.fixture
def two_students(tmp_path):
    return student_files(tmp_path, [{"id": "s01", "name": "Ada"}, {"id": "s02", "name": "Bob"}])


def _open_exercise(make_window, path):
    window = make_window()
    assert window.open_path(path)
    mode = window.exercise
    assert mode.active and mode.blanks
    mode.focus(mode.blanks[1])                 # a blank with the keyboard in it
    return window, mode


@pytest.mark.parametrize("how", ["open", "example", "new"])
def test_another_graph_after_an_exercise_runs_normally(make_window, two_students, how):
    window, mode = _open_exercise(make_window, two_students[0])
    if how == "open":
        assert window.open_path(EX / "sigmoid_neuron.json")
    elif how == "example":
        assert window.files.open_example(EX / "sigmoid_neuron.json")
    else:
        assert window.files.new()
    assert not mode.active and mode.blanks == [] and mode.given == []
    assert not mode.dock.isVisible() and mode.panel.title.text() == ""
    assert window.actions["run"].isEnabled()
    if how != "new":
        assert window.run_graph() is not None and window.last_result is not None
    mode.reveal()                              # nothing to reveal: no traceback, no change
    assert "exercise" not in window.graph.nx.graph


def test_a_second_exercise_shows_its_own_blanks_and_student(make_window, two_students):
    window, mode = _open_exercise(make_window, two_students[0])
    assert window.open_path(two_students[1])
    assert mode.active and mode.panel.title.text() == "Add and multiply — Bob"
    assert all(b.scene() is window.scene for b in mode.blanks)
    assert len(mode.blanks) == 5
    assert not window.actions["run"].isEnabled()
