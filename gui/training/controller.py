"""What the Training dock does: one Trainer per choice of settings, stepped in a child process.

States: idle (no trainer) → running → pausing → paused (Resume continues the run) or ready
(trained, nothing to resume). The graph is touched on the GUI thread only: at Pause / finish /
Step / failure the trained parameters go in through one undoable ``TrainParams`` command; while
running, the canvas and the data view are fed from a private ``Mirror`` of the graph. The
controller's Trainer is a shadow of the one in the child process (see worker.py): it holds the
parameters and the loss history the child reports, and is never stepped here.

Any edit of the graph that changes what training means (structure, tensors, settings, output)
stops training first and drops the trainer; moving or renaming a node does not, so nodes can be
dragged while training runs.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal

from backprop_studio.engine import GraphError
from backprop_studio.engine.train import Trainer

from .blas import SingleBlasThread
from .commands import TrainParams
from .display import TrainingDisplay
from .mirror import Mirror
from .speed import pace
from .worker import TrainWorker

CANVAS_INTERVAL = 1.0          # seconds between canvas refreshes while training (at least):
                               # numbers to read, not a ticker
CANVAS_SHARE = 0.03            # … and never more than 3 % of the time (big tensors are slow;
                               # the training process shares the machine with this one)
BOUNDARY_INTERVAL = 0.1        # seconds between data-view refreshes (when parameters arrived)
HARMLESS = {("node_moved", None), ("node_changed", "label"), ("node_changed", "view"),
            ("graph_changed", "training")}


class TrainingController(TrainingDisplay, QObject):
    state_changed = Signal(str)
    run_ended = Signal(str)                 # "paused" | "ready" | "failed"
    failed = Signal(object)                 # GraphError

    def __init__(self, window, view) -> None:
        super().__init__(window)
        self.window, self.view, self.panel = window, view, view.panel
        self.state = "idle"
        self.graph = None
        self.trainer: Trainer | None = None
        self.mirror: Mirror | None = None
        self.key = None
        self.session = self.generation = 0
        self.written = 0                    # steps of this trainer already in the graph
        self.run_total = self.run_done = self._run_base = 0
        self.before: dict | None = None     # the tensors before training (for Reset)
        self.best: float | None = None
        self.explosion: str | None = None   # the warning shown for this trainer's loss
        self._writing = False
        self._last_canvas = self._last_boundary = self._last_text = 0.0
        self._canvas_interval = CANVAS_INTERVAL
        self._rate: float | None = None
        self.speed: float | None = None      # steps/s at a slow pace; None: full speed
        self.slow = False                    # this run goes tick by tick (see speed.py)
        self._respeed = False                # a pause asked for to change pace, not by the user
        self.ticker = QTimer(self)
        self.ticker.timeout.connect(self._tick)
        self.blas = SingleBlasThread()       # while a run goes, the cores are the child's
        self.worker = TrainWorker()
        self.worker.progress.connect(self._on_progress)
        self.worker.stopped.connect(self._on_stopped)
        self.worker.failed.connect(self._on_failed)
        p = self.panel
        p.train_clicked.connect(self.train)
        p.pause_clicked.connect(self.pause_or_resume)
        p.step_clicked.connect(self.step)
        p.reset_clicked.connect(self.reset)
        p.lr_changed.connect(self._lr_changed)
        p.speed_changed.connect(self.set_speed)
        p.settings_changed.connect(self._settings_changed)
        p.dataset_changed.connect(self._dataset_changed)

    # ------------------------------------------------------------ graph
    def set_graph(self, graph) -> None:
        """A new document: stop, end the training process, forget the trainer, take the
        file's training settings."""
        self.stop(write=False)
        self.worker.shutdown()
        if self.graph is not None:
            self.graph.unsubscribe(self._on_graph_event)
        self.graph = graph
        self._discard(forget_before=True)
        self.run_total = self.run_done = self._run_base = 0
        self._rate = None
        self.view.loss_plot.clear()
        self.view.norm_plot.set_names([])
        self.panel.reset_progress()
        if graph is not None:
            graph.subscribe(self._on_graph_event)
            self.panel.apply_defaults(graph.nx.graph.get("training"))

    def _on_graph_event(self, event: str, data: dict) -> None:
        if self._writing or (event, data.get("what")) in HARMLESS:
            return
        if self.trainer is None and self.before is None:
            return
        running = self.state in ("running", "pausing")
        self.stop(write=False)
        self._discard(forget_before=True)
        if running:
            self.say("Training stopped: the graph was edited (the steps since the last pause "
                      "were not kept)", error=True)

    # ------------------------------------------------------------ buttons
    def train(self) -> None:
        if self.state in ("running", "pausing") or not self._ensure_trainer():
            return
        self.run_total = self.panel.steps.value()
        self.run_done = 0
        self._start(self.run_total)

    def pause_or_resume(self) -> None:
        if self.state == "running":
            self._set_state("pausing")
            self.ticker.stop()
            self.worker.request_stop()
            if self.slow and self.worker.idle.is_set():      # between two ticks: paused now
                self._on_stopped(self.generation, "paused")
        elif self.state == "paused" and self.trainer is not None:
            self._start(self.run_total - self.run_done)

    def step(self) -> None:
        """One step (in the training process, which holds the optimizer's state; the GUI waits
        for it, it is short), then show it like a pause does. It counts on the bar: a paused
        run has one step fewer to go; otherwise it is the first step of a new run of the chosen
        steps, paused (Resume goes on)."""
        if self.state in ("running", "pausing") or not self._ensure_trainer():
            return
        if self.state != "paused" or self.run_done >= self.run_total:
            self.run_total, self.run_done = self.panel.steps.value(), 0
        tr, start = self.trainer, len(self.trainer.history)
        norms = len(tr.norms)
        try:
            loss = self.worker.step_once(tr)
        except GraphError as err:
            self._fail(err)
            return
        self.run_done += 1
        self._plot(start, [loss], [start] if len(tr.norms) > norms else [], tr.norms[norms:])
        self._set_state("paused" if self.run_done < self.run_total else "ready")
        self._after_run()
        self.run_ended.emit(self.state)

    def reset(self) -> None:
        """Put back the parameters from before training, as one undoable step."""
        self.stop(write=False)
        before = self.before
        self._discard(forget_before=True)
        self.run_total = self.run_done = self._run_base = 0
        self.view.loss_plot.clear()
        self.view.norm_plot.clear()
        self.panel.reset_progress()
        if before:
            self._push(TrainParams(self.graph, before, 0, self.session,
                                   text="Reset parameters"))
            self.say("Parameters reset to their values before training")
        self._preview()

    # ------------------------------------------------------------ running
    def _ensure_trainer(self) -> bool:
        settings = self.panel.settings()
        if self.trainer is not None and settings.trainer_key() == self.key:
            self.trainer.optimizer.lr = settings.lr
            return True
        try:
            dataset = self.panel.dataset
            trainer = Trainer(self.graph, dataset, settings.optimizer, settings.lr,
                              settings.batch_size, settings.seed)
            mirror = Mirror(self.graph)
        except GraphError as err:
            self._show_error(err)
            return False
        self.trainer, self.mirror, self.key = trainer, mirror, settings.trainer_key()
        self.session += 1
        self.written, self.best, self.explosion = 0, None, None
        if self.before is None:
            self.before = {k: self.graph.node(k[0])["tensors"][k[1]] for k in trainer.names}
        self.view.loss_plot.clear()
        self.view.norm_plot.set_names([f"{self.graph.label(n)}.{t}" for n, t in trainer.names])
        self.panel.show_message("")
        return True

    def _start(self, steps: int) -> None:
        self.generation += 1
        self._run_base = self.run_done           # a Resume continues the count
        self._last_canvas = time.perf_counter()  # the canvas first refreshes after an interval
        self._set_state("running")
        self.panel.show_message("")
        self.slow = self.speed is not None
        if self.slow:                            # each tick prepares and runs its own chunk
            interval, _ = pace(self.speed)
            self.ticker.start(interval)
            self._tick()
        else:
            self.worker.prepare(self.trainer, self.generation)
            self.worker.run(max(steps, 0))

    # ------------------------------------------------------------ slow pace
    def set_speed(self, rate: float | None) -> None:
        """A new pace; a run going on continues at it (paused and resumed at once)."""
        if rate == self.speed:
            return
        self.speed = rate
        if self.state == "running":
            self._respeed = True
            self.pause_or_resume()

    def _tick(self) -> None:
        """At a slow pace: the next chunk of ``pace(speed)[1]`` steps, unless the last one
        is still going (a slow machine skips a tick rather than queueing them)."""
        if self.state != "running" or not self.slow or not self.worker.idle.is_set():
            return
        left = self.run_total - self.run_done
        if left <= 0:
            return
        self._run_base = self.run_done
        self.worker.prepare(self.trainer, self.generation)
        self.worker.run(min(pace(self.speed)[1], left))

    def _chunk_done(self) -> None:
        """A slow chunk ended: its values and gradients on the canvas and the data view."""
        params = self.trainer.params
        self._plot(len(self.trainer.history), [], [], [], force=True)
        self._show_model(params)
        self._show_on_canvas(params)

    def stop(self, write: bool = True) -> None:
        """Stop a run now (blocks for about one step); keep its steps in the graph if
        ``write``. Reports of the old run still in flight are ignored (new generation)."""
        if self.state not in ("running", "pausing"):
            return
        self.ticker.stop()
        self._respeed = False
        self.generation += 1
        self.worker.request_stop()
        self.worker.wait_idle()
        self._set_state("paused" if self.run_done < self.run_total else "ready")
        if write:
            self._write_back()

    def shutdown(self) -> None:
        """Window closing or application quitting: stop, keep the steps, end the process."""
        self.stop(write=True)
        self.worker.shutdown()

    def eventFilter(self, obj, event) -> bool:
        if obj is self.window and event.type() == QEvent.Close:
            self.shutdown()
        return False

    # ------------------------------------------------------------ worker reports
    def _on_progress(self, p) -> None:
        if p.generation != self.generation or self.trainer is None:
            return
        started, cpu = time.perf_counter(), time.process_time()
        canvas = self._take(p)
        if canvas:                             # what the canvas + inspector cost, paced:
            QCoreApplication.sendPostedEvents()     # their repaint included; and the CPU time
            cost = max(time.perf_counter() - started, time.process_time() - cpu)   # (threads)
            self._canvas_interval = max(CANVAS_INTERVAL, cost / CANVAS_SHARE)

    def _take(self, p) -> bool:
        """Plot a batch; refresh the data view and the canvas when due. True if the canvas was."""
        self.run_done = self._run_base + p.done
        rate = self.speed if self.slow else (p.done / p.elapsed if p.elapsed > 0 else None)
        self._plot(p.start, p.losses, p.norm_steps, p.norms, rate, force=False)
        now = time.perf_counter()
        if p.fresh and now - self._last_boundary >= BOUNDARY_INTERVAL:
            self._last_boundary = now
            self._show_model(p.params)
        if p.fresh and now - self._last_canvas >= self._canvas_interval:
            self._last_canvas = now
            self._show_on_canvas(p.params)
            return True
        return False

    def _on_stopped(self, generation: int, why: str) -> None:
        if generation != self.generation:
            return
        if self.slow and self.state == "running" and why == "finished" \
                and self.run_done < self.run_total:
            self._chunk_done()
            return
        self.ticker.stop()
        if self.slow and why == "finished" and self.run_done < self.run_total:
            why = "paused"                       # Pause came between the chunk's steps
        self._set_state("paused" if why == "paused" else "ready")
        self._after_run()
        if self._respeed and self.state == "paused":
            self._respeed = False
            self._start(self.run_total - self.run_done)     # at the new pace
            return
        self._respeed = False
        self.run_ended.emit(self.state)

    def _on_failed(self, generation: int, err) -> None:
        if generation == self.generation:
            self._fail(err)

    def _fail(self, err: GraphError) -> None:
        """NaN / Inf: the trainer already went back to the last good parameters; keep those."""
        self.ticker.stop()
        self._respeed = False
        self._set_state("ready")
        self._write_back()
        self._show_model(self.trainer.params)
        self._show_error(err)
        if self.explosion is not None:          # say why, and what to do, beside the NaN
            self.say(f"{err} {self.explosion}", error=True)
        self.failed.emit(err)
        self.run_ended.emit("failed")

    # ------------------------------------------------------------ settings
    def _lr_changed(self, lr: float) -> None:
        if self.trainer is not None:
            self.trainer.optimizer.lr = lr          # the shadow's, sent at the next run
            if self.state in ("running", "pausing"):
                self.worker.set_lr(lr)              # and now: between two batches

    def _settings_changed(self) -> None:
        if self.state not in ("running", "pausing"):
            self._discard(forget_before=False)

    def _dataset_changed(self, _dataset) -> None:
        self._settings_changed()
        self._preview()

    # ------------------------------------------------------------ helpers
    def _discard(self, forget_before: bool) -> None:
        self.trainer = self.mirror = self.key = None
        if forget_before:
            self.before = None
        self._set_state("idle")

    def _write_back(self) -> None:
        tr = self.trainer
        steps = len(tr.history) - self.written if tr is not None else 0
        if tr is None or steps <= 0:
            return
        self._push(TrainParams(self.graph, tr.current_tensors(), steps, self.session))
        self.written = len(tr.history)

    def _push(self, command) -> None:
        self._writing = True
        try:
            self.window.undo_stack.push(command)
        finally:
            self._writing = False

    def _set_state(self, state: str) -> None:
        if state in ("running", "pausing"):
            self.blas.engage()
        else:
            self.blas.release()
        if state != self.state:
            self.state = state
            self.panel.set_state(state)
            self.state_changed.emit(state)
