"""How the Training dock shows a run: the plots, the progress text, the model's output over
the data, values and gradients on the canvas. A mixin of ``TrainingController`` (which owns the
state these read: trainer, mirror, view, panel, window)."""

from __future__ import annotations

import math
import time

from backprop_studio.engine import GraphError, run
from backprop_studio.engine.train import fed_inputs

from . import explosion
from .mirror import Mirror

TEXT_INTERVAL = 0.25           # seconds between progress-text updates: four a second are
                               # readable, and each one repaints part of the panel


class TrainingDisplay:
    def _plot(self, start, losses, norm_steps, norms, rate=None, force=True) -> None:
        view, tr = self.view, self.trainer
        if start != view.loss_plot.count:            # a batch was dropped by a stop: resync
            view.loss_plot.clear()
            view.loss_plot.append(0, tr.history[:start])
        view.loss_plot.append(start, losses)
        view.norm_plot.append(norm_steps, norms)
        self._check_explosion(losses)
        if len(losses):
            low = float(min(losses))
            if math.isfinite(low):
                self.best = low if self.best is None else min(self.best, low)
        now = time.perf_counter()
        if force or now - self._last_text >= TEXT_INTERVAL:
            self._last_text = now
            last = float(losses[-1]) if len(losses) else (tr.history[-1] if tr.history else None)
            self._rate = rate or self._rate
            self.panel.show_progress(self.run_done, self.run_total, len(tr.history), self._rate,
                                     last, self.best)

    def _check_explosion(self, losses) -> None:
        """Warn once per trainer when a loss passes the engine's explosion line (1000× the
        first; the hint: lower the learning rate); it stays in the panel until the next run."""
        tr = self.trainer
        if self.explosion is not None or not tr.history or not len(losses):
            return
        loss = explosion.exploded(float(tr.history[0]), losses)
        if loss is not None:
            self.explosion = explosion.warning(float(tr.history[0]), loss,
                                               getattr(tr.optimizer, "lr", None))
            # a warning, not an error: it stays (the write-back of the trained parameters is an
            # edit, and an edit clears errors) until the next message replaces it
            self.panel.show_message(self.explosion, warning=True)
            self.window.statusBar().showMessage(self.explosion)

    def _after_run(self) -> None:
        tr = self.trainer
        self.view.norm_plot.redraw()                 # the last norms now (after a run or a Step)
        self.panel.show_progress(self.run_done, self.run_total, len(tr.history), self._rate,
                                 tr.history[-1] if tr.history else None, self.best)
        self._write_back()
        self._show_model(self.trainer.params)
        self._show_on_canvas(None, trace=True)

    def _show_model(self, params) -> None:
        if self.mirror is None or not self.view.boundary_plot.wants_model:
            return
        self.mirror.set_params(self.trainer.names, params)
        try:
            self.view.boundary_plot.show_model(self.mirror.predict)
        except GraphError:
            pass                                    # the view is a picture; errors show elsewhere

    def _batch(self):
        ds = self.trainer.dataset if self.trainer is not None else self.panel.dataset
        if ds is None:
            return None, None
        n = min(self.panel.batch.value(), len(ds))
        return ds.X[:n], ds.Y[:n]

    def _show_on_canvas(self, params, trace: bool = False) -> None:
        """Values and gradients of the first batch: the mirror's while running (no trace), the
        graph's own after a pause (with the trace, for the backward-pass animation)."""
        show = getattr(self.window, "show_result", None)
        if show is None:
            return
        X, Y = self._batch()
        try:
            if params is None:
                feeds = fed_inputs(self.graph)
                data = {feeds["features"]: X, feeds["targets"]: Y} if X is not None else None
                result = run(self.graph, data, trace=trace)
            else:
                self.mirror.set_params(self.trainer.names, params)
                result = self.mirror.result(X, Y, trace=False)
        except GraphError:
            return
        show(result)

    def _preview(self) -> None:
        """The data (and what the untrained model makes of it) before any training."""
        plot = self.view.boundary_plot
        try:
            plot.set_dataset(self.panel.dataset)
            if self.graph is not None and plot.wants_model:
                plot.show_model(Mirror(self.graph).predict)
        except (GraphError, KeyError, ValueError):
            pass

    def say(self, text: str, error: bool = False) -> None:
        self.panel.show_message(text if error else "")
        show = getattr(self.window, "show_message", None)
        if show is not None:
            show(text, error=error)
        else:
            self.window.statusBar().showMessage(text, 0 if error else 8000)

    def _show_error(self, err: GraphError) -> None:
        """Outline the node (if the window can) and say what happened, in the panel too."""
        show = getattr(self.window, "show_error", None)
        if show is not None and getattr(err, "node", None):
            show(err)
        self.say(str(err), error=True)
