"""A NaN stops training and names the node; edits stop training (moves do not); closing the
window during training ends cleanly; the window answers every event while training runs."""

from __future__ import annotations

import multiprocessing
import os

import numpy as np
from PySide6.QtCore import Qt, QTimer
from training_helpers import open_example, tensors, train_until_plotted

from backprop_studio.engine import ComputationGraph
from backprop_studio.engine.api import Graph


def line_fit() -> Graph:
    """ŷ = w·x + b fitted to the noisy line by SGD; at learning rate 5 every step overshoots
    more than the last, and the loss overflows at step 254 (the same step on every run)."""
    g = Graph()
    x = g.input("x", [[0.0]], feed="features")
    y = g.input("y", [[0.0]], feed="targets")
    z = g.dense(x, 1, 1, label="line z", seed=0)
    g.set_output(g.mse(z, y, label="squared error"))
    g.training(dataset="line", optimizer="sgd", lr=5.0, batch_size=32, steps=10_000, seed=0)
    return g


def test_nan_mid_training_stops_and_names_the_node(qtbot, studio):
    window, controller = studio
    window.set_graph(line_fit(), None, "line")
    with qtbot.waitSignal(controller.failed, timeout=120000) as failed:
        qtbot.mouseClick(controller.panel.train_button, Qt.LeftButton)
    err = failed.args[0]
    tr = controller.trainer
    assert (err.node, err.label) == ("mse", "squared error")
    assert "step 254" in str(err) and "NaN or an infinite value" in str(err)
    assert controller.state == "ready"
    assert "node squared error (mse)" in controller.panel.message.text()
    assert "squared error" in window.statusBar().currentMessage()
    assert window.error is err                         # the canvas outlines the node
    # the last good parameters: finite, in the graph, and every finite loss was plotted
    assert len(tr.history) == controller.view.loss_plot.count == 253
    assert np.all(np.isfinite(tr.history))
    for have, want in zip(tensors(window.graph, tr.names), tr.params):
        assert np.all(np.isfinite(have))
        np.testing.assert_array_equal(have, want)
    assert window.undo_stack.text(0) == "Train 253 steps"


def test_editing_the_graph_stops_training_but_moving_a_node_does_not(qtbot, studio):
    window, _ = studio
    controller = train_until_plotted(qtbot, window)
    window.graph.set_position("sigmoid", (1500.0, 40.0))  # a drag: training goes on
    assert window.rename("dense", "first layer")         # so does a new label
    n = len(controller.trainer.history)
    qtbot.waitUntil(lambda: len(controller.trainer.history) > n + 100, timeout=120000)
    assert controller.state == "running"
    assert window.set_tensor("dense", "b", np.ones(16))  # an edit of the maths: it stops
    assert controller.state == "idle" and controller.trainer is None
    assert controller.worker.idle.is_set()
    np.testing.assert_array_equal(window.graph.node("dense")["tensors"]["b"], np.ones(16))
    assert "edited" in window.statusBar().currentMessage()


def test_a_new_document_stops_training(qtbot, studio):
    window, _ = studio
    controller = train_until_plotted(qtbot, window)
    old = window.graph
    window.set_graph(ComputationGraph(), None, "Untitled")
    assert controller.graph is window.graph and controller.graph is not old
    assert controller.state == "idle" and controller.worker.idle.is_set()
    assert controller.view.loss_plot.count == 0


def test_closing_the_window_while_training_ends_cleanly(qtbot, studio):
    window, controller = studio
    train_until_plotted(qtbot, window)
    child = controller.worker.process.process          # the training process
    assert child.is_alive()
    steps = len(controller.trainer.history)
    assert window.close()
    assert controller.worker.process is None and child.exitcode is not None
    assert controller.state != "running"
    # the steps done before closing went into the graph (one undo step), not lost
    assert window.undo_stack.count() == 1
    np.testing.assert_array_equal(tensors(window.graph, controller.trainer.names)[0],
                                  controller.trainer.params[0])
    assert len(controller.trainer.history) >= steps
    assert multiprocessing.active_children() == []


def test_no_training_process_survives_closing_the_window(qtbot, studio, make_second_window):
    """One child per window, started at the first Train, reused across runs, ended at close
    with a clean exit (not terminated)."""
    window, controller = studio
    open_example(window, "xor_mlp.json")
    assert controller.worker.process is None            # nothing started before Train
    controller.panel.steps.setValue(100)
    for _ in range(2):
        with qtbot.waitSignal(controller.run_ended, timeout=120000):
            qtbot.mouseClick(controller.panel.train_button, Qt.LeftButton)
    child = controller.worker.process.process
    other = make_second_window()
    second = open_example(other, "xor_mlp.json")
    second.panel.steps.setValue(100_000)
    qtbot.mouseClick(second.panel.train_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: second.view.loss_plot.count > 100, timeout=120000)
    assert len(multiprocessing.active_children()) == 2
    assert len(controller.trainer.history) == 200       # both runs in the same child
    pids = {child.pid, second.worker.process.process.pid}
    assert window.close() and other.close()
    assert multiprocessing.active_children() == []
    assert child.exitcode == 0                          # it left when asked, not killed
    for pid in pids:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        raise AssertionError(f"training process {pid} still exists")


def test_the_window_answers_every_event_while_training(qtbot, studio):
    """200 posted timer events, each posted by the one before, are all answered in order while
    training runs and the loss plot keeps growing: the GUI thread is never starved. How fast
    they are answered depends on the machine's load: bench/bench_progress_rate.py measures it."""
    window, _ = studio
    controller = train_until_plotted(qtbot, window)
    answered, plotted = [], controller.view.loss_plot.count

    def tick():                                        # a posted event, like a mouse move
        answered.append(len(answered))
        if len(answered) < 200:
            QTimer.singleShot(5, tick)
    QTimer.singleShot(5, tick)
    qtbot.waitUntil(lambda: len(answered) >= 200, timeout=120000)
    assert answered == list(range(200))
    assert controller.state == "running"
    qtbot.waitUntil(lambda: controller.view.loss_plot.count > plotted + 100, timeout=120000)
    controller.stop()
