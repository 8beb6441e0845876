"""A loss that explodes (over 1000× its first value) gets a warning with the hint "lower the
learning rate" in the Training dock and the status bar; a run that then overflows to NaN says
both. A loss that only falls gets no warning."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from training_helpers import wait_run

from backprop_studio.engine.api import Graph
from backprop_studio.gui.training import explosion


def line_fit(lr: float, steps: int) -> Graph:
    """ŷ = w·x + b on the noisy line by SGD: at lr 5 each step overshoots more than the last
    (the loss overflows at step 254); at lr 0.1 it converges."""
    g = Graph()
    x = g.input("x", [[0.0]], feed="features")
    y = g.input("y", [[0.0]], feed="targets")
    z = g.dense(x, 1, 1, label="line z", seed=0)
    g.set_output(g.mse(z, y, label="squared error"))
    g.training(dataset="line", optimizer="sgd", lr=lr, batch_size=32, steps=steps, seed=0)
    return g


def train_line(qtbot, studio, lr: float):
    """Train a line fit for 100 steps at ``lr`` through the dock's Train button."""
    window, controller = studio
    window.set_graph(line_fit(lr, 100), None, "line")
    controller.panel.steps.setValue(100)
    qtbot.mouseClick(controller.panel.train_button, Qt.LeftButton)
    assert wait_run(qtbot, controller) == "ready"
    return window, controller


def test_exploded_compares_with_the_first_loss():
    assert explosion.exploded(2.0, [1.0, 1999.0, 2000.0]) is None
    assert explosion.exploded(2.0, [1.0, 2000.5, 1e9]) == 2000.5
    assert explosion.exploded(2.0, [math.nan, math.inf]) is None    # NaN stops the run itself
    assert explosion.exploded(0.0, [1e9]) is None                    # no baseline
    assert explosion.exploded(math.nan, [1e9]) is None
    text = explosion.warning(2.0, 4e3, 5.0)
    assert "lower the learning rate" in text and "5" in text and "4e+03" in text


def test_an_exploding_loss_warns_with_the_hint(qtbot, studio):
    window, controller = train_line(qtbot, studio, 5.0)
    history = controller.trainer.history
    assert len(history) == 100 and max(history) > 1000 * history[0]
    message = controller.panel.message.text()
    assert "lower the learning rate" in message and "exploding" in message
    assert "lower the learning rate" in window.statusBar().currentMessage()


def test_a_loss_that_overflows_says_it_exploded_beside_the_nan(qtbot, studio):
    window, controller = studio
    window.set_graph(line_fit(5.0, 10_000), None, "line")
    with qtbot.waitSignal(controller.failed, timeout=20000):
        qtbot.mouseClick(controller.panel.train_button, Qt.LeftButton)
    message = controller.panel.message.text()
    assert "NaN or an infinite value" in message and "lower the learning rate" in message


def test_a_converging_loss_gets_no_warning(qtbot, studio):
    window, controller = train_line(qtbot, studio, 0.1)
    assert controller.trainer.history[-1] < controller.trainer.history[0]
    assert controller.explosion is None
    assert "learning rate" not in controller.panel.message.text()
