"""How fast training runs: full speed (the child process steps as fast as it can) or a slow,
watchable pace of a few steps a second, as TensorFlow Playground lets the boundary form.

At a slow pace the controller asks the training process for a small chunk of steps on every
tick of a timer and shows each chunk's values and gradients on the canvas. ``pace`` says how
many steps a tick runs and how often it ticks; the slider offers ``SPEEDS``.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QWidget

SPEEDS: tuple[float | None, ...] = (1, 2, 5, 10, 20, 50, 100, None)   # steps/s; None = full
FASTEST_TICK = 0.05            # seconds: at most 20 ticks a second (each one redraws the canvas)


def pace(rate: float | None) -> tuple[int, int] | None:
    """(milliseconds between ticks, steps per tick) for ``rate`` steps a second; None at full
    speed. 5 steps/s → one step every 200 ms; 50 → three steps every 60 ms."""
    if rate is None:
        return None
    per_tick = max(1, math.ceil(rate * FASTEST_TICK))
    return round(1000 * per_tick / rate), per_tick


def speed_text(rate: float | None) -> str:
    if rate is None:
        return "full speed"
    return f"{rate:g} step/s" if rate == 1 else f"{rate:g} steps/s"


class SpeedControl(QWidget):
    """A slider from 1 step/s to full speed, with its value in words beside it."""

    changed = Signal(object)           # float | None

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.slider = QSlider(Qt.Horizontal)
        self.slider.setRange(0, len(SPEEDS) - 1)
        self.slider.setPageStep(1)
        self.slider.setTickPosition(QSlider.TicksBelow)
        self.slider.setToolTip("Slow: watch the boundary form and the canvas follow every "
                               "step. Full speed: train as fast as the machine can")
        self.label = QLabel()
        self.label.setMinimumWidth(self.label.fontMetrics().horizontalAdvance("100 steps/s"))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.label)
        self.slider.valueChanged.connect(self._moved)
        self.set_rate(None)

    def rate(self) -> float | None:
        return SPEEDS[self.slider.value()]

    def set_rate(self, rate: float | None) -> None:
        index = SPEEDS.index(rate) if rate in SPEEDS else len(SPEEDS) - 1
        if index == self.slider.value():
            self._moved(index)
        self.slider.setValue(index)

    def _moved(self, index: int) -> None:
        self.label.setText(speed_text(SPEEDS[index]))
        self.changed.emit(SPEEDS[index])
