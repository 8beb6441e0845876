"""Training off the GUI thread: a worker object that lives in a QThread and runs the Trainer.

The Trainer keeps its own parameter list, so the worker never touches the graph. Python runs
one thread at a time (the GIL): a worker stepping while the GUI thread paints makes both slow,
each waiting for the other at every numpy or Qt call. So the worker steps only while the GUI
thread is idle: the controller calls ``hold`` when Qt's event loop wakes and ``release`` when it
is about to sleep, and the worker waits between two steps meanwhile. The GUI then costs what its
own work costs, and answers within one step. Losses are
batched and sent about 25 times a second (one queued signal per batch, not per step); gradient
norms are sampled (every step at first, then every ``NORM_STRIDE``-th) because computing them on
every step would cost more than the GUI's whole budget on a small graph.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot

from engine import GraphError

EMIT_INTERVAL = 0.04        # seconds between progress batches (25 Hz)
NORM_DENSE = 200            # record the norms of every one of the first steps…
NORM_STRIDE = 10            # …then of every tenth
HOLD_LIMIT = 0.25           # never wait longer than this for the GUI thread to go idle


@dataclass
class Progress:
    """What happened since the last batch: step index of the first loss, the losses, sampled
    gradient norms, the parameters after the last step, and this run's counters."""

    generation: int
    start: int
    losses: np.ndarray
    norm_steps: list = field(default_factory=list)
    norms: list = field(default_factory=list)
    params: list | None = None
    done: int = 0                 # steps done in this run
    elapsed: float = 0.0          # seconds since this run started


class TrainWorker(QObject):
    progress = Signal(object)     # Progress
    stopped = Signal(int, str)    # generation, "paused" | "finished"
    failed = Signal(int, object)  # generation, GraphError

    def __init__(self) -> None:
        super().__init__()
        self.trainer = None
        self.generation = 0
        self._stop = threading.Event()
        self._free = threading.Event()         # clear while the GUI thread is busy
        self._free.set()
        self.idle = threading.Event()
        self.idle.set()

    def prepare(self, trainer, generation: int) -> None:
        """Called on the GUI thread before ``run`` is queued (never while a run is going)."""
        self.trainer, self.generation = trainer, generation
        self._stop.clear()
        self.idle.clear()

    def request_stop(self) -> None:
        """Thread-safe: the loop ends after the step it is in."""
        self._stop.set()
        self._free.set()

    def hold(self) -> None:
        """The GUI thread woke up: pause between steps until ``release`` (see controller)."""
        self._free.clear()

    def release(self) -> None:
        self._free.set()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until the current run (if any) has returned."""
        return self.idle.wait(timeout)

    @Slot(int)
    def run(self, steps: int) -> None:
        try:
            self._run(steps, self.trainer, self.generation)
        finally:
            self.idle.set()

    def _run(self, steps: int, tr, generation: int) -> None:
        stop, free, clock = self._stop, self._free, time.perf_counter
        started = last = clock()
        losses: list[float] = []
        norm_steps: list[int] = []
        norms: list = []
        start = len(tr.history)
        done = 0
        try:
            while done < steps and not stop.is_set():
                if not free.is_set():
                    free.wait(HOLD_LIMIT)
                index = len(tr.history)
                sample = index < NORM_DENSE or index % NORM_STRIDE == 0
                tr.record_norms = sample
                losses.append(tr.step())
                if sample:
                    norm_steps.append(index)
                    norms.append(tr.norms[-1])
                done += 1
                now = clock()
                if now - last >= EMIT_INTERVAL:
                    self._emit(generation, tr, start, losses, norm_steps, norms, done,
                               now - started)
                    start, losses, norm_steps, norms = start + len(losses), [], [], []
                    last = now
        except GraphError as err:
            failure = err
        except Exception as exc:            # a bug in an op: still stop cleanly and say so
            failure = GraphError(f"training failed ({type(exc).__name__}: {exc})")
        else:
            failure = None
        finally:
            tr.record_norms = False
        self._emit(generation, tr, start, losses, norm_steps, norms, done, clock() - started)
        if failure is not None:
            self.failed.emit(generation, failure)
        else:
            self.stopped.emit(generation, "finished" if done >= steps else "paused")

    def _emit(self, generation, tr, start, losses, norm_steps, norms, done, elapsed) -> None:
        self.progress.emit(Progress(generation, start, np.asarray(losses, dtype=float),
                                    norm_steps, norms, tr.params, done, elapsed))
