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
            self.plot.setMinimumHeight(120)
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
        self.plot.getPlotItem().setRange(xRange=(0, arr.shape[1]), yRange=(0, arr.shape[0]),
                                         padding=0)
