"""A matrix as a pyqtgraph heatmap (ImageItem). pyqtgraph is imported on first use, not at
startup: the window must be on screen within 1.2 s, and most graphs are scalar."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QVBoxLayout, QWidget

from backprop_studio.engine.numbers import format_number


class Heatmap(QWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.plot = None
        self.image = None

    def show_matrix(self, matrix, title: str = "") -> None:
        import pyqtgraph as pg
        arr = np.atleast_2d(np.asarray(matrix, dtype=float))
        if self.plot is None:
            self.plot = pg.PlotWidget(background="w")
            self.plot.setMinimumHeight(80)          # the Animation tab is 200 px tall
            self.plot.setMaximumHeight(180)
            self.plot.setMouseEnabled(False, False)
            self.plot.hideButtons()
            self.plot.getPlotItem().invertY(True)
            self.image = pg.ImageItem(axisOrder="row-major")
            self.plot.addItem(self.image)
            self._layout.addWidget(self.plot)
        limit = float(np.max(np.abs(arr))) or 1.0
        self.image.setImage(arr, levels=(-limit, limit))
        self.image.setColorMap(pg.colormap.get("CET-D1"))     # diverging: blue, white, red
        self.plot.setTitle(f"{title}  (±{format_number(limit)})" if title else None, size="8pt")
        item = self.plot.getPlotItem()
        item.setRange(xRange=(0, arr.shape[1]), yRange=(0, arr.shape[0]), padding=0)
        item.getAxis("bottom").setTicks([cell_ticks(arr.shape[1])])
        item.getAxis("left").setTicks([cell_ticks(arr.shape[0])])


def cell_ticks(n: int, most: int = 8) -> list[tuple[float, str]]:
    """Row or column numbers 1…n at the cells' centres (not 0, 0.5, 1.0 at their edges),
    every k-th when there are more than ``most``."""
    k = max(1, -(-n // most))
    return [(i + 0.5, str(i + 1)) for i in range(0, n, k)]
