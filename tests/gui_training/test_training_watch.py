"""Training a student can watch: a slow pace runs a fixed number of steps per tick and shows
each tick on the canvas; the dock shows the current graph only; the bar stays coherent through
Reset and Step; a learning rate like 1e9 is refused; an exploding loss is warned about; the
panel does not scroll when a focused button is disabled."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from test_training_behaviour import line_fit
from training_helpers import open_example, wait_run

from backprop_studio.gui.training.lr_control import LearningRate
from backprop_studio.gui.training.speed import SPEEDS, pace
from backprop_studio.gui.training.view import TrainingView


def test_pace_gives_steps_per_tick():
    assert pace(None) is None
    assert pace(1) == (1000, 1)
    assert pace(5) == (200, 1)
    assert pace(20) == (50, 1)
    assert pace(50) == (60, 3)                 # 3 steps / 0.06 s = 50 steps/s
    assert pace(100) == (50, 5)
    for rate in SPEEDS[:-1]:
        interval, steps = pace(rate)
        assert steps * 1000 / interval == pytest.approx(rate)
        assert interval >= 50                  # the canvas redraws at most 20 times a second


def test_slow_pace_runs_chunks_and_shows_each_on_the_canvas(qtbot, studio):
    window, _ = studio
    controller = open_example(window, "xor_mlp.json")
    panel = controller.panel
    panel.speed.set_rate(50)
    assert panel.speed.label.text() == "50 steps/s" and controller.speed == 50
    panel.steps.setValue(10)
    qtbot.mouseClick(panel.train_button, Qt.LeftButton)
    controller.ticker.stop()                   # the test drives the ticks itself
    assert controller.state == "running" and controller.slow
    seen = []
    for expected in (3, 6, 9):
        assert controller.worker.wait_idle(20.0)
        tr = controller.trainer
        assert len(tr.history) == controller.run_done == expected
        assert controller.view.loss_plot.count == expected
        assert panel.progress.text() == f"{expected} / 10 steps"
        assert controller.state == "running"
        # the canvas shows this chunk's values: the mirror's forward pass with its parameters
        result = window.last_result
        assert result is not None and result.loss is not None
        seen.append(result.loss)
        controller._tick()
    with qtbot.waitSignal(controller.run_ended, timeout=20000) as ended:
        controller.worker.wait_idle(20.0)
    assert ended.args == ["ready"] and len(controller.trainer.history) == 10
    assert panel.progress.text() == "10 / 10 steps"
    assert len(set(seen)) == 3                 # every tick showed new values


def test_pause_between_slow_ticks_pauses_at_once(qtbot, studio):
    window, _ = studio
    controller = open_example(window, "xor_mlp.json")
    controller.panel.speed.set_rate(1)
    controller.panel.steps.setValue(100)
    qtbot.mouseClick(controller.panel.train_button, Qt.LeftButton)
    controller.ticker.stop()
    assert controller.worker.wait_idle(20.0)
    assert len(controller.trainer.history) == 1
    with qtbot.waitSignal(controller.run_ended, timeout=5000) as ended:
        qtbot.mouseClick(controller.panel.pause_button, Qt.LeftButton)
    assert ended.args == ["paused"] and controller.run_done == 1
    assert window.undo_stack.text(window.undo_stack.count() - 1) == "Train 1 step"


def test_changing_the_pace_while_running_goes_on_at_the_new_pace(qtbot, studio):
    window, _ = studio
    controller = open_example(window, "spirals_mlp.json")
    controller.panel.steps.setValue(10_000_000)
    qtbot.mouseClick(controller.panel.train_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: controller.view.loss_plot.count > 100, timeout=10000)
    assert not controller.slow
    controller.panel.speed.set_rate(5)
    qtbot.waitUntil(lambda: controller.slow and controller.state == "running", timeout=10000)
    n = controller.run_done
    assert n == len(controller.trainer.history)
    with qtbot.waitSignal(controller.run_ended, timeout=5000):
        qtbot.mouseClick(controller.panel.pause_button, Qt.LeftButton)
    assert controller.run_done - n <= 2        # a few steps a second, not hundreds


def test_opening_another_graph_clears_the_dock(qtbot, studio):
    window, _ = studio
    controller = open_example(window, "xor_mlp.json")
    controller.panel.steps.setValue(150)
    qtbot.mouseClick(controller.panel.train_button, Qt.LeftButton)
    wait_run(qtbot, controller)
    assert controller.view.loss_plot.count == 150
    assert controller.panel.progress.text() == "150 / 150 steps"
    controller = open_example(window, "spirals_mlp.json")
    steps = controller.panel.steps.value()
    assert controller.panel.progress.text() == f"0 / {steps:,} steps"
    assert controller.panel.stats.text() == "Not trained yet"
    assert controller.view.loss_plot.count == 0 and controller.view.norm_plot.count == 0
    assert controller.view.norm_plot.names == []
    box = controller.view.loss_plot.plot.getPlotItem().getViewBox()
    assert box.viewRange()[0][1] < 20          # the old run's step axis is gone


def test_reset_then_step_moves_the_bar(qtbot, studio):
    window, _ = studio
    controller = open_example(window, "xor_mlp.json")
    panel = controller.panel
    panel.steps.setValue(40)
    qtbot.mouseClick(panel.train_button, Qt.LeftButton)
    wait_run(qtbot, controller)
    qtbot.mouseClick(panel.reset_button, Qt.LeftButton)
    assert panel.progress.text() == "0 / 40 steps"
    assert panel.stats.text() == "Not trained yet"
    qtbot.mouseClick(panel.step_button, Qt.LeftButton)
    assert panel.progress.text() == "1 / 40 steps" and controller.state == "paused"
    qtbot.mouseClick(panel.step_button, Qt.LeftButton)
    assert panel.progress.text() == "2 / 40 steps"
    assert len(controller.trainer.history) == 2 and controller.view.loss_plot.count == 2


def test_a_huge_learning_rate_is_refused_and_a_large_one_warned(qtbot):
    lr = LearningRate(0.01)
    qtbot.addWidget(lr)
    notes, values = [], []
    lr.note.connect(notes.append)
    lr.changed.connect(values.append)
    lr.field.setText("1e9")
    lr.field.editingFinished.emit()
    assert lr.value() == 0.01 and lr.field.text() == "0.01" and values == []
    assert "1e+09 is refused" in notes[-1] and "0.001 … 0.1" in notes[-1]
    assert not lr.set_value(11.0) and lr.value() == 0.01
    assert lr.set_value(5.0) and lr.value() == 5.0 and values == [5.0]
    assert "large: the loss may explode" in notes[-1]
    lr.field.setText("fast")
    lr.field.editingFinished.emit()
    assert "not a number" in notes[-1] and lr.value() == 5.0
    assert lr.set_value(0.1) and notes[-1] == ""


def test_the_panel_shows_the_learning_rate_refusal(qtbot, studio):
    _, controller = studio
    controller.panel.lr.field.setText("1e9")
    controller.panel.lr.field.editingFinished.emit()
    assert "refused" in controller.panel.message.text()


def test_an_exploding_loss_is_warned_about_before_it_overflows(qtbot, studio):
    window, controller = studio
    window.set_graph(line_fit(), None, "line")
    controller.panel.steps.setValue(200)              # it overflows at step 254
    qtbot.mouseClick(controller.panel.train_button, Qt.LeftButton)
    assert wait_run(qtbot, controller) == "ready"
    history = np.array(controller.trainer.history)
    assert np.all(np.isfinite(history)) and history[-1] > 100 * history.min()
    assert "The loss is exploding" in controller.panel.message.text()


def test_disabling_the_focused_button_does_not_scroll_the_panel(qtbot):
    view = TrainingView()
    qtbot.addWidget(view)
    view.resize(900, 220)                             # the panel is taller than this: scrolls
    view.show()
    view.activateWindow()
    qtbot.waitActive(view)
    panel = view.panel
    bar = panel.parentWidget().parentWidget().verticalScrollBar()
    assert bar.maximum() > 0 and bar.value() == 0
    panel.set_state("running")
    panel.pause_button.setFocus()
    qtbot.waitUntil(panel.pause_button.hasFocus)
    panel.set_state("pausing")                        # Pause, Step, Reset disabled
    assert bar.value() == 0
    panel.set_state("paused")
    assert bar.value() == 0


def test_changing_the_data_does_not_move_the_rows_below(qtbot, studio):
    window, controller = studio
    open_example(window, "xor_mlp.json")
    panel = controller.panel
    panel.show()
    qtbot.wait(20)
    before = panel.optimizer.mapTo(panel, panel.optimizer.rect().topLeft()).y()
    panel.dataset_box.setCurrentIndex(panel.dataset_box.findData("graph"))   # a 1-line note
    qtbot.wait(20)
    assert panel.dataset_info.text() == "the inputs' own values, every step"
    assert panel.optimizer.mapTo(panel, panel.optimizer.rect().topLeft()).y() == before
