"""Helpers for the Training dock tests (a uniquely named module: tests/gui has a conftest too)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "resources" / "examples"


def open_example(window, name: str):
    assert window.open_path(str(EXAMPLES / name))
    return window.training


def train_until_plotted(qtbot, window, name: str = "spirals_mlp.json", steps: int = 100):
    """Open an example, press Train for a run far too long to finish, and wait until the loss
    plot holds ``steps`` losses: training is running, in its child process."""
    from PySide6.QtCore import Qt

    controller = open_example(window, name)
    controller.panel.steps.setValue(10_000_000)
    qtbot.mouseClick(controller.panel.train_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: controller.view.loss_plot.count > steps, timeout=120000)
    return controller


def wait_run(qtbot, controller, timeout=120000):
    """Block until the current run ends; return how it ended."""
    with qtbot.waitSignal(controller.run_ended, timeout=timeout) as blocker:
        pass
    return blocker.args[0]


def tensors(graph, names):
    return [np.array(graph.node(n)["tensors"][t], dtype=float) for n, t in names]


def release(window, controller) -> None:
    """Stop training, then empty the undo stack while the window is alive: MainWindow's
    undo-stack lambdas would otherwise run on a deleted window when the stack is destroyed."""
    controller.shutdown()
    window.undo_stack.clear()
