"""engine.train_process without Qt: the child loop batches every loss at 20 Hz or more, reports
a failure after the good steps, and a real child process trains exactly like a headless Trainer
(same seed, same losses), takes a new learning rate, stops when asked and leaves cleanly."""

from __future__ import annotations

import multiprocessing
import threading
import time
from pathlib import Path

import numpy as np

from backprop_studio.engine import GraphError, datasets, fileformat
from backprop_studio.engine.train import Trainer
from backprop_studio.engine.train_process import Loop, TrainProcess, TrainSpec, error_from

XOR = Path(__file__).resolve().parent.parent / "resources" / "examples" / "xor_mlp.json"


class FakeConn:
    def __init__(self):
        self.sent, self.times = [], []

    def send(self, msg):
        self.sent.append(msg)
        self.times.append(time.perf_counter())

    def poll(self):
        return False


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

    def run(self, steps, callback):                    # as Trainer.run
        for i in range(steps):
            if callback(i, self.step()) is False:
                break


def loop_with(trainer):
    loop = Loop(FakeConn(), threading.Event())
    loop.trainer = trainer
    return loop


def test_the_loop_sends_every_loss_at_20_hz_or_more():
    loop = loop_with(SlowTrainer())
    started = time.perf_counter()
    loop.run(7, 250)                                   # ≈ 0.6 s
    sent, times = loop.conn.sent, loop.conn.times
    batches = [m for m in sent if m[0] == "progress"]
    losses = np.concatenate([b[3] for b in batches])
    np.testing.assert_array_equal(losses, loop.trainer.history)
    assert [b[2] for b in batches] == list(np.cumsum([0] + [len(b[3]) for b in batches[:-1]]))
    gaps = np.diff([started] + times[:len(batches)])
    assert gaps.max() < 0.05                           # ≥ 20 Hz
    assert len(batches) < 40                           # batched, not one message per step
    assert sent[-1][:3] == ("stopped", 7, "finished")
    assert batches[-1][7] == 250 and batches[-1][6] is not None     # params at the end
    assert sum(len(b[4]) for b in batches) == 200 + 5  # norms: the first 200, then every 10th


def test_the_loop_stops_when_the_event_is_set():
    loop = loop_with(SlowTrainer())
    threading.Timer(0.1, loop.stop.set).start()
    loop.run(1, 10_000)
    assert loop.conn.sent[-1][:3] == ("stopped", 1, "paused")
    assert 0 < len(loop.trainer.history) < 200


def test_the_loop_reports_a_failure_after_the_good_steps():
    loop = loop_with(SlowTrainer(fail_at=30))
    loop.run(1, 100)
    batches = [m for m in loop.conn.sent if m[0] == "progress"]
    assert sum(len(b[3]) for b in batches) == 30
    kind, generation, info, params, length = loop.conn.sent[-1]
    assert (kind, generation, length) == ("failed", 1, 30)
    err = error_from(info)
    assert (err.node, err.label, err.reason) == ("n1", "hidden", "training stopped: NaN")


def spec_for(trainer, graph, lr=None):
    return TrainSpec(fileformat.dumps(graph), trainer.dataset, "adam",
                     lr or trainer.optimizer.lr, trainer.batch_size, trainer.rng.bit_generator.state,
                     list(trainer.params), len(trainer.history), list(trainer.names))


def collect(proc, timeout=30.0):
    """(losses, last message) of one run."""
    losses = []
    while proc.conn.poll(timeout):
        msg = proc.conn.recv()
        if msg[0] == "progress":
            losses.extend(msg[3].tolist())
        else:
            return losses, msg
    raise AssertionError("the child did not answer")


def test_a_child_process_trains_exactly_like_a_headless_trainer():
    graph = fileformat.load(XOR)
    ds = datasets.builtin("xor")
    shadow = Trainer(graph, ds, "adam", 0.1, 4, 0)
    headless = Trainer(fileformat.load(XOR), ds, "adam", 0.1, 4, 0)
    proc = TrainProcess()
    try:
        proc.send(("setup", spec_for(shadow, graph)))
        proc.send(("run", 1, 600))
        first, end = collect(proc)
        assert end[:3] == ("stopped", 1, "finished") and end[4] == 600
        proc.send(("run", 2, 400))                     # a Resume: same optimizer state
        second, end = collect(proc)
        headless.run(1000)
        assert first + second == headless.history
        for have, want in zip(end[3], headless.params):
            np.testing.assert_array_equal(have, want)
        proc.send(("lr", 0.01))                        # a new learning rate, as headless
        headless.optimizer.lr = 0.01
        proc.send(("run", 3, 100))
        third, _ = collect(proc)
        headless.run(100)
        assert third == headless.history[1000:]
        proc.stop.set()                                # a stop before the run: no steps
        proc.send(("run", 4, 100))
        losses, end = collect(proc)
        assert losses == [] and end[:3] == ("stopped", 4, "paused")
    finally:
        proc.shutdown()
    assert proc.process.exitcode == 0
    assert multiprocessing.active_children() == []


def test_a_bad_setup_fails_the_run_with_the_reason():
    graph = fileformat.load(XOR)
    shadow = Trainer(graph, datasets.builtin("xor"), "adam", 0.1, 4, 0)
    spec = spec_for(shadow, graph)
    spec.params = spec.params[:1]
    proc = TrainProcess()
    try:
        proc.send(("setup", spec))
        proc.send(("run", 5, 10))
        losses, end = collect(proc)
    finally:
        proc.shutdown()
    assert losses == [] and end[:2] == ("failed", 5)
    assert "do not match" in error_from(end[2]).reason
