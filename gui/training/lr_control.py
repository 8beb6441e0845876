"""A learning-rate control: a log-scale slider (1e-5 … 10) next to a field that takes an exact
value, so both a coarse drag and an exact value are easy.

A value above ``LARGEST`` is refused, and one above ``LARGE`` is taken with a warning: gradient
descent with such a step overshoots, and the loss explodes. ``note`` says so in words.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QSlider, QWidget

LOW, HIGH = -5.0, 1.0          # decades covered by the slider
TICKS_PER_DECADE = 100
LARGEST = 10.0 ** HIGH         # refused above this
LARGE = 1.0                    # warned above this
SMALLEST = 1e-12


def _fmt(value: float) -> str:
    return f"{value:.3g}"


def judge(value: float) -> tuple[bool, str]:
    """(accepted, what to tell the student) for a learning rate typed or dragged."""
    if not math.isfinite(value) or value <= 0:
        return False, "The learning rate must be a positive number, such as 0.01."
    if value < SMALLEST:
        return False, f"A learning rate of {_fmt(value)} is too small to change anything."
    if value > LARGEST:
        return False, (f"A learning rate of {_fmt(value)} is refused: above {LARGEST:g} every "
                       f"step overshoots and the loss explodes. Usual values are 0.001 … 0.1.")
    if value > LARGE:
        return True, (f"A learning rate of {_fmt(value)} is large: the loss may explode. "
                      f"Usual values are 0.001 … 0.1.")
    return True, ""


class LearningRate(QWidget):
    changed = Signal(float)
    note = Signal(str)             # a refusal or warning in words ("" when all is well)

    def __init__(self, value: float = 0.01, parent=None) -> None:
        super().__init__(parent)
        self.slider = QSlider(Qt.Horizontal)
        self.slider.setRange(0, int((HIGH - LOW) * TICKS_PER_DECADE))
        self.slider.setToolTip("Learning rate, log scale: 0.00001 … 10")
        self.field = QLineEdit()
        self.field.setFixedWidth(64)
        self.field.setToolTip("Learning rate (a positive number up to 10; Enter to apply)")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.field)
        self._value = 0.0
        self.slider.valueChanged.connect(self._from_slider)
        self.field.editingFinished.connect(self._from_field)
        self.set_value(value)

    def value(self) -> float:
        return self._value

    def set_value(self, value: float) -> bool:
        """Take ``value`` if it is acceptable (True); otherwise keep the old one and say why."""
        value = float(value)
        ok, words = judge(value)
        self.note.emit(words)
        if not ok:
            self.field.setText(_fmt(self._value))
            return False
        changed = value != self._value
        self._value = value
        self.field.setText(_fmt(value))
        position = (min(max(math.log10(value), LOW), HIGH) - LOW) * TICKS_PER_DECADE
        self.slider.blockSignals(True)
        self.slider.setValue(round(position))
        self.slider.blockSignals(False)
        if changed:
            self.changed.emit(value)
        return True

    def _from_slider(self, position: int) -> None:
        value = float(_fmt(10 ** (LOW + position / TICKS_PER_DECADE)))
        self.set_value(value)

    def _from_field(self) -> None:
        text = self.field.text().strip().replace(",", ".")
        try:
            value = float(text)
        except ValueError:
            self.note.emit(f"“{text}” is not a number: type a learning rate such as 0.01.")
            self.field.setText(_fmt(self._value))
            return
        self.set_value(value)
