"""engine.train_process without Qt: the child loop sends every loss once, in order, in batches on
a steady 22 Hz cadence of its clock (a fake clock here, so the load on the machine cannot change
the outcome; bench/bench_progress_rate.py measures the real rate), reports a failure after the
good steps, and a real child process trains exactly like a headless Trainer
(same seed, same losses), takes a new learning rate, stops when asked and leaves cleanly."""

from __future__ import annotations

import multiprocessing
import threading
from pathlib import Path

import numpy as np
import pytest

from backprop_studio.engine import GraphError, datasets, fileformat
from backprop_studio.engine.train import Trainer
from backprop_studio.engine.train_process import (
    EMIT_INTERVAL,
    PARAMS_INTERVAL,
    Loop,
    TrainProcess,
    TrainSpec,
    error_from,
)

XOR = Path(__file__).resolve().parent.parent / "resources" / "examples" / "xor_mlp.json"


class FakeClock:
    """Seconds that pass only when a step says so."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


class FakeConn:
    def __init__(self, clock):
        self.sent, self.times, self.clock = [], [], clock

    def send(self, msg):
        self.sent.append(msg)
        self.times.append(self.clock())

    def poll(self):
        return False


STEP = 0.002


class SlowTrainer:
    """Each step takes STEP seconds of the fake clock (``late``: {step index: seconds} for steps
    that take longer); ``stop`` is set after ``stop_after`` steps, as a Pause would."""

    def __init__(self, clock, fail_at=None, late=None, stop=None, stop_after=None):
        self.history, self.norms, self.params = [], [], [np.zeros(2)]
        self.record_norms = False
        self.clock, self.fail_at, self.late = clock, fail_at, late or {}
        self.stop, self.stop_after = stop, stop_after

    def step(self):
        self.clock.now += self.late.get(len(self.history), STEP)
        if len(self.history) == self.stop_after:
            self.stop.set()
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


def loop_with(**trainer_options):
    clock = FakeClock()
    loop = Loop(FakeConn(clock), threading.Event(), clock)
    loop.trainer = SlowTrainer(clock, stop=loop.stop, **trainer_options)
    return loop


def progress_batches(loop):
    """(batches, the fake time each was sent) of the loop's run."""
    pairs = [(m, t) for m, t in zip(loop.conn.sent, loop.conn.times) if m[0] == "progress"]
    return [m for m, _ in pairs], np.array([t for _, t in pairs])


def test_the_loop_sends_every_loss_once_in_order_on_a_steady_cadence():
    loop = loop_with()
    loop.run(7, 250)                                   # 0.5 s of 2 ms steps
    batches, sent_at = progress_batches(loop)
    losses = np.concatenate([b[3] for b in batches])
    np.testing.assert_array_equal(losses, loop.trainer.history)     # each once, in order
    assert [b[2] for b in batches] == list(np.cumsum([0] + [len(b[3]) for b in batches[:-1]]))
    assert [b[7] for b in batches] == list(np.cumsum([len(b[3]) for b in batches]))
    np.testing.assert_allclose([b[8] for b in batches], sent_at)    # elapsed: the loop's clock
    # Batch k goes out at the first step at or after k·EMIT_INTERVAL: 22 Hz, never later than
    # one step past its time (so ≥ 20 Hz while a step takes under 5 ms), never a batch per step.
    k = np.arange(1, len(batches))
    due = k * EMIT_INTERVAL
    assert np.all(sent_at[:-1] >= due - 1e-9) and np.all(sent_at[:-1] < due + STEP + 1e-9)
    assert len(batches) == int(250 * STEP / EMIT_INTERVAL) + 1      # 11 on the cadence + the end
    assert loop.conn.sent[-1][:3] == ("stopped", 7, "finished")
    assert batches[-1][7] == 250 and batches[-1][6] is not None     # params at the end
    with_params = sent_at[:-1][[b[6] is not None for b in batches[:-1]]]
    assert len(with_params) >= 3
    assert np.all(np.diff(np.concatenate([[0.0], with_params])) >= PARAMS_INTERVAL - 1e-9)
    assert sum(len(b[4]) for b in batches) == 200 + 5  # norms: the first 200, then every 10th


def test_after_a_late_step_the_cadence_restarts_instead_of_catching_up():
    loop = loop_with(late={100: 0.5})                  # one step of half a second
    loop.run(1, 250)
    batches, sent_at = progress_batches(loop)
    np.testing.assert_array_equal(np.concatenate([b[3] for b in batches]), loop.trainer.history)
    late_end = 100 * STEP + 0.5
    after = sent_at[sent_at >= late_end - 1e-9]
    assert after[0] == pytest.approx(late_end)         # the late step's batch goes at once…
    due = after[0] + EMIT_INTERVAL * np.arange(1, len(after) - 1)   # …then the cadence anew,
    assert len(due) >= 3                                             # with no burst to catch up
    assert np.all(after[1:-1] >= due - 1e-9) and np.all(after[1:-1] < due + STEP + 1e-9)


def test_the_loop_stops_after_the_step_during_which_the_event_was_set():
    loop = loop_with(stop_after=50)
    loop.run(1, 10_000)
    assert loop.conn.sent[-1][:3] == ("stopped", 1, "paused")
    assert len(loop.trainer.history) == 51             # the stop is checked after every step
    batches, _ = progress_batches(loop)
    assert sum(len(b[3]) for b in batches) == 51


def test_the_loop_reports_a_failure_after_the_good_steps():
    loop = loop_with(fail_at=30)
    loop.run(1, 100)
    batches = [m for m in loop.conn.sent if m[0] == "progress"]
    assert sum(len(b[3]) for b in batches) == 30
    kind, generation, info, params, length = loop.conn.sent[-1]
    assert (kind, generation, length) == ("failed", 1, 30)
    err = error_from(info)
    assert (err.node, err.label, err.reason) == ("n1", "hidden", "training stopped: NaN")


def spec_for(trainer, graph, lr=None):
    return TrainSpec(fileformat.dumps(graph), trainer.dataset, "adam",
                     lr or trainer.optimizer.lr, trainer.batch_size,
                     trainer.rng.bit_generator.state,
                     list(trainer.params), len(trainer.history), list(trainer.names))


def collect(proc, timeout=120.0):
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
