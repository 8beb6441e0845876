"""A progress bar for the current run that repaints with the rest of the frame.

QProgressBar repaints itself synchronously on every new value (tens of milliseconds inside a
docked window), which cost more than all the live plots together; this one only calls update().
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

FILL = QColor("#9cc3e6")
TRACK = QColor("#e4e4df")
BORDER = QColor("#b5b5ae")


class RunBar(QWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._value, self._maximum = 0, 1
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        self.setMinimumHeight(self.fontMetrics().height() + 8)

    def setMaximum(self, maximum: int) -> None:
        self._maximum = max(int(maximum), 1)
        self.update()

    def setValue(self, value: int) -> None:
        self._value = max(0, min(int(value), self._maximum))
        self.update()

    def maximum(self) -> int:
        return self._maximum

    def value(self) -> int:
        return self._value

    def text(self) -> str:
        return f"{self._value:,} / {self._maximum:,} steps"

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.Antialiasing)
        r = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        p.setPen(QPen(BORDER))
        p.setBrush(TRACK)
        p.drawRoundedRect(r, 3, 3)
        done = r.adjusted(0, 0, -(r.width() * (1 - self._value / self._maximum)), 0)
        p.setPen(Qt.NoPen)
        p.setBrush(FILL)
        p.drawRoundedRect(done, 3, 3)
        p.setPen(QColor("#1d1d1b"))
        p.drawText(r, Qt.AlignCenter, self.text())
        p.end()
