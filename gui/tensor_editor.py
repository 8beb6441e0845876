"""Editing a node's tensor: one text line for a scalar, a small table for a vector or matrix, and
always a text line (JSON-style, e.g. ``[[1, 2], [3, 4]]``) that can also change the shape.

A large tensor (a 784×128 weight matrix) gets a virtual table instead (QTableView over the
array: it formats only the cells on screen), a heatmap for a matrix, and a text line that stays
empty until asked for (“Show as text”): writing 100,000 numbers into a QLineEdit takes a
quarter of a second. ``set_value`` shows new numbers (a training write-back) in place.

Nothing reaches the graph unless it parses to finite numbers in a rectangular array; otherwise
the entry is refused, the old value stays, and a red line under the editor says why.
"""

from __future__ import annotations

import json
import math

import numpy as np
from PySide6.QtCore import QAbstractTableModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

TABLE_MAX = 64          # larger arrays get a virtual table, a heatmap, and text on demand


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
    if isinstance(data, (bool, str)) or data is None:
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


def _kind(value) -> tuple:
    """Which widgets show a value: a new value of the same kind is shown in place."""
    arr = np.asarray(value)
    if arr.ndim == 0:
        return ("scalar",)
    if arr.ndim <= 2 and arr.size <= TABLE_MAX:
        return ("table", arr.shape)
    return ("large", arr.ndim)


class ArrayModel(QAbstractTableModel):
    """A vector (one row) or matrix as a table model: cells are formatted when painted, so a
    view over 100,000 numbers costs what is on screen. Edits go through ``editor``."""

    def __init__(self, editor: TensorEditor) -> None:
        super().__init__(editor)
        self.editor = editor
        self.flat = np.zeros((0, 0))

    def set_array(self, value) -> None:
        arr = np.asarray(value, dtype=float)
        self.beginResetModel()
        self.flat = arr.reshape(1, -1) if arr.ndim == 1 else arr.reshape(arr.shape[0], -1)
        self.endResetModel()

    def rowCount(self, parent=None) -> int:
        return 0 if parent is not None and parent.isValid() else self.flat.shape[0]

    def columnCount(self, parent=None) -> int:
        return 0 if parent is not None and parent.isValid() else self.flat.shape[1]

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:          # short enough for the column
            return f"{self.flat[index.row(), index.column()]:.4g}"
        if role in (Qt.ItemDataRole.EditRole, Qt.ItemDataRole.ToolTipRole):
            return f"{self.flat[index.row(), index.column()]:.6g}"
        return None

    def flags(self, index):
        return super().flags(index) | Qt.ItemFlag.ItemIsEditable

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        return self.editor._cell_entered(index.row(), index.column(), str(value))


class TensorEditor(QWidget):
    committed = Signal(object)      # a checked float or array
    constructed = 0                 # how many were built (tests count rebuilds)

    def __init__(self, name: str, value, parent=None) -> None:
        super().__init__(parent)
        TensorEditor.constructed += 1
        self.name = name
        self.value = value
        self.kind = _kind(value)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        self.table = self.view = self.model = self.heatmap = None
        self.summary = self.show_text_button = None
        arr = np.asarray(value)
        if self.kind[0] == "scalar":
            pass                     # one editor: the text line below (a number, or a new
                                     # shape such as [1, 2]), applied on Enter or leaving it
        elif self.kind[0] == "table":
            self.table = self._make_table(arr)
            layout.addWidget(self.table)
        else:
            self.summary = QLabel(self)
            self.summary.setWordWrap(True)
            layout.addWidget(self.summary)
            if arr.ndim <= 2:
                self.model = ArrayModel(self)
                self.model.set_array(arr)
                self.view = self._make_view()
                layout.addWidget(self.view)
            if arr.ndim == 2:
                from backprop_studio.gui.heatmap import Heatmap
                self.heatmap = Heatmap(self)
                layout.addWidget(self.heatmap)
        self.text = QLineEdit(self)
        self.text.setToolTip("The whole value as text: a number, [1, 2] or [[1, 2], [3, 4]]. "
                             "Press Enter to apply; a new shape is allowed.")
        self.text.returnPressed.connect(self._text_entered)
        if self.kind[0] == "scalar":
            self.text.setToolTip("A number, or a vector / matrix such as [1, 2]. Enter or "
                                 "leaving the field applies it.")
            self.text.editingFinished.connect(self._scalar_left)
        if self.kind[0] == "large":
            self.text.setMaxLength(2**31 - 1)      # a pasted 784×128 value is 2 MB of text
            row = QHBoxLayout()
            row.setContentsMargins(0, 0, 0, 0)
            row.addWidget(self.text, 1)
            self.show_text_button = QToolButton(self)
            self.show_text_button.setText("Show as text")
            self.show_text_button.setToolTip("Put all the numbers in the text line, to copy or "
                                             "edit (slow for very large tensors)")
            self.show_text_button.clicked.connect(self.load_text)
            row.addWidget(self.show_text_button)
            layout.addLayout(row)
        else:
            layout.addWidget(self.text)
        self.error = QLabel(self)
        self.error.setObjectName("error")
        self.error.setStyleSheet("color: #c62828;")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        self._show_large_parts()
        if self.kind[0] != "large":
            self.text.setText(to_text(value))

    # ------------------------------------------------------------ showing a new value
    def can_show(self, value) -> bool:
        return _kind(value) == self.kind

    def set_value(self, value) -> None:
        """Show new numbers of the same kind in place (a training write-back, an undo): no
        widgets are built; a large tensor's text line is emptied rather than rewritten."""
        if value is self.value:
            return
        self.value = value
        if self.table is not None:
            arr = np.asarray(value, dtype=float)
            rows, cols = self.table.rowCount(), self.table.columnCount()
            flat = arr.reshape(rows, cols)
            self.table.blockSignals(True)
            for r in range(rows):
                for c in range(cols):
                    self.table.item(r, c).setText(f"{flat[r, c]:.6g}")
            self.table.blockSignals(False)
        elif self.model is not None:
            self.model.set_array(value)
        self._show_large_parts()
        if self.kind[0] == "large":
            self.text.clear()
        elif not self.text.hasFocus():
            self.text.setText(to_text(value))

    def _show_large_parts(self) -> None:
        if self.kind[0] != "large":
            return
        arr = np.asarray(self.value, dtype=float)
        dims = "×".join(str(n) for n in arr.shape)
        self.summary.setText(f"{dims} = {arr.size:,} numbers, from {arr.min():.4g} to "
                             f"{arr.max():.4g}; double-click a cell to edit it")
        if self.heatmap is not None:
            self.heatmap.show_matrix(arr, self.name)
        self.text.setPlaceholderText(f"{dims} values: type or paste a new value and press "
                                     "Enter, or “Show as text”")

    def load_text(self) -> None:
        text = to_text(self.value)
        self.text.setMaxLength(max(32767, 2 * len(text)))   # QLineEdit cuts at 32767 by default
        self.text.setText(text)

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

    def _scalar_left(self) -> None:
        """Leaving a scalar's field applies what it says, if it changed."""
        text = self.text.text().strip()
        if text != to_text(self.value) and text != getattr(self, "_sent", None):
            self._text_entered()

    def _text_entered(self) -> None:
        try:
            value = parse_tensor(self.text.text())
        except ValueError as exc:
            self.refuse(str(exc))
            return
        self._sent = self.text.text().strip()        # Enter, then leaving: applied once
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

    def _make_view(self) -> QTableView:
        view = QTableView(self)
        view.setModel(self.model)
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        view.horizontalHeader().setDefaultSectionSize(74)
        view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        view.verticalHeader().setDefaultSectionSize(22)
        view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.AnyKeyPressed)
        view.setMinimumHeight(120)
        view.setMaximumHeight(200)
        return view

    def _cell_entered(self, r: int, c: int, entered: str) -> bool:
        """A cell of the virtual table: accept a finite number, else refuse and keep it."""
        try:
            number = float(entered)
            if not math.isfinite(number):
                raise ValueError
        except ValueError:
            self.refuse(f"“{entered}” is not a finite number; the cell keeps its value")
            return False
        arr = np.array(self.value, dtype=float)
        flat = arr.reshape(self.model.flat.shape)
        if number != flat[r, c]:
            flat[r, c] = number
            self.accept(flat.reshape(arr.shape))
        return True

    # ------------------------------------------------------------ test helpers
    def enter_text(self, text: str) -> None:
        self.text.setText(text)
        self._text_entered()
