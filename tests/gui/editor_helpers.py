"""Helpers for the editor's GUI tests: the CS231n graph and real mouse drags on the canvas."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest

from backprop_studio.engine import fileformat
from backprop_studio.engine.api import Graph

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"
CS231N = EXAMPLES / "cs231n_add_multiply.json"


def cs231n_graph() -> Graph:
    g = Graph()
    x, y, z = g.input("x", -2.0), g.input("y", 5.0), g.input("z", -4.0)
    q = g.add(x, y, label="q")
    g.multiply(q, z, label="f")
    g.layout()
    return g


def dumps(window) -> str:
    return fileformat.dumps(window.graph)


def to_view(window, scene_point: QPointF) -> QPoint:
    return window.view.mapFromScene(scene_point)


def drag(qtbot, window, start: QPointF, end: QPointF, steps: int = 5,
         button=Qt.MouseButton.LeftButton) -> None:
    """Press at ``start``, move in steps, release at ``end`` (scene coordinates)."""
    vp = window.view.viewport()
    a, b = to_view(window, start), to_view(window, end)
    QTest.mousePress(vp, button, Qt.KeyboardModifier.NoModifier, a)
    for i in range(1, steps + 1):
        p = a + (b - a) * (i / steps)
        QTest.mouseMove(vp, p)
    QTest.mouseRelease(vp, button, Qt.KeyboardModifier.NoModifier, b)
