"""Gradient norms per trainable tensor over training, on a log scale, so vanishing (falling
towards 0) or exploding (climbing by decades) gradients show at a glance.

Norms arrive sampled (every step at first, then every tenth; see engine/train_process.py); the x
axis is the step, so sampling does not distort the picture. One curve per tensor, created once.
The curves are redrawn at most once a second (a trend, not a ticker; while training runs, every
frame drawn here is taken from the training process's cores), by the batch that finds the
interval over: every sample is kept at once, and a timer draws the last ones only if no batch
comes for a while (the end of a run also draws them at once).
"""

from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QVBoxLayout, QWidget

from backprop_studio.gui import plain_text

from .plotting import (
    PEAKS_PER_PIXEL,
    SERIES,
    Growing,
    SteadyRange,
    cache_legend,
    export_png,
    styled_plot,
)

TINY = 1e-30
REDRAW_INTERVAL = 1.0       # seconds between redraws while norms stream in (6 curves: 4 ms a
                            # redraw on a busy machine, bench/bench_training_gui.py)
QUIET = 0.15                # …and how long after the interval, with no batch, the timer draws
clock = time.perf_counter


class GradNormPlot(QWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.plot = styled_plot("Gradient norm ‖∂L/∂θ‖ per parameter", "norm")
        item = self.plot.getPlotItem()
        item.setLogMode(y=True)
        item.setDownsampling(auto=True, mode="peak")
        item.setClipToView(True)
        self.legend = item.addLegend(offset=(-10, 10), labelTextColor="#33332f",
                                brush=pg.mkBrush(255, 255, 255, 215), pen=pg.mkPen("#d0d0cb"))
        self.curves: list[pg.PlotDataItem] = []
        self.names: list[str] = []
        self._data = Growing(1)
        self.range = SteadyRange(self.plot)
        self._low, self._high = np.inf, -np.inf
        self._drawn_at = -np.inf
        self._pending = QTimer(self, singleShot=True, timeout=self.redraw)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)

    def set_names(self, names: list[str]) -> None:
        """One curve per tensor, e.g. "hidden z¹.W"; clears the data."""
        item = self.plot.getPlotItem()
        for curve in self.curves:
            item.removeItem(curve)
        self.legend.clear()
        self.names = list(names)
        self.curves = [item.plot(pen=pg.mkPen(SERIES[i % len(SERIES)], width=1),
                                 name=plain_text.escaped(name),
                                 autoDownsampleFactor=PEAKS_PER_PIXEL)
                       for i, name in enumerate(self.names)]
        cache_legend(self.legend)
        self._data = Growing(1 + len(self.names))
        self._low, self._high = np.inf, -np.inf
        self.range.reset()

    def append(self, steps: list[int], norms: list[list[float]]) -> None:
        if not steps:
            return
        rows = np.column_stack([np.asarray(steps, dtype=float), np.asarray(norms, dtype=float)])
        self._data.extend(rows)
        values = np.maximum(rows[:, 1:], TINY)
        finite = values[np.isfinite(values)]
        if len(finite):
            self._low = min(self._low, float(finite.min()))
            self._high = max(self._high, float(finite.max()))
        wait = self._drawn_at + REDRAW_INTERVAL - clock()
        if wait <= 0:
            self.redraw()
        else:                           # restarted by every batch: a fallback, not a ticker
            self._pending.start(int(1000 * (wait + QUIET)))

    def redraw(self) -> None:
        """Hand the curves everything appended so far."""
        self._pending.stop()
        self._drawn_at = clock()
        data = self._data.view()
        x = data[:, 0]
        for i, curve in enumerate(self.curves):
            curve.setData(x, np.maximum(data[:, 1 + i], TINY))
        if len(x) and np.isfinite(self._low):
            self.range.update(int(x[-1]) + 1, self._low, self._high, log=True)

    def clear(self) -> None:
        self._pending.stop()
        self._data.clear()
        self._low, self._high = np.inf, -np.inf
        self.range.reset()
        for curve in self.curves:
            curve.setData([], [])

    @property
    def count(self) -> int:
        return self._data.n

    def norms(self) -> np.ndarray:
        """Rows of step, then one norm per tensor."""
        return self._data.view().copy()

    def export_png(self, path: str) -> None:
        if self._pending.isActive():
            self.redraw()
        export_png(self.plot, path)
