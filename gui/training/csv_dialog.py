"""Map a CSV file's columns onto the graph's features and targets, with a look at the data first.

Each column gets a role (feature, target or ignored); the first rows are shown as a table, and
as a scatter coloured by the target when exactly two features are chosen. OK asks the engine to
load the file; a bad row is refused with its line number and the dialog stays open.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from backprop_studio.engine import GraphError, datasets
from backprop_studio.gui import plain_text

from .plotting import styled_plot

ROLES = ("feature", "target", "ignore")
PREVIEW_ROWS = 200


def _read_rows(path: Path, limit: int) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader, None)
        return [row for _, row in zip(range(limit), reader)]


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return float("nan")


class CsvDialog(QDialog):
    """Raises GraphError from the constructor if the file has no header row."""

    def __init__(self, path, parent=None) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self.setWindowTitle(f"Load {self.path.name}")
        self.header = datasets.read_csv_header(self.path)
        self.rows = _read_rows(self.path, PREVIEW_ROWS)
        self.dataset = None

        self.roles = QTableWidget(len(self.header), 3)
        self.roles.setHorizontalHeaderLabels(["Column", "Use as", "First values"])
        self.roles.verticalHeader().hide()
        self.role_boxes: list[QComboBox] = []
        for i, name in enumerate(self.header):
            self.roles.setItem(i, 0, QTableWidgetItem(name))
            box = QComboBox()
            box.addItems(ROLES)
            box.setCurrentText("target" if i == len(self.header) - 1 else "feature")
            box.currentIndexChanged.connect(self._refresh)
            self.role_boxes.append(box)
            self.roles.setCellWidget(i, 1, box)
            sample = ", ".join(r[i] for r in self.rows[:4] if i < len(r))
            self.roles.setItem(i, 2, QTableWidgetItem(sample))
        self.roles.horizontalHeader().setSectionResizeMode(2, QHeaderView.Stretch)

        self.preview = QTableWidget(len(self.rows), len(self.header))
        self.preview.setHorizontalHeaderLabels(self.header)
        for r, row in enumerate(self.rows):
            for c, cell in enumerate(row[:len(self.header)]):
                self.preview.setItem(r, c, QTableWidgetItem(cell))
        self.scatter_plot = styled_plot("Preview", "", "")
        self.scatter = pg.ScatterPlotItem(size=6, pen=pg.mkPen("w", width=0.8))
        self.scatter_plot.addItem(self.scatter)
        self.summary = plain_text.plain(QLabel())
        self.error = plain_text.plain(QLabel())
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c62828;")
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        top = QHBoxLayout()
        top.addWidget(self.roles, 1)
        top.addWidget(self.scatter_plot, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top, 2)
        layout.addWidget(plain_text.plain(QLabel(f"First {len(self.rows)} rows of "
                                                 f"{self.path.name}:")))
        layout.addWidget(self.preview, 2)
        layout.addWidget(self.summary)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(820, 620)
        self._refresh()

    def columns(self, role: str) -> list[str]:
        return [name for name, box in zip(self.header, self.role_boxes)
                if box.currentText() == role]

    def set_role(self, column: str, role: str) -> None:
        self.role_boxes[self.header.index(column)].setCurrentText(role)

    def _refresh(self) -> None:
        features, targets = self.columns("feature"), self.columns("target")
        self.summary.setText(f"{len(features)} feature column(s) → {len(targets)} target "
                             f"column(s)")
        self.error.setText("")
        if len(features) == 2 and self.rows:
            idx = [self.header.index(c) for c in features]
            pts = np.array([[_number(r[i]) if i < len(r) else np.nan for i in idx]
                            for r in self.rows])
            colour = np.zeros(len(self.rows))
            if targets:
                t = self.header.index(targets[0])
                colour = np.array([_number(r[t]) if t < len(r) else np.nan for r in self.rows])
            ok = np.all(np.isfinite(pts), axis=1)
            hi = np.nanmax(colour) if np.any(np.isfinite(colour)) else 0.0
            brushes = [pg.mkBrush("#1565c0" if c >= hi * 0.5 and hi > 0 else "#e8710a")
                       for c in colour[ok]]
            self.scatter.setData(pts[ok, 0], pts[ok, 1], brush=brushes)
            item = self.scatter_plot.getPlotItem()
            item.setLabel("bottom", features[0])
            item.setLabel("left", features[1])
            item.setTitle("Preview (first rows)")
        else:
            self.scatter.setData([])
            self.scatter_plot.getPlotItem().setTitle("Scatter preview: choose 2 features")

    def accept(self) -> None:
        try:
            self.dataset = datasets.load_csv(self.path, self.columns("feature"),
                                             self.columns("target"))
        except GraphError as exc:
            self.error.setText(str(exc))
            return
        super().accept()
