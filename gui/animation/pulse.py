"""A gradient (or value) pulse: a dot travelling along an edge's bezier path.

As in Ryven's connection animation, the dot's position is ``QPainterPath.pointAtPercent``; only
the dot moves, so a frame repaints a few pixels around it, not the scene (the path is read once
per step, not per frame).
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QRadialGradient
from PySide6.QtWidgets import QGraphicsItem

RADIUS = 7.0
Z_PULSE = 30.0


class PulseItem(QGraphicsItem):
    """A glowing dot; ``set_progress(t)`` puts it at fraction t of its path."""

    def __init__(self, color: QColor) -> None:
        super().__init__()
        self.color = QColor(color)
        self.path = QPainterPath()
        self.reverse = False
        self.setZValue(Z_PULSE)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setAcceptHoverEvents(False)

    def follow(self, path: QPainterPath, reverse: bool, color: QColor) -> None:
        """Travel ``path`` (scene coordinates); ``reverse`` runs it end → start (backward)."""
        self.path, self.reverse = QPainterPath(path), reverse
        if color != self.color:
            self.color = QColor(color)
            self.update()

    def set_progress(self, t: float) -> None:
        t = min(max(t, 0.0), 1.0)
        if self.path.isEmpty():
            return
        self.setPos(self.path.pointAtPercent(1.0 - t if self.reverse else t))

    def boundingRect(self) -> QRectF:
        r = RADIUS * 1.8
        return QRectF(-r, -r, 2 * r, 2 * r)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        glow = QRadialGradient(QPointF(0, 0), RADIUS * 1.8)
        halo = QColor(self.color)
        halo.setAlpha(110)
        clear = QColor(self.color)
        clear.setAlpha(0)
        glow.setColorAt(0.45, halo)
        glow.setColorAt(1.0, clear)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(glow)
        painter.drawEllipse(self.boundingRect())
        painter.setPen(QPen(QColor("white"), 1.5))
        painter.setBrush(self.color)
        painter.drawEllipse(QPointF(0, 0), RADIUS * 0.7, RADIUS * 0.7)


def straight(start: QPointF, end: QPointF) -> QPainterPath:
    """A path for pulses that follow no edge (a dense node's δ flowing into its W and b)."""
    path = QPainterPath(start)
    path.lineTo(end)
    return path
