"""Training in a child process, seen from the GUI as a QObject with signals.

Python runs one thread at a time (the GIL), so a training thread and the GUI thread slow each
other down. The steps therefore run in a process of their own (``engine.train_process``, started
with "spawn" at the first Train and reused until the window closes or the graph is replaced).
This object sends it commands and turns what it sends back into Qt signals on the GUI thread: a
``QSocketNotifier`` watches the pipe, so no thread of ours reads it.

The controller keeps using its Trainer as before; here it is a *shadow*: never stepped, its
``params``, ``history`` and ``norms`` are filled in from the child's reports, so everything
that reads them (write-back, predictions, exports) works unchanged. The child holds the real
state (optimizer moments, batch order), so every step — Step too — runs in the child, and a
seed gives the same losses as a headless Trainer.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QCoreApplication, QObject, QSocketNotifier, Signal

from backprop_studio.engine import GraphError, fileformat
from backprop_studio.engine.optimizers import OPTIMIZERS
from backprop_studio.engine.train_process import TrainProcess, TrainSpec, error_from

STEP_GENERATION = -1        # the generation of a single Step (the controller ignores its signals)
MAX_PER_WAKE = 64           # messages read per wake-up of the notifier (then Qt breathes)


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
    fresh: bool = True            # params are new in this batch (not a repeat of the last)


def merged(msgs: list) -> list:
    """Consecutive progress messages of one run joined into one (every loss kept)."""
    out: list = []
    for msg in msgs:
        last = out[-1] if out else None
        if (msg[0] == "progress" and last is not None and last[0] == "progress"
                and last[1] == msg[1] and last[2] + len(last[3]) == msg[2]):
            params = msg[6] if msg[6] is not None else last[6]
            out[-1] = ("progress", msg[1], last[2], np.concatenate([last[3], msg[3]]),
                       last[4] + msg[4], last[5] + msg[5], params, msg[7], msg[8])
        else:
            out.append(msg)
    return out


def optimizer_name(optimizer) -> str:
    return next(name for name, kind in OPTIMIZERS.items() if type(optimizer) is kind)


class TrainWorker(QObject):
    progress = Signal(object)     # Progress
    stopped = Signal(int, str)    # generation, "paused" | "finished"
    failed = Signal(int, object)  # generation, GraphError

    def __init__(self) -> None:
        super().__init__()
        self.trainer = None           # the shadow Trainer
        self.generation = 0
        self.process: TrainProcess | None = None
        self._notifier: QSocketNotifier | None = None
        self._child_trainer = None    # the shadow whose twin the child holds
        self.failure: GraphError | None = None
        self.idle = threading.Event()
        self.idle.set()

    # ------------------------------------------------------------ commands
    def prepare(self, trainer, generation: int) -> None:
        """Before ``run`` (never while a run is going): the child takes ``trainer``'s twin."""
        self.trainer, self.generation = trainer, generation
        self._ensure_process()
        proc = self.process
        if self._child_trainer is not trainer:
            tr = trainer
            proc.send(("setup", TrainSpec(
                fileformat.dumps(tr.graph), tr.dataset, optimizer_name(tr.optimizer),
                float(tr.optimizer.lr), tr.batch_size, tr.rng.bit_generator.state,
                list(tr.params), len(tr.history), list(tr.names))))
            self._child_trainer = trainer
        proc.send(("lr", float(trainer.optimizer.lr)))
        proc.stop.clear()
        self.idle.clear()

    def run(self, steps: int) -> None:
        self.process.send(("run", self.generation, int(steps)))

    def step_once(self, trainer) -> float:
        """One step, synchronously (in the child, for determinism); raises GraphError."""
        self.prepare(trainer, STEP_GENERATION)
        self.failure = None
        self.run(1)
        if not self.wait_idle(30.0):
            raise GraphError("training: the training process did not answer")
        if self.failure is not None:
            raise self.failure
        return trainer.history[-1]

    def set_lr(self, lr: float) -> None:
        """Takes effect between two batches of a run (or at the next run)."""
        if self.process is not None:
            self.process.send(("lr", float(lr)))

    def request_stop(self) -> None:
        """The run ends after the step it is in."""
        if self.process is not None:
            self.process.stop.set()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until the current run (if any) has ended, handling the child's reports."""
        deadline = time.monotonic() + timeout
        while not self.idle.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            if self.process is None:
                self.idle.set()
                break
            try:
                if self.process.conn.poll(min(remaining, 0.1)):
                    self._handle(self.process.conn.recv())
            except (EOFError, OSError):
                self._lost()
        return True

    def shutdown(self) -> None:
        """End the child (after stopping its run); a later ``prepare`` starts a new one."""
        if self.process is None:
            return
        self.request_stop()
        self.wait_idle(5.0)
        self._drop_notifier()
        self.process.shutdown()
        self.process = None
        self._child_trainer = None
        self.idle.set()

    # ------------------------------------------------------------ the child's reports
    def _ensure_process(self) -> None:
        if self.process is not None and self.process.alive():
            return
        if self.process is not None:
            self.shutdown()
        self.process = TrainProcess()
        self._child_trainer = None
        self._notifier = QSocketNotifier(self.process.conn.fileno(), QSocketNotifier.Read, self)
        self._notifier.activated.connect(self._readable)

    def _drop_notifier(self) -> None:
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier.activated.disconnect(self._readable)
            self._notifier.deleteLater()
            self._notifier = None

    def _readable(self, *_args) -> None:
        """Read what has arrived; progress batches that queued up while the GUI was busy are
        merged into one, so a slow frame never makes the next ones later still."""
        proc, msgs = self.process, []
        try:
            while len(msgs) < MAX_PER_WAKE and self.process is proc and proc.conn.poll():
                msgs.append(proc.conn.recv())
        except (EOFError, OSError):
            lost = True
        else:
            lost = False
        for msg in merged(msgs):
            self._handle(msg)
        # Draw what these reports changed now, in this wake-up, not in two more (the scenes'
        # queued updates, then the window's repaint): each wake-up takes a core from training.
        QCoreApplication.sendPostedEvents()
        if lost:
            self._lost()

    def _lost(self) -> None:
        """The child died (killed, crashed): fail the run, start afresh next time."""
        self._drop_notifier()
        proc, self.process, self._child_trainer = self.process, None, None
        if proc is not None:
            proc.shutdown(0.5)
        if not self.idle.is_set():
            self.idle.set()
            self.failure = GraphError("training stopped: the training process ended")
            self.failed.emit(self.generation, self.failure)

    def _handle(self, msg) -> None:
        kind, generation = msg[0], msg[1]
        tr = self.trainer
        if kind == "progress":
            _, _, start, losses, norm_steps, norms, params, done, elapsed = msg
            fresh = params is not None
            if tr is not None:
                if start == len(tr.history):
                    tr.history.extend(losses.tolist())
                    tr.norms.extend(norms)
                if fresh:
                    tr.params = params
                params = tr.params
            self.progress.emit(Progress(generation, start, losses, norm_steps, norms, params,
                                        done, elapsed, fresh))
        elif kind in ("stopped", "failed"):
            _, _, detail, params, _length = msg
            if tr is not None and params is not None:
                tr.params = params
            self.idle.set()
            if kind == "stopped":
                self.stopped.emit(generation, detail)
            else:
                self.failure = error_from(detail)
                self.failed.emit(generation, self.failure)
