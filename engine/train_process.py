"""Training in a child process: a Qt-free loop that steps a Trainer and reports in batches.

In one process, a training thread and the GUI thread share Python's GIL and slow each other
down. So the GUI starts this loop in a process of its own (multiprocessing, "spawn": a process
with Qt running is never forked) and only draws what the loop sends back.

Protocol (pickled tuples over a duplex ``multiprocessing.Pipe``; both ends are our own code):

parent → child
    ("setup", spec)            build a Trainer (see ``TrainSpec``); replaces the previous one
    ("run", generation, steps) step until ``steps`` are done or the stop Event is set
    ("lr", lr)                 the learning rate (also while running: read between batches)
    ("shutdown",)              leave the loop

child → parent
    ("progress", generation, start, losses, norm_steps, norms, params | None, done, elapsed)
    ("stopped", generation, why, params, length)     why: "finished" | "paused"
    ("failed", generation, error, params, length)    error: dict(reason, node, label, port);
                                                     params None if no Trainer could be built

Progress batches go out about 22 times a second; they carry every loss, sampled gradient norms
(every step at first, then every ``NORM_STRIDE``-th) and the parameters every
``PARAMS_INTERVAL`` seconds (``PARAMS_INTERVAL_BIG`` for a big model) and always at the end of
a run. ``stop`` is a ``multiprocessing.Event``, checked after every step.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from .errors import GraphError

EMIT_INTERVAL = 0.045       # seconds between progress batches: 22 Hz on a fixed cadence, so
                            # the live plot keeps ≥ 20 Hz with a step of up to 5 ms in between
PARAMS_INTERVAL = 0.1       # seconds between parameter snapshots in the batches…
PARAMS_INTERVAL_BIG = 1.0   # …or, above BIG_PARAMS numbers in all, this: copying costs, and
                            # the window shows them once a second (its canvas refresh)
BIG_PARAMS = 100_000
NORM_DENSE = 200            # record the norms of every one of the first steps…
NORM_STRIDE = 10            # …then of every tenth
CHILD_NICE = 10             # the child's scheduling priority, below the GUI's
CHILD_BLAS_THREADS = None   # numpy's BLAS in the child: all cores, as headless. (One core was
                            # left to the window when it drew more. With the window as it is
                            # now, bench/bench_training_gui.py measured on 2 cores 880–920
                            # steps/s with 1 thread, 1,000–1,150 with 2.)
BLAS_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
JOIN_TIMEOUT = 3.0          # seconds to wait for the child to leave before terminating it


@dataclass
class TrainSpec:
    """Everything the child needs to rebuild the parent's Trainer exactly."""

    graph_json: str                # engine.fileformat.dumps(graph)
    dataset: object | None         # engine.datasets.Dataset (arrays), or None: the graph's data
    optimizer: str
    lr: float
    batch_size: int
    rng_state: dict                # the Trainer's rng.bit_generator.state (its seed, as used)
    params: list                   # the starting parameters (the Trainer's order)
    history_length: int = 0        # steps already done (step numbers, norm sampling)
    names: list | None = None      # the Trainer's (node, tensor) order, checked if given


def error_dict(err: GraphError) -> dict:
    return {"reason": err.reason, "node": err.node, "label": err.label, "port": err.port}


def error_from(info: dict) -> GraphError:
    return GraphError(info["reason"], info.get("node"), info.get("label"), info.get("port"))


def build_trainer(spec: TrainSpec):
    from .fileformat import loads
    from .train import Trainer

    graph = loads(spec.graph_json, "<training>")
    tr = Trainer(graph, spec.dataset, spec.optimizer, spec.lr, spec.batch_size)
    if spec.names is not None and list(map(tuple, spec.names)) != tr.names:
        raise GraphError("training: the parameters do not match the graph")
    tr.resume(spec.params, spec.history_length, spec.rng_state)
    return tr


class Loop:
    """The child's state: one Trainer, the pipe, the stop Event."""

    def __init__(self, conn, stop, clock=time.perf_counter) -> None:
        self.conn, self.stop = conn, stop
        self.clock = clock               # seconds; tests pass a fake one to check the cadence
        self.trainer = None
        self.setup_error: GraphError | None = None
        self.params_interval = PARAMS_INTERVAL
        self.pending: list = []          # commands that came in during a run

    def serve(self) -> None:
        while True:
            msg = self.pending.pop(0) if self.pending else self.conn.recv()
            if not self.handle(msg):
                return

    def handle(self, msg) -> bool:
        kind = msg[0]
        if kind == "shutdown":
            return False
        if kind == "lr":
            if self.trainer is not None:
                self.trainer.optimizer.lr = float(msg[1])
        elif kind == "setup":
            spec = msg[1]
            self.trainer = None
            try:
                self.trainer = build_trainer(spec)
            except Exception as err:         # noqa: BLE001 - reported when a run is asked for
                self.setup_error = err if isinstance(err, GraphError) else GraphError(
                    f"training could not start ({type(err).__name__}: {err})")
                return True
            self.setup_error = None
            size = sum(int(np.size(p)) for p in self.trainer.params)
            self.params_interval = PARAMS_INTERVAL if size <= BIG_PARAMS else PARAMS_INTERVAL_BIG
        elif kind == "run":
            _, generation, steps = msg
            self.run(generation, steps)
        return True

    def _commands(self) -> None:
        """Between batches: apply learning-rate changes, keep anything else for later."""
        while self.conn.poll():
            msg = self.conn.recv()
            if msg[0] == "lr":
                self.handle(msg)
            else:
                self.pending.append(msg)

    def run(self, generation: int, steps: int) -> None:
        tr, stop, send, clock = self.trainer, self.stop, self.conn.send, self.clock
        if tr is None:
            err = self.setup_error or GraphError("training: nothing to train")
            send(("failed", generation, error_dict(err), None, 0))
            return
        started = clock()
        # one batch in the making: [first step, losses, norm steps, norms, next send, params sent]
        batch = [len(tr.history), [], [], [], started + EMIT_INTERVAL, started]
        done = 0

        def after_step(_i, loss) -> bool:
            nonlocal done
            b = batch
            b[1].append(loss)
            if tr.record_norms:
                b[2].append(len(tr.history) - 1)
                b[3].append(tr.norms.pop())             # the parent keeps them
            done += 1
            index = len(tr.history)
            tr.record_norms = index < NORM_DENSE or index % NORM_STRIDE == 0
            now = clock()
            if now >= b[4]:
                params = None
                if now - b[5] >= self.params_interval:
                    params, b[5] = tr.params, now
                send(("progress", generation, b[0], np.asarray(b[1], dtype=float), b[2], b[3],
                      params, done, now - started))
                due = b[4] + EMIT_INTERVAL           # a steady cadence, unless a step ran late
                due = due if due > now else now + EMIT_INTERVAL
                batch[:5] = [b[0] + len(b[1]), [], [], [], due]
                self._commands()
            return not stop.is_set()

        failure = None
        index = len(tr.history)
        tr.record_norms = index < NORM_DENSE or index % NORM_STRIDE == 0
        try:
            if steps > 0 and not stop.is_set():
                tr.run(steps, after_step)               # one errstate for the whole run
        except GraphError as err:
            failure = error_dict(err)
        except Exception as exc:            # a bug in an op: still stop cleanly and say so
            failure = error_dict(GraphError(f"training failed ({type(exc).__name__}: {exc})"))
        finally:
            tr.record_norms = False
        start, losses, norm_steps, norms = batch[:4]
        send(("progress", generation, start, np.asarray(losses, dtype=float), norm_steps, norms,
              tr.params, done, clock() - started))
        if failure is not None:
            send(("failed", generation, failure, tr.params, len(tr.history)))
        else:
            send(("stopped", generation, "finished" if done >= steps else "paused", tr.params,
                  len(tr.history)))


def child_main(conn, stop) -> None:
    """The child process's entry point."""
    try:
        os.nice(CHILD_NICE)                 # the window's frames first, when both want a core
    except (AttributeError, OSError):
        pass
    try:
        Loop(conn, stop).serve()
    except (EOFError, KeyboardInterrupt, BrokenPipeError):
        pass                                # the parent went away: nothing left to do
    finally:
        conn.close()


@contextmanager
def _child_environment(blas_threads: int | None):
    """The child's environment is the parent's at start: set its BLAS thread count there."""
    saved = {k: os.environ.get(k) for k in BLAS_VARIABLES}
    if blas_threads is not None:
        for key in BLAS_VARIABLES:
            os.environ.setdefault(key, str(blas_threads))     # a user's own setting wins
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@contextmanager
def _main_script_hidden():
    """"spawn" runs the parent's main script again in the child (as ``__mp_main__``) when the
    parent was started as ``python script.py``: the whole GUI's imports, for nothing. The child
    needs only this module, so the script's path is hidden while the child starts."""
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if path is None or getattr(main, "__spec__", None) is not None:
        yield
        return
    del main.__file__
    try:
        yield
    finally:
        main.__file__ = path


class TrainProcess:
    """The parent's handle on one child: start, send, receive, shut down (no Qt here)."""

    def __init__(self) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.conn, child = ctx.Pipe(duplex=True)
        self.stop = ctx.Event()
        self.process = ctx.Process(target=child_main, args=(child, self.stop),
                                   name="backprop-training", daemon=True)
        with _main_script_hidden(), _child_environment(CHILD_BLAS_THREADS):
            self.process.start()
        child.close()

    def send(self, msg) -> None:
        self.conn.send(msg)

    def alive(self) -> bool:
        return self.process.is_alive()

    def shutdown(self, timeout: float | None = None) -> None:
        """Ask the child to leave; terminate it if it does not within ``timeout`` (default
        JOIN_TIMEOUT, read when called)."""
        timeout = JOIN_TIMEOUT if timeout is None else timeout
        self.stop.set()
        try:
            self.conn.send(("shutdown",))
        except (OSError, ValueError):
            pass
        deadline = time.monotonic() + timeout
        while self.process.is_alive() and time.monotonic() < deadline:
            try:                            # drain: a child blocked on a full pipe can't leave
                while self.conn.poll(0.02):
                    self.conn.recv()
            except (EOFError, OSError):
                self.process.join(max(0.0, deadline - time.monotonic()))
                break
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(1.0)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(1.0)
        self.conn.close()
