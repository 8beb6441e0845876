"""Where labels may go: the nodes' rectangles and the labels already placed, in a uniform grid.

Asking the scene (QGraphicsScene.items(rect)) costs a Python call per nearby item for its
bounding rect and shape, and our own labels moving keep invalidating its index: a scrub across
a 500-node graph took seconds. A grid of plain rectangles answers the same question in
microseconds.
"""

from __future__ import annotations

from collections import defaultdict

from PySide6.QtCore import QRectF

CELL = 160.0


class Obstacles:
    def __init__(self) -> None:
        self._cells: dict[tuple[int, int], list] = defaultdict(list)
        self._owned: dict[object, list[tuple[QRectF, list]]] = {}

    @staticmethod
    def _span(rect: QRectF):
        x0, x1 = int(rect.left() // CELL), int(rect.right() // CELL)
        y0, y1 = int(rect.top() // CELL), int(rect.bottom() // CELL)
        for i in range(x0, x1 + 1):
            for j in range(y0, y1 + 1):
                yield (i, j)

    def clear(self) -> None:
        self._cells.clear()
        self._owned.clear()

    def set(self, owner, rects) -> None:
        """Replace what ``owner`` (a node id or a label) covers."""
        self.remove(owner)
        placed = []
        for rect in rects:
            entry = (QRectF(rect), owner)
            for cell in self._span(rect):
                bucket = self._cells[cell]
                bucket.append(entry)
                placed.append((entry, bucket))
        self._owned[owner] = placed

    def remove(self, owner) -> None:
        for entry, bucket in self._owned.pop(owner, ()):
            try:
                bucket.remove(entry)
            except ValueError:
                pass

    def blocked(self, rect: QRectF, me=None) -> bool:
        for cell in self._span(rect):
            for other, owner in self._cells.get(cell, ()):
                if owner is not me and other.intersects(rect):
                    return True
        return False
