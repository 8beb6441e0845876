"""Backprop exercises in the editor: Exercise ▸ New from this graph for the teacher, and for the
student the blanks on the canvas, Check, hints and Reveal (engine/exercise computes and judges
every answer; this package only shows them).

MainWindow calls ``install_exercise(window)`` once.
"""

from __future__ import annotations


def install_exercise(window):
    """Add the Exercise menu and the exercise mode to ``window``; return the mode. Installing
    twice returns the first one."""
    if getattr(window, "exercise", None) is not None:
        return window.exercise
    from backprop_studio.gui.exercise.mode import ExerciseMode
    window.exercise = ExerciseMode(window)
    return window.exercise
