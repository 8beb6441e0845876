"""The live loss curve: every step's loss plus a smoothed trend, log scale on demand.

Both curves are created once and fed with ``setData`` on views of growing buffers; downsampling
(peak mode, so spikes stay visible) and clip-to-view keep a frame cheap at 100,000 steps
(bench/bench_training_gui.py measures it).
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from .plotting import (
    PEAKS_PER_PIXEL,
    Growing,
    Legend,
    SteadyRange,
    export_png,
    styled_plot,
)

SMOOTHING = 0.03            # exponential moving average weight of the newest loss
_CHUNK = 256                # EMA in chunks so (1 − α)^−i stays far from overflow
RAW, SMOOTH = "#9ec5e8", "#08306b"   # the per-step and smoothed curves
TINY = 1e-12                # log scale shows a zero loss here instead of −∞


def ema(x: np.ndarray, previous: float | None, alpha: float = SMOOTHING) -> np.ndarray:
    """s_i = α·x_i + (1 − α)·s_{i−1}, vectorised (s_{−1} = x_0 when there is no previous)."""
    out = np.empty(len(x))
    if not len(x):
        return out
    prev = x[0] if previous is None else previous
    beta = 1.0 - alpha
    with np.errstate(over="ignore", invalid="ignore"):     # a diverging loss near 1e308
        for lo in range(0, len(x), _CHUNK):
            chunk = x[lo:lo + _CHUNK]
            powers = beta ** np.arange(1, len(chunk) + 1)
            out[lo:lo + len(chunk)] = powers * prev + alpha * powers * np.cumsum(chunk / powers)
            prev = out[lo + len(chunk) - 1]
    return out


class LossPlot(QWidget):
    log_changed = Signal(bool)      # log scale turned on or off from the plot's own menu

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.plot = styled_plot("Loss", "loss")
        item = self.plot.getPlotItem()
        item.setDownsampling(auto=True, mode="peak")
        item.setClipToView(True)
        # Both 1 px wide, told apart by colour: a wider pen goes through Qt's path stroker,
        # which took 40 % of a frame (bench/bench_training_gui.py).
        self.raw = item.plot(pen=pg.mkPen(RAW, width=1), name="per step",
                             autoDownsampleFactor=PEAKS_PER_PIXEL)
        self.smooth = item.plot(pen=pg.mkPen(SMOOTH, width=1), name="smoothed",
                                autoDownsampleFactor=PEAKS_PER_PIXEL)
        self.smooth.setDownsampling(auto=True, method="subsample")   # smooth: 1 point/pixel
        self.legend = Legend()
        self.legend.set_entries([(RAW, "per step"), (SMOOTH, "smoothed")])
        self._xy = Growing(3)            # step, loss, smoothed loss
        self._steps = np.arange(1024)    # x as integers: pyqtgraph then knows they are all
                                         # finite and skips a pass over them in every frame
        self.range = SteadyRange(self.plot)
        self._low, self._high = math.inf, -math.inf
        self.log = False
        item.ctrl.logYCheck.toggled.connect(self._menu_log)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.plot)
        layout.addWidget(self.legend)

    # ------------------------------------------------------------ data
    def append(self, start: int, losses: np.ndarray) -> None:
        """Add the losses of steps start, start+1, …; refuses a gap so no step goes missing."""
        losses = np.asarray(losses, dtype=float)
        if not len(losses):
            return
        if start != self._xy.n:
            raise ValueError(f"loss batch starts at step {start}, the plot has {self._xy.n}")
        previous = self._xy.view()[-1, 2] if self._xy.n else None
        steps = np.arange(start, start + len(losses), dtype=float)
        self._xy.extend(np.column_stack([steps, losses, ema(losses, previous)]))
        finite = losses[np.isfinite(losses)]
        if len(finite):
            self._low = min(self._low, float(finite.min()))
            self._high = max(self._high, float(finite.max()))
        self._redraw()

    def _redraw(self) -> None:
        data = self._xy.view()
        n = len(data)
        if n > len(self._steps):
            self._steps = np.arange(max(n, 2 * len(self._steps)))
        x, y, s = self._steps[:n], data[:, 1], data[:, 2]
        if self.log:
            y, s = np.maximum(y, TINY), np.maximum(s, TINY)
        self.raw.setData(x, y)
        self.smooth.setData(x, s)
        low = max(self._low, TINY) if self.log else self._low
        self.range.update(self._xy.n, low, max(self._high, low), self.log)

    def clear(self) -> None:
        self._xy.clear()
        self._low, self._high = math.inf, -math.inf
        self.raw.setData([], [])
        self.smooth.setData([], [])
        self.range.blank(self.log)

    def _menu_log(self, on: bool) -> None:
        """Log Y in the plot's menu (Plot Options → Transforms) does what the panel's box does:
        the axis range and the zero-loss floor follow, and the box is told."""
        if bool(on) != self.log:
            self.set_log(on)
            self.log_changed.emit(self.log)

    def set_log(self, on: bool) -> None:
        if bool(on) == self.log:          # e.g. the panel's box, ticked after the menu's toggle
            return
        self.log = bool(on)
        self.plot.getPlotItem().setLogMode(y=self.log)
        self.range.reset()
        self._redraw()

    # ------------------------------------------------------------ reading
    @property
    def count(self) -> int:
        return self._xy.n

    def losses(self) -> np.ndarray:
        return self._xy.view()[:, 1].copy()

    def export_png(self, path: str) -> None:
        export_png(self.plot, path)

    def export_csv(self, path: str) -> None:
        """step, loss, smoothed — one row per step, full precision."""
        data = self._xy.view()
        with open(path, "w", encoding="utf-8", newline="") as handle:
            handle.write("step,loss,smoothed_loss\n")
            for step, loss, smooth in data:
                handle.write(f"{int(step) + 1},{float(loss)!r},{float(smooth)!r}\n")
