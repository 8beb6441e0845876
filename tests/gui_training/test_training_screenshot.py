"""A picture of training in progress on the spirals: loss falling, the decision boundary taking
shape under the points, gradient norms per layer. Written to tests/screenshots/ (git-ignored);
a copy of one such picture is resources/screenshots/training.png, shown in README."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtTest import QTest
from training_helpers import open_example

from backprop_studio.engine import datasets

SHOTS = Path(__file__).resolve().parents[1] / "screenshots"


class PauseMidway(QObject):
    """Clicks Pause once the plot has 1,800 steps (a QObject, so the slot runs on the GUI
    thread, after the controller's own handler of the same batch)."""

    def __init__(self, controller):
        super().__init__()
        self.controller = controller

    @Slot(object)
    def check(self, _progress) -> None:
        c = self.controller
        if c.state == "running" and c.view.loss_plot.count >= 1800:
            QTest.mouseClick(c.panel.pause_button, Qt.LeftButton)


def test_screenshot_of_spirals_training(qtbot, studio):
    window, controller = studio
    window.resize(1500, 1000)
    open_example(window, "spirals_mlp.json")
    controller.dock.raise_()
    window.resizeDocks([controller.dock], [430], Qt.Vertical)
    assert controller.panel.settings().dataset == "spirals"
    pauser = PauseMidway(controller)
    controller.worker.progress.connect(pauser.check)          # queued to the GUI thread
    with qtbot.waitSignal(controller.run_ended, timeout=120000) as ended:
        qtbot.mouseClick(controller.panel.train_button, Qt.LeftButton)
    assert ended.args == ["paused"]
    assert 1800 <= controller.run_done < 3000
    plot = controller.view.boundary_plot
    assert plot.mode == "plane"
    # the image is the model's output over the plane, for the parameters of the last step
    np.testing.assert_allclose(plot.values, np.clip(controller.mirror.predict(plot.grid)[:, 0],
                                                    0, 1))
    ds = datasets.builtin("spirals")
    accuracy = np.mean((controller.mirror.predict(ds.X) > 0.5) == (ds.Y > 0.5))
    assert accuracy >= 0.75
    assert plot.values.min() < 0.1 and plot.values.max() > 0.9     # both classes are there
    qtbot.wait(50)
    SHOTS.mkdir(exist_ok=True)
    path = SHOTS / "training_spirals.png"
    assert window.grab().save(str(path))
    assert path.stat().st_size > 50_000
