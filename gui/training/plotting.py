"""Shared pieces of the training plots: a light style that matches the canvas, a growing buffer
that hands pyqtgraph views instead of copies, and PNG export through pyqtgraph's exporter."""

from __future__ import annotations

import html
import math

import numpy as np
import pyqtgraph as pg
from pyqtgraph.exporters import ImageExporter
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGraphicsItem, QLabel, QSizePolicy

BACKGROUND = "#ffffff"
AXIS = "#55554f"
TEXT = "#33332f"
PEAKS_PER_PIXEL = 1.0       # downsampling bins per pixel column: peak mode draws each column's
                            # min and max, the curve's exact envelope (pyqtgraph's default, 5,
                            # draws five times the segments for the same picture)
# Okabe–Ito: distinguishable for colour-blind readers, one per trainable tensor.
SERIES = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000",
          "#f0e442"]


def _shrinkable(label) -> None:
    """pyqtgraph's LabelItem makes its text's width its minimum (``updateMin``), so a long
    title keeps the whole plot wider than its widget, which then cuts off the right side."""
    def update_min() -> None:
        original()
        label.setMinimumWidth(0)
        label._sizeHint[Qt.SizeHint.MinimumSize] = (0, label._sizeHint[Qt.SizeHint.MinimumSize][1])
        label.updateGeometry()
    original = label.updateMin
    label.updateMin = update_min
    update_min()


class LogLabels(pg.AxisItem):
    """An axis that, in log mode, marks 1, 2 and 5 of each decade: pyqtgraph labels every one of
    2…9 in a decade tall enough for their ticks but not for their text, and in a plot 150 px
    tall those labels pile up ("0.09 0.08 0.07…")."""

    KEEP = (1, 2, 5)

    def logTickValues(self, minVal, maxVal, size, stdTicks):
        levels = super().logTickValues(minVal, maxVal, size, stdTicks)
        out = []
        for spacing, values in levels:
            if spacing is None:                 # the 2…9 level, as log10 of each value
                values = [v for v in values if round(10 ** (v - math.floor(v))) in self.KEEP]
            out.append((spacing, values))
        return out


def styled_plot(title: str, left: str, bottom: str = "step") -> pg.PlotWidget:
    widget = pg.PlotWidget(background=BACKGROUND, axisItems={"left": LogLabels("left")})
    item = widget.getPlotItem()
    item.setTitle(title, color=TEXT, size="10pt")
    _shrinkable(item.titleLabel)             # a narrow plot clips its title, not its data
    for name, text in (("left", left), ("bottom", bottom)):
        axis = item.getAxis(name)
        axis.setPen(pg.mkPen(AXIS))
        axis.setTextPen(pg.mkPen(TEXT))
        axis.setLabel(text, color=TEXT)
        axis.enableAutoSIPrefix(False)         # "loss", never "loss (x0.001)"
    item.showGrid(x=True, y=True, alpha=0.15)
    item.setMenuEnabled(True)
    widget.setMinimumSize(150, 120)
    return widget


DYNAMIC_RANGE_LIMIT = 1e6   # pyqtgraph's default, for a view zoomed by hand (see SteadyRange)
STEPS = (1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)
STEP_AXIS = (1.0, 2.0, 2.5, 5.0, 10.0)     # the step axis grows all the time: 4 new ranges a
                                           # decade, not 8 (each redraws axes, grid and curves)


def nice_ceiling(value: float, steps=STEPS) -> float:
    """The next of ``steps`` × 10^k (by default 1, 1.5, 2, 3, 4, 5, 6, 8) at or above ``value``."""
    if value <= 0:
        return 1.0
    decade = 10.0 ** math.floor(math.log10(value))
    return next(m * decade for m in steps if m * decade >= value * (1 - 1e-12))


class SteadyRange:
    """Axis ranges that change in steps, not every frame.

    pyqtgraph's auto-range moves the axes on every new point, and redrawing the axes' text is
    most of a frame's cost. Here x runs from 0 to a "nice" bound and y covers the data in nice
    steps (whole decades on a log scale), so the axes are redrawn a few times per decade and
    each frame repaints only the curves. A manual pan or zoom turns it off until ``reset``.
    """

    def __init__(self, plot: pg.PlotWidget) -> None:
        self.item = plot.getPlotItem()
        self.box = self.item.getViewBox()
        self.box.disableAutoRange()
        self.follow = True
        self.current = None
        self._setting = False                        # True while update() moves the view
        self.box.sigRangeChangedManually.connect(self._manual)
        self.box.sigRangeChanged.connect(self._moved)
        for name in ("left", "bottom"):              # repainted only when their ticks change
            self.item.getAxis(name).setCacheMode(QGraphicsItem.DeviceCoordinateCache)
        self.reset()

    def _manual(self, *_args) -> None:
        self.follow = False
        self.limit_far_points(True)

    def _moved(self, *_args) -> None:
        """Something else moved the view (the menu, "View All", code): limit far points until
        ``update`` sets the view again, which it does at the next batch while following."""
        if not self._setting:
            self.current = None
            self.limit_far_points(True)

    def reset(self) -> None:
        """Follow the data again (from the next ``update``)."""
        self.follow, self.current = True, None

    def blank(self, log: bool) -> None:
        """No data (a new graph, Reset): the axes of an empty plot, not the last run's."""
        self.reset()
        self._setting = True
        try:
            self.box.setRange(xRange=(0, 10), yRange=(-3, 1) if log else (0, 1), padding=0.02)
        finally:
            self._setting = False

    def limit_far_points(self, on: bool) -> None:
        """pyqtgraph's dynamic range limit works around a Qt bug when a view is zoomed deep
        into a much wider curve, at the price of a pass over all the data in every frame
        (a third of a loss-plot frame at 100,000 steps). A view set by ``update`` shows all
        the data, so it needs the limit only while something else has set the view."""
        for curve in self.item.listDataItems():
            curve.setDynamicRangeLimit(DYNAMIC_RANGE_LIMIT if on else None)

    def update(self, steps: int, low: float, high: float, log: bool) -> None:
        if not self.follow or not (math.isfinite(low) and math.isfinite(high)):
            return
        x = nice_ceiling(max(steps, 10), STEP_AXIS)
        if log:
            low, high = max(low, 1e-300), max(high, 1e-300)
            y = (math.floor(math.log10(low)), math.ceil(math.log10(high) + 1e-9))
        else:
            top = nice_ceiling(high) if high > 0 else 0.0
            bottom = 0.0 if low >= 0 else -nice_ceiling(-low)
            y = (bottom, top if top > bottom else bottom + 1.0)
        if (x, y) == self.current:
            return
        if not all(math.isfinite(1.1 * v) for v in y):   # a diverging loss near 1e308: no
            self.limit_far_points(True)                  # padded range fits in a float
            return
        self._setting = True
        try:
            self.box.setRange(xRange=(0, x), yRange=y, padding=0.02)
        finally:
            self._setting = False
        self.current = (x, y)
        self.limit_far_points(False)                     # the view shows all the data


class Legend(QLabel):
    """A legend under a plot, outside the data: coloured line samples and names that wrap to
    the plot's width (a legend inside the view box covers the curves it names)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Minimum)
        self.setStyleSheet(f"color: {TEXT}; background: {BACKGROUND}; padding: 0 6px 2px 6px;")
        self.entries: list[tuple[str, str]] = []

    def set_entries(self, entries: list[tuple[str, str]]) -> None:
        """(colour, name) pairs, in the order of the curves."""
        self.entries = list(entries)
        parts = [f"<span style='color:{colour}; font-weight:bold'>━━</span>&nbsp;"
                 f"{html.escape(name).replace(' ', '&nbsp;')}"      # wrap between entries only
                 for colour, name in self.entries]
        self.setText("&nbsp;&nbsp; ".join(parts))
        self.setVisible(bool(parts))


def export_png(widget: pg.PlotWidget, path: str, width: int = 1200) -> None:
    """Write the plot as a PNG at a readable size (pyqtgraph's ImageExporter)."""
    exporter = ImageExporter(widget.getPlotItem())
    exporter.parameters()["width"] = width
    exporter.export(str(path))


class Growing:
    """A float array that grows by doubling; ``view()`` is the filled part without a copy."""

    def __init__(self, columns: int = 1, capacity: int = 1024) -> None:
        self.data = np.empty((capacity, columns))
        self.n = 0

    def extend(self, rows: np.ndarray) -> None:
        rows = np.asarray(rows, dtype=float).reshape(len(rows), self.data.shape[1])
        need = self.n + len(rows)
        if need > len(self.data):
            bigger = np.empty((max(need, 2 * len(self.data)), self.data.shape[1]))
            bigger[:self.n] = self.data[:self.n]
            self.data = bigger
        self.data[self.n:need] = rows
        self.n = need

    def view(self) -> np.ndarray:
        return self.data[:self.n]

    def clear(self) -> None:
        self.n = 0
