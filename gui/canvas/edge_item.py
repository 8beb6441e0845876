"""An edge: a cubic bezier from the source's output port to the target's input port.

The item sits at the scene origin, so ``path()`` is in scene coordinates, which is what the
animation needs for ``QPainterPath.pointAtPercent``.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QPainterPath, QPainterPathStroker, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem

from backprop_studio.gui import theme


def bezier(start: QPointF, end: QPointF) -> QPainterPath:
    """Horizontal tangents at both ends, as in Blender's and most node editors. An edge that
    runs back to the left (a wrapped chain) leaves and enters with a short loop only, so it
    does not bulge far beyond the nodes it joins."""
    gap = end.x() - start.x()
    dx = max(gap * 0.5, 40.0) if gap >= 0 else 50.0
    path = QPainterPath(start)
    path.cubicTo(QPointF(start.x() + dx, start.y()), QPointF(end.x() - dx, end.y()), end)
    return path


class EdgeItem(QGraphicsPathItem):
    def __init__(self, source_item, target_item, port: str) -> None:
        super().__init__()
        self.source_item = source_item
        self.target_item = target_item
        self.port = port
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setZValue(-1)
        self._shape = None
        self.restyle()
        self.update_path()

    @property
    def source(self) -> str:
        return self.source_item.node

    @property
    def target(self) -> str:
        return self.target_item.node

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.source, self.target, self.port)

    def update_path(self) -> None:
        self._shape = None
        self.setPath(bezier(self.source_item.output_anchor(),
                            self.target_item.input_anchor(self.port)))

    def shape(self) -> QPainterPath:
        if self._shape is None:
            stroker = QPainterPathStroker()
            stroker.setWidth(10)
            self._shape = stroker.createStroke(self.path())
        return self._shape

    def restyle(self) -> None:
        """Pen for the current palette and selection. Painting itself is QGraphicsPathItem's,
        in C++: no Python call per edge per frame."""
        pal = theme.current()
        scene = self.scene()
        width = getattr(scene, "edge_width", theme.EDGE_WIDTH)
        pen = QPen(pal.highlight, width + 1.5) if self.isSelected() else QPen(theme.EDGE, width)
        pen.setCosmetic(True)        # the raster engine's fast stroker; readable when zoomed out
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        self.setPen(pen)

    def itemChange(self, change, value):
        if change == QGraphicsItem.GraphicsItemChange.ItemSelectedHasChanged:
            self.restyle()
        return super().itemChange(change, value)
