"""Shared pieces of the training plots: a light style that matches the canvas, a growing buffer
that hands pyqtgraph views instead of copies, and PNG export through pyqtgraph's exporter."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from pyqtgraph.exporters import ImageExporter

BACKGROUND = "#ffffff"
AXIS = "#55554f"
TEXT = "#33332f"
# Okabe–Ito: distinguishable for colour-blind readers, one per trainable tensor.
SERIES = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000",
          "#f0e442"]


def styled_plot(title: str, left: str, bottom: str = "step") -> pg.PlotWidget:
    widget = pg.PlotWidget(background=BACKGROUND)
    item = widget.getPlotItem()
    item.setTitle(title, color=TEXT, size="10pt")
    for name, text in (("left", left), ("bottom", bottom)):
        axis = item.getAxis(name)
        axis.setPen(pg.mkPen(AXIS))
        axis.setTextPen(pg.mkPen(TEXT))
        axis.setLabel(text, color=TEXT)
        axis.enableAutoSIPrefix(False)         # "loss", never "loss (x0.001)"
    item.showGrid(x=True, y=True, alpha=0.15)
    item.setMenuEnabled(True)
    widget.setMinimumSize(220, 160)
    return widget


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
