"""A learning-rate control: a log-scale slider (1e-5 … 10) next to a field that takes any
positive number, so both a coarse drag and an exact value are easy."""

from __future__ import annotations

import math

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtGui import QDoubleValidator
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QSlider, QWidget

LOW, HIGH = -5.0, 1.0          # decades covered by the slider
TICKS_PER_DECADE = 100


def _fmt(value: float) -> str:
    return f"{value:.3g}"


class LearningRate(QWidget):
    changed = Signal(float)

    def __init__(self, value: float = 0.01, parent=None) -> None:
        super().__init__(parent)
        self.slider = QSlider(Qt.Horizontal)
        self.slider.setRange(0, int((HIGH - LOW) * TICKS_PER_DECADE))
        self.slider.setToolTip("Learning rate, log scale: 0.00001 … 10")
        self.field = QLineEdit()
        validator = QDoubleValidator(1e-12, 1e6, 12, self.field)
        validator.setLocale(QLocale.c())          # "0.01" everywhere, never "0,01"
        self.field.setValidator(validator)
        self.field.setFixedWidth(64)
        self.field.setToolTip("Learning rate (any positive number; Enter to apply)")
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

    def set_value(self, value: float) -> None:
        value = float(value)
        if not (math.isfinite(value) and value > 0):
            return
        changed = value != self._value
        self._value = value
        self.field.setText(_fmt(value))
        position = (min(max(math.log10(value), LOW), HIGH) - LOW) * TICKS_PER_DECADE
        self.slider.blockSignals(True)
        self.slider.setValue(round(position))
        self.slider.blockSignals(False)
        if changed:
            self.changed.emit(value)

    def _from_slider(self, position: int) -> None:
        value = float(_fmt(10 ** (LOW + position / TICKS_PER_DECADE)))
        self.set_value(value)

    def _from_field(self) -> None:
        try:
            self.set_value(float(self.field.text()))
        except ValueError:
            self.field.setText(_fmt(self._value))
