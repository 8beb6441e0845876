"""File ▸ Export ▸ Animation… while an exercise is open says the exercise locks it until Reveal
(not that the graph does not run), before asking where to write; after Reveal it is allowed."""

from __future__ import annotations

import pytest

from backprop_studio.engine import GraphError, fileformat
from backprop_studio.engine.exercise import model
from backprop_studio.engine.exercise.model import Exercise
from backprop_studio.gui.exercise.lock import ANIMATION_LOCKED

EX = fileformat.EXAMPLES


@pytest.fixture
def exercise_file(tmp_path):
    g = fileformat.load(EX / "cs231n_add_multiply.json")
    model.store(g, Exercise(passes=[{"kind": "all_gradients"}]))
    path = tmp_path / "ex.json"
    fileformat.save(g, path)
    return path


def test_export_animation_says_the_exercise_locks_it(make_window, exercise_file, monkeypatch):
    from backprop_studio.gui.export_animation import dialog
    asked = []
    monkeypatch.setattr(dialog, "ask", lambda window: asked.append(1))
    window = make_window()
    assert window.open_path(exercise_file)
    shown = window.refusal_box.shown
    window.actions["export_animation"].trigger()
    assert window.refusal_box.shown == shown + 1
    assert ANIMATION_LOCKED in window.refusal_box.box.text()
    assert "does not run" not in window.refusal_box.box.text()
    assert asked == []                                   # no file dialog first
    ex = model.of_graph(window.graph)
    ex.revealed = True
    model.store(window.graph, ex)
    window.actions["export_animation"].trigger()
    assert asked == [1]                                  # revealed: the dialog opens


def test_the_offscreen_export_gives_the_same_reason(exercise_file, tmp_path):
    from backprop_studio.gui.export_animation import export_animation
    with pytest.raises(GraphError, match="the exercise locks the animation"):
        export_animation(tmp_path / "a.gif", exercise_file, "gif", size=(320, 200))
    assert not (tmp_path / "a.gif").exists()
