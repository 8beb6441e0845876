"""Pause, Resume, Step and Reset do what they say; the learning rate control; the worker sends
every loss, in batches, at 20 Hz or more."""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import Qt

from engine import GraphError
from gui.training.lr_control import LearningRate
from gui.training.worker import TrainWorker

from training_helpers import open_example, tensors, wait_run


def start_long_run(qtbot, window, steps=10_000_000, lr=0.001):
    controller = open_example(window, "spirals_mlp.json")
    controller.panel.steps.setValue(steps)
    controller.panel.lr.set_value(lr)
    qtbot.mouseClick(controller.panel.train_button, Qt.LeftButton)
    assert controller.state == "running"
    qtbot.waitUntil(lambda: controller.view.loss_plot.count > 300, timeout=10000)
    return controller


def click(qtbot, button):
    qtbot.mouseClick(button, Qt.LeftButton)


def test_pause_resume_and_step(qtbot, studio):
    window, _ = studio
    controller = start_long_run(qtbot, window)
    panel, tr = controller.panel, controller.trainer
    assert panel.pause_button.text() == "Pause" and not panel.train_button.isEnabled()
    with qtbot.waitSignal(controller.run_ended, timeout=5000) as ended:
        click(qtbot, panel.pause_button)
    assert ended.args == ["paused"]
    n = len(tr.history)
    qtbot.wait(300)
    assert len(tr.history) == n                        # paused means no more steps
    assert controller.view.loss_plot.count == n        # and the plot got every one
    assert panel.pause_button.text() == "Resume" and panel.step_button.isEnabled()
    for have, want in zip(tensors(window.graph, tr.names), tr.params):
        np.testing.assert_array_equal(have, want)
    assert window.undo_stack.text(window.undo_stack.count() - 1) == f"Train {n:,} steps"
    assert window.last_result is not None and window.last_result.trace

    click(qtbot, panel.step_button)                    # one step, exactly
    assert len(tr.history) == n + 1 and controller.view.loss_plot.count == n + 1
    assert controller.state == "paused"                # Resume still continues the run
    assert window.undo_stack.text(window.undo_stack.count() - 1) == f"Train {n + 1:,} steps"
    assert window.undo_stack.count() == 1              # merged into one undo step

    click(qtbot, panel.pause_button)                   # Resume
    assert controller.state == "running"
    qtbot.waitUntil(lambda: len(tr.history) > n + 200, timeout=10000)
    with qtbot.waitSignal(controller.run_ended, timeout=5000):
        click(qtbot, panel.pause_button)
    np.testing.assert_array_equal(controller.view.loss_plot.losses(), tr.history)
    assert controller.run_done == len(tr.history) - 1 # the Step was not part of the run


def test_step_from_idle_trains_one_step(qtbot, studio):
    window, _ = studio
    controller = open_example(window, "xor_mlp.json")
    before = tensors(window.graph, window.graph.trainable())
    click(qtbot, controller.panel.step_button)
    assert controller.state == "ready"
    assert len(controller.trainer.history) == 1
    assert window.undo_stack.text(0) == "Train 1 step"
    after = tensors(window.graph, controller.trainer.names)
    assert any(np.any(a != b) for a, b in zip(after, before))


def test_reset_restores_parameters_undoably(qtbot, studio):
    window, _ = studio
    controller = open_example(window, "xor_mlp.json")
    names = window.graph.trainable()
    before = tensors(window.graph, names)
    controller.panel.steps.setValue(200)
    click(qtbot, controller.panel.train_button)
    wait_run(qtbot, controller)
    trained = tensors(window.graph, names)
    click(qtbot, controller.panel.reset_button)
    for have, want in zip(tensors(window.graph, names), before):
        np.testing.assert_array_equal(have, want)
    assert window.undo_stack.text(window.undo_stack.count() - 1) == "Reset parameters"
    assert controller.view.loss_plot.count == 0 and controller.state == "idle"
    window.undo_stack.undo()
    for have, want in zip(tensors(window.graph, names), trained):
        np.testing.assert_array_equal(have, want)


def test_learning_rate_changes_live(qtbot, studio):
    window, _ = studio
    controller = start_long_run(qtbot, window)
    controller.panel.lr.set_value(0.02)
    assert controller.trainer.optimizer.lr == 0.02
    controller.stop()


def test_learning_rate_slider_and_field(qtbot):
    lr = LearningRate(0.01)
    qtbot.addWidget(lr)
    seen = []
    lr.changed.connect(seen.append)
    lr.field.setText("0.003")
    lr.field.editingFinished.emit()
    assert lr.value() == 0.003 and seen == [0.003]
    assert lr.slider.value() == round((np.log10(0.003) + 5) * 100)
    lr.slider.setValue(400)                            # 10^(−5 + 4) = 0.1
    assert lr.value() == 0.1 and lr.field.text() == "0.1"
    lr.field.setText("-1")                             # refused by the validator
    lr.field.editingFinished.emit()
    assert lr.value() == 0.1


class SlowTrainer:
    """Takes 2 ms a step, so a run is long enough to count the progress batches."""

    def __init__(self, fail_at=None):
        self.history, self.norms, self.params = [], [], [np.zeros(2)]
        self.record_norms = False
        self.fail_at = fail_at

    def step(self):
        time.sleep(0.002)
        if len(self.history) == self.fail_at:
            raise GraphError("training stopped: NaN", "n1", "hidden")
        self.history.append(1.0 / (1 + len(self.history)))
        if self.record_norms:
            self.norms.append([float(len(self.history))])
        return self.history[-1]


def test_worker_sends_every_loss_at_20_hz_or_more():
    worker = TrainWorker()
    batches, times, ends = [], [], []
    worker.progress.connect(lambda p: (batches.append(p), times.append(time.perf_counter())))
    worker.stopped.connect(lambda g, why: ends.append((g, why)))
    trainer = SlowTrainer()
    worker.prepare(trainer, 7)
    started = time.perf_counter()
    worker.run(250)                                    # ≈ 0.6 s, on this thread
    losses = np.concatenate([b.losses for b in batches])
    np.testing.assert_array_equal(losses, trainer.history)
    assert [b.start for b in batches] == list(np.cumsum([0] + [len(b.losses) for b in
                                                               batches[:-1]]))
    gaps = np.diff([started] + times)
    assert gaps.max() < 0.05                           # ≥ 20 Hz
    assert len(batches) < 40                           # batched, not one signal per step
    assert ends == [(7, "finished")] and worker.idle.is_set()
    assert batches[-1].done == 250


def test_worker_reports_a_failure_after_the_good_steps():
    worker = TrainWorker()
    batches, failures = [], []
    worker.progress.connect(batches.append)
    worker.failed.connect(lambda g, err: failures.append(err))
    worker.prepare(SlowTrainer(fail_at=30), 1)
    worker.run(100)
    assert sum(len(b.losses) for b in batches) == 30
    assert failures[0].node == "n1"
