"""Map a CSV file's columns onto the graph's features and targets, with a look at the data first.

Each column gets a role (feature, target or ignored), guessed from the first rows: numeric
columns are features and the last numeric one the target; text columns are ignored. The first
rows are shown as a table, with any cell of a chosen column that is not a number in red, and as
a scatter coloured by the target when exactly two features are chosen. OK asks the engine to
load the file; a bad row is refused with its line number, its cell highlighted if it is in the
preview, and the dialog stays open.
"""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QBrush, QColor
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


BAD_CELL = QColor("#f8c9c4")


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return float("nan")


def _is_number(text: str) -> bool:
    return math.isfinite(_number(text))


def guess_roles(header: list[str], rows: list[list[str]]) -> list[str]:
    """A role per column: numeric columns (most of their non-empty cells are numbers) are
    features, the last numeric one the target, the others ignored."""
    numeric = []
    for i in range(len(header)):
        cells = [r[i].strip() for r in rows if i < len(r) and r[i].strip()]
        numeric.append(bool(cells) and 2 * sum(map(_is_number, cells)) > len(cells))
    roles = ["feature" if n else "ignore" for n in numeric]
    last = max((i for i, n in enumerate(numeric) if n), default=None)
    if last is not None and sum(numeric) >= 2:
        roles[last] = "target"
    return roles


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
        guessed = guess_roles(self.header, self.rows)
        for i, name in enumerate(self.header):
            self.roles.setItem(i, 0, QTableWidgetItem(name))
            box = QComboBox()
            box.addItems(ROLES)
            box.setCurrentText(guessed[i])
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
        self.bad_cells = self._mark_bad_cells(features + targets)
        if self.bad_cells:
            r, c = self.bad_cells[0]
            self.error.setText(f"Row {r + 1}, column {self.header[c]}: "
                               f"“{self.preview.item(r, c).text()}” is not a number (in red "
                               f"below); OK will refuse the file until it is fixed or the "
                               f"column ignored")
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

    def _mark_bad_cells(self, columns: list[str]) -> list[tuple[int, int]]:
        """Colour every preview cell of ``columns`` that is not a number; (row, column) of
        each, and the first one scrolled into view."""
        chosen = {self.header.index(c) for c in columns}
        bad = []
        for r in range(self.preview.rowCount()):
            for c in range(self.preview.columnCount()):
                item = self.preview.item(r, c)
                if item is None:
                    continue
                wrong = c in chosen and not _is_number(item.text())
                item.setBackground(QBrush(BAD_CELL) if wrong else QBrush())
                item.setToolTip("not a number" if wrong else "")
                if wrong:
                    bad.append((r, c))
        if bad:
            self.preview.scrollToItem(self.preview.item(*bad[0]))
        return bad

    def accept(self) -> None:
        try:
            self.dataset = datasets.load_csv(self.path, self.columns("feature"),
                                             self.columns("target"))
        except GraphError as exc:
            self.error.setText(str(exc))
            line = re.search(r"line (\d+)", str(exc))
            row = int(line.group(1)) - 2 if line else -1       # line 1 is the header
            if 0 <= row < self.preview.rowCount():
                self.preview.selectRow(row)
                self.preview.scrollToItem(self.preview.item(row, 0))
            return
        super().accept()
