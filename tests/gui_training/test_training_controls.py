"""Pause, Resume, Step and Reset do what they say; the learning rate control; the worker (a
child process) sends every loss once, in order, in batches paced by its clock."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from training_helpers import EXAMPLES, open_example, tensors, wait_run

from backprop_studio.engine import datasets, fileformat
from backprop_studio.engine.train import Trainer
from backprop_studio.engine.train_process import EMIT_INTERVAL
from backprop_studio.gui.training.lr_control import LearningRate
from backprop_studio.gui.training.worker import TrainWorker


def start_long_run(qtbot, window, steps=10_000_000, lr=0.001):
    controller = open_example(window, "spirals_mlp.json")
    controller.panel.steps.setValue(steps)
    controller.panel.lr.set_value(lr)
    qtbot.mouseClick(controller.panel.train_button, Qt.LeftButton)
    assert controller.state == "running"
    qtbot.waitUntil(lambda: controller.view.loss_plot.count > 300, timeout=120000)
    return controller


def click(qtbot, button):
    qtbot.mouseClick(button, Qt.LeftButton)


def test_pause_resume_and_step(qtbot, studio):
    window, _ = studio
    controller = start_long_run(qtbot, window)
    panel, tr = controller.panel, controller.trainer
    assert panel.pause_button.text() == "Pause" and not panel.train_button.isEnabled()
    with qtbot.waitSignal(controller.run_ended, timeout=120000) as ended:
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
    qtbot.waitUntil(lambda: len(tr.history) > n + 200, timeout=120000)
    with qtbot.waitSignal(controller.run_ended, timeout=120000):
        click(qtbot, panel.pause_button)
    np.testing.assert_array_equal(controller.view.loss_plot.losses(), tr.history)
    assert controller.run_done == len(tr.history)     # the Step counted towards the run


def test_step_from_idle_trains_one_step(qtbot, studio):
    window, _ = studio
    controller = open_example(window, "xor_mlp.json")
    before = tensors(window.graph, window.graph.trainable())
    click(qtbot, controller.panel.step_button)
    assert controller.state == "paused"               # the first step of a run: Resume goes on
    assert controller.panel.progress.text() == f"1 / {controller.panel.steps.value():,} steps"
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
    lr.field.setText("-1")                             # refused, with the reason
    lr.field.editingFinished.emit()
    assert lr.value() == 0.1


def test_worker_sends_every_loss_once_in_order_in_timed_batches(qtbot):
    """The process-backed worker: every loss of the child's run reaches the shadow trainer and
    the progress signal once and in order, in contiguous batches paced by the child's clock, the
    same losses as a headless Trainer. (The cadence itself is checked with a fake clock in
    tests/test_train_process.py; bench/bench_progress_rate.py measures the real rate.)"""
    graph = fileformat.load(EXAMPLES / "spirals_mlp.json")
    dataset = datasets.builtin("spirals")
    shadow = Trainer(graph, dataset, "adam", 0.01, 32, 0)
    worker = TrainWorker()
    batches, ends = [], []
    worker.progress.connect(batches.append)
    worker.stopped.connect(lambda g, why: ends.append((g, why)))
    try:
        worker.prepare(shadow, 7)
        worker.run(200)                                # the child starts: not timed
        qtbot.waitUntil(lambda: bool(ends), timeout=120000)
        batches.clear(), ends.clear()
        worker.prepare(shadow, 8)
        worker.run(3000)
        qtbot.waitUntil(lambda: bool(ends), timeout=120000)
    finally:
        worker.shutdown()
    losses = np.concatenate([b.losses for b in batches])
    np.testing.assert_array_equal(losses, shadow.history[200:])
    assert [b.start for b in batches] == list(200 + np.cumsum([0] + [len(b.losses) for b in
                                                                     batches[:-1]]))
    assert [b.done for b in batches] == list(np.cumsum([len(b.losses) for b in batches]))
    # Batch k leaves the child once k·EMIT_INTERVAL of its run has passed: paced by time, so a
    # fast run sends a few dozen batches, not 3,000 signals.
    elapsed = np.array([b.elapsed for b in batches[:-1]])
    assert np.all(elapsed >= EMIT_INTERVAL * np.arange(1, len(batches)))
    assert np.all(np.diff([b.elapsed for b in batches]) >= 0)
    assert ends == [(8, "finished")] and worker.idle.is_set()
    assert batches[-1].done == 3000
    headless = Trainer(fileformat.load(EXAMPLES / "spirals_mlp.json"), dataset, "adam", 0.01,
                       32, 0)
    headless.run(3200)
    assert shadow.history == headless.history
    for have, want in zip(shadow.params, headless.params):
        np.testing.assert_array_equal(have, want)


def test_worker_reports_a_failure_with_the_node_and_the_last_good_parameters(qtbot):
    from test_training_behaviour import line_fit
    graph = line_fit()
    shadow = Trainer(graph, datasets.builtin("line"), "sgd", 5.0, 32, 0)
    worker = TrainWorker()
    batches, failures = [], []
    worker.progress.connect(batches.append)
    worker.failed.connect(lambda g, err: failures.append(err))
    try:
        worker.prepare(shadow, 1)
        worker.run(1000)
        qtbot.waitUntil(lambda: bool(failures), timeout=120000)
    finally:
        worker.shutdown()
    assert sum(len(b.losses) for b in batches) == len(shadow.history) == 253
    assert (failures[0].node, failures[0].label) == ("mse", "squared error")
    assert all(np.all(np.isfinite(p)) for p in shadow.params)
    assert worker.process is None


def test_before_a_run_the_bar_counts_towards_the_chosen_steps(qtbot):
    from backprop_studio.gui.training.panel import TrainingPanel
    panel = TrainingPanel()
    qtbot.addWidget(panel)
    panel.steps.setValue(2500)
    assert panel.progress.text() == "0 / 2,500 steps"
