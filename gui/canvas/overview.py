"""Level of detail for large graphs: below OVERVIEW_ZOOM the scene stops asking every item to
paint itself (one Python call per item is what makes 5,000 items slow) and draws all nodes as
coloured blocks and all edges as one path, in a handful of batched QPainter calls.

Items stay in the scene, selectable and hit-testable; they only get ItemHasNoContents.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem

from backprop_studio.gui import theme

OVERVIEW_ZOOM = 0.3
NO_CONTENTS = QGraphicsItem.GraphicsItemFlag.ItemHasNoContents


class Overview:
    def __init__(self, scene) -> None:
        self.scene = scene
        self.active = False
        self._blocks = None          # colour name -> [QRectF]
        self._edges: QPainterPath | None = None

    def invalidate(self) -> None:
        self._blocks = self._edges = None

    def set_active(self, on: bool) -> None:
        if on == self.active:
            return
        self.active = on
        for item in self.scene.node_items() + self.scene.edge_items():
            item.setFlag(NO_CONTENTS, on)
        self.invalidate()
        self.scene.update()

    def _build(self) -> None:
        blocks: dict[str, list[QRectF]] = {}
        for item in self.scene.node_items():
            r = QRectF(item.pos(), item._rect.size())
            blocks.setdefault(item.color.name(), []).append(r)
        path = QPainterPath()
        for edge in self.scene.edge_items():
            a = edge.source_item.output_anchor()
            b = edge.target_item.input_anchor(edge.port)
            dx = max(abs(b.x() - a.x()) * 0.5, 40.0)
            path.moveTo(a)
            path.cubicTo(QPointF(a.x() + dx, a.y()), QPointF(b.x() - dx, b.y()), b)
        self._blocks, self._edges = blocks, path

    def paint(self, painter: QPainter) -> None:
        if self._blocks is None:
            self._build()
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        pen = QPen(theme.EDGE, 1.0)
        pen.setCosmetic(True)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self._edges)
        painter.setPen(Qt.PenStyle.NoPen)
        for color, rects in self._blocks.items():
            painter.setBrush(theme.QColor(color))
            painter.drawRects(rects)
        pal = theme.current()
        marked = [(i, pal.highlight) for i in self.scene.selectedItems() if hasattr(i, "node")]
        marked += [(i, pal.error) for i in self.scene.node_items() if i.error]
        for item, color in marked:
            pen = QPen(color, 3.0)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(QRectF(item.pos(), item._rect.size()))
        painter.restore()
