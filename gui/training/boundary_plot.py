"""The data and what the model makes of it, as TensorFlow Playground shows it.

2-D features: the model's output over the plane as an image (orange for 0, blue for 1, pale
near the boundary) with the data points on top and a colour bar saying which colour is which
output. 1-D features: the points (x, y) and the model's
curve. Anything else: a note saying why there is no picture. The dataset alone already gives a
preview (the scatter) before any training.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QVBoxLayout, QWidget

from backprop_studio.gui import plain_text

from .plotting import TEXT, export_png, styled_plot

RESOLUTION = 72                 # grid cells per side of the image
CLASS0, CLASS1 = "#e8710a", "#1565c0"
# Output 0 → light orange, 0.5 → white, 1 → light blue (pale enough for the points to show).
_MAP = pg.ColorMap([0.0, 0.5, 1.0], [(245, 177, 120), (250, 250, 250), (124, 170, 226)])


class BoundaryPlot(QWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.plot = styled_plot("Data · model output", "x₁", "x₀")
        item = self.plot.getPlotItem()
        self.image = pg.ImageItem()
        self.image.setLookupTable(_MAP.getLookupTable(0.0, 1.0, 256))
        self.image.setLevels((0.0, 1.0))
        self.image.setZValue(-10)
        item.addItem(self.image)
        self.colorbar = pg.ColorBarItem(values=(0.0, 1.0), colorMap=_MAP, interactive=False,
                                        width=10)
        self.colorbar.setImageItem(self.image, insert_in=item)
        self.colorbar.axis.setPen(pg.mkPen("#55554f"))
        self.colorbar.axis.setTextPen(pg.mkPen(TEXT))
        self.colorbar.axis.setTicks([[(0.0, "0"), (0.5, "0.5"), (1.0, "1")]])
        self.colorbar.setToolTip("The model's output: 0 orange, 0.5 white (the boundary), "
                                 "1 blue")
        self.points = pg.ScatterPlotItem(size=9, pen=pg.mkPen("w", width=1.2))
        item.addItem(self.points)
        self.curve = item.plot(pen=pg.mkPen("#1b8a2f", width=2.5))
        self.note = pg.TextItem(color=TEXT, anchor=(0.5, 0.5))
        item.addItem(self.note)
        self.dataset = None
        self.mode = "none"
        self.grid: np.ndarray | None = None
        self.values: np.ndarray | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)

    # ------------------------------------------------------------ dataset
    def set_dataset(self, dataset) -> None:
        """Show the data points (the preview) and prepare the grid the model is asked about."""
        self.dataset, self.values = dataset, None
        self.image.clear()
        self.curve.setData([], [])
        self.points.setData([])
        self.note.setText("")
        self.colorbar.setVisible(dataset is not None and dataset.X.shape[1] == 2)
        item = self.plot.getPlotItem()
        if dataset is None:
            self.mode = "none"
            self._say("No dataset: training uses the values stored in the graph")
            return
        d, k = dataset.X.shape[1], dataset.Y.shape[1]
        names = dataset.feature_names
        if d == 2:
            self.mode = "plane"
            item.setLabel("bottom", plain_text.escaped(names[0]), color=TEXT)
            item.setLabel("left", plain_text.escaped(names[1]), color=TEXT)
            self._prepare_plane(dataset.X)
            labels = dataset.Y[:, 0] if k == 1 else np.argmax(dataset.Y, axis=1) / max(k - 1, 1)
            brushes = [pg.mkBrush(CLASS1 if v >= 0.5 else CLASS0) for v in labels]
            self.points.setData(dataset.X[:, 0], dataset.X[:, 1], brush=brushes)
        elif d == 1 and k == 1:
            self.mode = "curve"
            item.setLabel("bottom", plain_text.escaped(names[0]), color=TEXT)
            item.setLabel("left", plain_text.escaped(dataset.target_names[0]),
                          color=TEXT)
            lo, hi = float(dataset.X.min()), float(dataset.X.max())
            pad = 0.05 * (hi - lo or 1.0)
            self.grid = np.linspace(lo - pad, hi + pad, 200)[:, None]
            self.points.setData(dataset.X[:, 0], dataset.Y[:, 0], brush=pg.mkBrush(CLASS1))
        else:
            self.mode = "none"
            self._say(f"{d} features → {k} targets:\nthe picture needs 2 features\n"
                      f"(or 1 feature and 1 target)")
            return                              # the note's own range, not autoRange's
        item.autoRange()

    def _prepare_plane(self, X: np.ndarray) -> None:
        lo, hi = X.min(axis=0), X.max(axis=0)
        pad = 0.1 * np.maximum(hi - lo, 1e-9)
        lo, hi = lo - pad, hi + pad
        xs = np.linspace(lo[0], hi[0], RESOLUTION)
        ys = np.linspace(lo[1], hi[1], RESOLUTION)
        gx, gy = np.meshgrid(xs, ys)            # row = y, column = x
        self.grid = np.column_stack([gx.ravel(), gy.ravel()])
        self._rect = QRectF(lo[0], lo[1], hi[0] - lo[0], hi[1] - lo[1])

    def _say(self, text: str) -> None:
        self.note.setText(text)
        self.note.setPos(0.5, 0.5)
        self.plot.getPlotItem().setRange(xRange=(0, 1), yRange=(0, 1))

    # ------------------------------------------------------------ model output
    @property
    def wants_model(self) -> bool:
        return self.mode in ("plane", "curve")

    def show_model(self, predict) -> None:
        """Ask ``predict(X) -> outputs`` about the grid and draw the answer."""
        if not self.wants_model or self.grid is None:
            return
        out = np.asarray(predict(self.grid), dtype=float)
        out = out.reshape(len(self.grid), -1)
        if self.mode == "curve":
            self.values = out[:, 0]
            self.curve.setData(self.grid[:, 0], self.values)
            return
        if out.shape[1] == 1:
            values = out[:, 0]
        else:                                   # several classes: the winner, spread on 0…1
            values = np.argmax(out, axis=1) / (out.shape[1] - 1)
        self.values = np.clip(np.nan_to_num(values, nan=0.5), 0.0, 1.0)
        # ImageItem's first axis is x: the grid's rows are y, so transpose.
        self.image.setImage(self.values.reshape(RESOLUTION, RESOLUTION).T, autoLevels=False,
                            levels=(0.0, 1.0))
        self.image.setRect(self._rect)

    def export_png(self, path: str) -> None:
        export_png(self.plot, path)
