"""Every colour and size the editor draws with, in one place, so the animation and training
views reuse the same meaning: forward values green, gradients red (as in the CS231n figures).

A colour-blind-safe palette (Okabe–Ito blue and vermillion) can replace green/red at any time;
views that cache colours subscribe with ``on_change``.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtGui import QColor

from backprop_studio.engine.ops import ACTIVATIONS, INPUTS, LAYERS, LOSSES, MATH


@dataclass(frozen=True)
class Palette:
    name: str
    value: QColor          # forward values
    grad: QColor           # gradients
    error: QColor          # engine errors (outline)
    highlight: QColor      # selection, valid connection targets


PALETTES = {
    "cs231n": Palette("Green / red (CS231n)", QColor("#1b8a2f"), QColor("#c62828"),
                      QColor("#d50000"), QColor("#1e88e5")),
    "colorblind": Palette("Blue / orange (colour-blind safe)", QColor("#0072b2"),
                          QColor("#d55e00"), QColor("#cc79a7"), QColor("#009e73")),
}

CATEGORY_COLORS = {
    INPUTS: QColor("#5c6bc0"),
    MATH: QColor("#00897b"),
    ACTIVATIONS: QColor("#f9a825"),
    LAYERS: QColor("#8e24aa"),
    LOSSES: QColor("#e64a19"),
}

CANVAS_BG = QColor("#f4f4f1")
GRID_MINOR = QColor("#e6e6e1")
GRID_MAJOR = QColor("#d6d6d0")
NODE_BG = QColor("#ffffff")
NODE_BORDER = QColor("#8a8a85")
PORT_TEXT = QColor("#555555")
PORT_FILL = QColor("#ffffff")
EDGE = QColor("#5f5f5a")
EDGE_WIDTH = 2.0        # px; large graphs use 1 px, which the raster engine draws 3× faster
EDGE_WIDTH_LARGE = 1.0
LARGE_GRAPH_EDGES = 300
STALE_ALPHA = 110       # values shown dimmed once an edit makes them stale

GRID = 20               # snap-to-grid step, scene units
MAJOR_EVERY = 5         # a darker grid line every 5 steps

_current = "cs231n"
_listeners: list = []          # weak references, so a closed window is not kept alive


def current() -> Palette:
    return PALETTES[_current]


def current_name() -> str:
    return _current


def set_palette(name: str) -> None:
    global _current
    if name not in PALETTES:
        raise KeyError(f"unknown palette {name!r}; known: {', '.join(PALETTES)}")
    _current = name
    for ref in list(_listeners):
        listener = ref()
        if listener is None:
            _listeners.remove(ref)
        else:
            listener()


def on_change(listener: Callable[[], None]) -> None:
    """Call ``listener()`` after every palette switch (held weakly: bound methods die with
    their object)."""
    ref = weakref.WeakMethod(listener) if hasattr(listener, "__self__") else \
        (lambda: listener)
    _listeners.append(ref)


def remove_listener(listener: Callable[[], None]) -> None:
    for ref in list(_listeners):
        if ref() == listener:
            _listeners.remove(ref)


def category_color(category: str) -> QColor:
    return CATEGORY_COLORS.get(category, QColor("#757575"))
