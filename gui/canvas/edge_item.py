"""An edge from the source's output port to the target's input port (its path: edge_route).

The item sits at the scene origin, so ``path()`` is in scene coordinates, which is what the
animation needs for ``QPainterPath.pointAtPercent``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPainterPath, QPainterPathStroker, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem

from backprop_studio.gui import theme
from backprop_studio.gui.canvas.edge_route import MAX_NODES, bezier, route, run_rect


class EdgeItem(QGraphicsPathItem):
    def __init__(self, source_item, target_item, port: str) -> None:
        super().__init__()
        self.source_item = source_item
        self.target_item = target_item
        self.port = port
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setZValue(-1)
        self._shape = None
        self.run = None
        self.folded = False          # from a leaf drawn inside its target: not drawn
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
        self.run = None              # a wrapped route's run along the gap, as a thin rect
        start = self.source_item.output_anchor()
        end = self.target_item.input_anchor(self.port)
        scene = self.scene()
        if end.x() >= start.x() or scene is None:
            self.setPath(bezier(start, end))
            return
        nodes = scene.node_items()
        if len(nodes) > MAX_NODES:
            self.setPath(bezier(start, end))
            return
        ends = (self.source_item, self.target_item)
        others = [n.sceneBoundingRect() for n in nodes if n not in ends]
        ports = list(self.target_item.ports)
        lane = ports.index(self.port) if self.port in ports else 0
        path = route(start, end, self.source_item.sceneBoundingRect(),
                     self.target_item.sceneBoundingRect(), others, lane, len(ports))
        self.setPath(path)
        if path.elementCount() > 4:
            self.run = run_rect(path)
        for view in scene.views():          # a route may reach past what Fit showed
            if hasattr(view, "refit_later"):
                view.refit_later()

    def label_anchors(self) -> list:
        """Where its labels may sit, best first: the path's midpoint, or along the run of a
        wrapped route through the gap between bands, which is all clear of nodes."""
        path = self.path()
        if path.elementCount() <= 4:                    # the bezier
            return [path.pointAtPercent(0.5)]
        return [path.pointAtPercent(t) for t in (0.5, 0.35, 0.65, 0.2, 0.8)]

    def shape(self) -> QPainterPath:
        """The path widened for clicking, cached for the path it was made from: Qt asks for
        it inside setPath, while the old path is still set, so a cache reset before setPath
        alone would keep the old one (and a bounding rect short of a longer route)."""
        path = self.path()
        if self._shape is None or self._shape[0] != path:
            stroker = QPainterPathStroker()
            stroker.setWidth(10)
            self._shape = (QPainterPath(path), stroker.createStroke(path))
        return self._shape[1]

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
