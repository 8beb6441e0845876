"""Fixtures for the Training dock tests: a real main window with the dock installed, settings
isolated per test, and helpers that wait for a run to end."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "resources" / "examples"


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("BACKPROP_STUDIO_SETTINGS", str(tmp_path / "settings" / "studio.ini"))


@pytest.fixture
def studio(qtbot):
    """(window, controller) with no file open; the window never asks about unsaved changes."""
    from gui.main_window import MainWindow
    from gui.training import install

    window = MainWindow()
    window.files.ask_unsaved = lambda: "discard"
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    controller = getattr(window, "training", None) or install(window)
    yield window, controller
    release(window, controller)


def open_example(window, name: str):
    assert window.open_path(str(EXAMPLES / name))
    return window.training


def wait_run(qtbot, controller, timeout=20000):
    """Block until the current run ends; return how it ended."""
    with qtbot.waitSignal(controller.run_ended, timeout=timeout) as blocker:
        pass
    return blocker.args[0]


def tensors(graph, names):
    return [np.array(graph.node(n)["tensors"][t], dtype=float) for n, t in names]


@pytest.fixture
def make_second_window(qtbot):
    from gui.main_window import MainWindow
    from gui.training import install
    made = []

    def make():
        window = MainWindow()
        window.files.ask_unsaved = lambda: "discard"
        qtbot.addWidget(window)
        window.show()
        made.append(getattr(window, "training", None) or install(window))
        return window
    yield make
    for controller in made:
        release(controller.window, controller)


def release(window, controller) -> None:
    """Stop training, then empty the undo stack while the window is alive: MainWindow's
    undo-stack lambdas would otherwise run on a deleted window when the stack is destroyed."""
    controller.shutdown()
    window.undo_stack.clear()
