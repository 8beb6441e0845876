"""Editing a node's tensor: a spin box for a scalar, a small table for a vector or matrix, and
always a text line (JSON-style, e.g. ``[[1, 2], [3, 4]]``) that can also change the shape.

Nothing reaches the graph unless it parses to finite numbers in a rectangular array; otherwise
the entry is refused, the old value stays, and a red line under the editor says why.
"""

from __future__ import annotations

import json
import math

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QDoubleSpinBox, QHeaderView, QLabel, QLineEdit,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

TABLE_MAX = 64          # larger arrays are edited as text only


def parse_tensor(text: str):
    """A float or a float64 array from text; ValueError with a reason a person can act on."""
    text = text.strip()
    if not text:
        raise ValueError("enter a number, or a list such as [1, 2, 3]")
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        parts = text.replace(",", " ").split()
        try:
            data = [float(p) for p in parts] if len(parts) > 1 else float(text)
        except ValueError:
            raise ValueError(f"“{text}” is not a number or a list of numbers") from None
    return check_tensor(data)


def check_tensor(data):
    if isinstance(data, bool) or isinstance(data, str) or data is None:
        raise ValueError(f"“{data}” is not a number")
    if isinstance(data, (int, float)):
        if not math.isfinite(data):
            raise ValueError("numbers must be finite (no NaN or infinity)")
        return float(data)
    try:
        arr = np.array(data, dtype=float)
    except (TypeError, ValueError):
        raise ValueError("rows must all have the same length and hold only numbers") from None
    if arr.ndim == 0:
        return check_tensor(float(arr))
    if arr.size == 0:
        raise ValueError("an empty list holds no numbers")
    if not np.all(np.isfinite(arr)):
        raise ValueError("numbers must be finite (no NaN or infinity)")
    return arr


def to_text(value) -> str:
    if isinstance(value, float):
        return repr(value)
    return json.dumps(np.asarray(value).tolist())


class TensorEditor(QWidget):
    committed = Signal(object)      # a checked float or array

    def __init__(self, name: str, value, parent=None) -> None:
        super().__init__(parent)
        self.name = name
        self.value = value
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        self.spin = self.table = None
        arr = np.asarray(value)
        if arr.ndim == 0:
            self.spin = QDoubleSpinBox(self)
            self.spin.setRange(-1e12, 1e12)
            self.spin.setDecimals(6)
            self.spin.setKeyboardTracking(False)
            self.spin.setValue(float(value))
            self.spin.valueChanged.connect(self._spin_changed)
            layout.addWidget(self.spin)
        elif arr.ndim <= 2 and arr.size <= TABLE_MAX:
            self.table = self._make_table(arr)
            layout.addWidget(self.table)
        self.text = QLineEdit(to_text(value), self)
        self.text.setToolTip("The whole value as text: a number, [1, 2] or [[1, 2], [3, 4]]. "
                             "Press Enter to apply; a new shape is allowed.")
        self.text.returnPressed.connect(self._text_entered)
        layout.addWidget(self.text)
        self.error = QLabel(self)
        self.error.setObjectName("error")
        self.error.setStyleSheet("color: #c62828;")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)

    def _make_table(self, arr) -> QTableWidget:
        rows, cols = (1, arr.shape[0]) if arr.ndim == 1 else arr.shape
        table = QTableWidget(rows, cols, self)
        flat = arr.reshape(rows, cols)
        for r in range(rows):
            for c in range(cols):
                table.setItem(r, c, QTableWidgetItem(f"{flat[r, c]:.6g}"))
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        table.horizontalHeader().setMinimumSectionSize(36)
        table.verticalHeader().setDefaultSectionSize(22)
        table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                              | QAbstractItemView.EditTrigger.EditKeyPressed
                              | QAbstractItemView.EditTrigger.AnyKeyPressed)
        table.setMaximumHeight(min(24 + 22 * rows, 200))
        table.itemChanged.connect(self._cell_changed)
        return table

    # ------------------------------------------------------------ input paths
    def refuse(self, reason: str) -> None:
        self.error.setText(f"Refused: {reason}")
        self.error.show()

    def accept(self, value) -> None:
        self.error.hide()
        self.committed.emit(value)

    def _spin_changed(self, number: float) -> None:
        if number != self.value:
            self.accept(float(number))

    def _text_entered(self) -> None:
        try:
            value = parse_tensor(self.text.text())
        except ValueError as exc:
            self.refuse(str(exc))
            return
        self.accept(value)

    def _cell_changed(self, item: QTableWidgetItem) -> None:
        arr = np.array(self.value, dtype=float)
        flat = arr.reshape(self.table.rowCount(), self.table.columnCount())
        r, c = item.row(), item.column()
        entered = item.text()
        try:
            number = float(entered)
            if not math.isfinite(number):
                raise ValueError
        except ValueError:
            self.table.blockSignals(True)
            item.setText(f"{flat[r, c]:.6g}")
            self.table.blockSignals(False)
            self.refuse(f"“{entered}” is not a finite number; the cell keeps its value")
            return
        if number != flat[r, c]:
            flat[r, c] = number
            self.accept(flat.reshape(arr.shape))

    # ------------------------------------------------------------ test helpers
    def enter_text(self, text: str) -> None:
        self.text.setText(text)
        self._text_entered()
