"""XOR from the panel: Adam reaches a low loss, the same every time, every step is plotted, the
trained parameters go into the graph as one undo step."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from training_helpers import open_example, tensors

from backprop_studio import engine
from backprop_studio.engine import datasets
from backprop_studio.engine.train import fed_inputs


def train_xor(qtbot, window):
    controller = open_example(window, "xor_mlp.json")
    s = controller.panel.settings()
    assert (s.dataset, s.optimizer, s.lr, s.batch_size, s.steps, s.seed) == \
        ("xor", "adam", 0.1, 4, 1000, 0)
    with qtbot.waitSignal(controller.run_ended, timeout=120000) as ended:
        qtbot.mouseClick(controller.panel.train_button, Qt.LeftButton)
    assert ended.args == ["ready"]
    return controller


def test_adam_on_xor_reaches_low_loss_and_plots_every_step(qtbot, studio):
    window, _ = studio
    before = tensors(window.graph, window.graph.trainable())
    controller = train_xor(qtbot, window)
    tr = controller.trainer
    assert len(tr.history) == 1000
    assert controller.view.loss_plot.count == 1000
    np.testing.assert_array_equal(controller.view.loss_plot.losses(), tr.history)
    assert tr.full_loss() < 0.05
    assert controller.best == min(tr.history)
    # the gradient-norm plot: every one of the first 200 steps, then every tenth
    norms = controller.view.norm_plot.norms()
    assert norms.shape == (200 + 80, 1 + len(tr.names))
    assert np.all(norms[:, 1:] > 0)
    # the trained parameters are in the graph, as one undo step
    for have, want in zip(tensors(window.graph, tr.names), tr.params):
        np.testing.assert_array_equal(have, want)
    assert window.undo_stack.count() == 1
    assert window.undo_stack.text(0) == "Train 1,000 steps"
    window.undo_stack.undo()
    for have, want in zip(tensors(window.graph, tr.names), before):
        np.testing.assert_array_equal(have, want)
    assert controller.state == "idle"          # the undo was an edit: the trainer is gone
    window.undo_stack.redo()
    assert tensors(window.graph, tr.names)[0][0, 0] == tr.params[0][0, 0]


def test_training_is_deterministic(qtbot, studio, make_second_window):
    window, _ = studio
    first = train_xor(qtbot, window).trainer.history
    other = make_second_window()
    second = train_xor(qtbot, other).trainer.history
    assert first == second
    assert first[-1] < 0.01


def test_after_training_the_canvas_shows_the_batch(qtbot, studio):
    window, _ = studio
    controller = train_xor(qtbot, window)
    result = window.last_result
    assert result is not None and result.trace          # with the trace, for the animation
    ds = datasets.builtin("xor")
    feeds = fed_inputs(window.graph)
    expected = engine.run(window.graph, {feeds["features"]: ds.X, feeds["targets"]: ds.Y})
    assert result.loss == expected.loss
    assert abs(result.loss - controller.trainer.full_loss()) < 1e-12
    assert "1,000" in controller.panel.stats.text()
