"""Where labels may go: the nodes' rectangles and the labels already placed, in a uniform grid.

Asking the scene (QGraphicsScene.items(rect)) costs a Python call per nearby item for its
bounding rect and shape, and our own labels moving keep invalidating its index: a scrub across
a 500-node graph took seconds. A grid of plain rectangles answers the same question in
microseconds.
"""

from __future__ import annotations

from collections import defaultdict

from PySide6.QtCore import QPointF, QRectF

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

    def owners(self) -> list:
        return list(self._owned)


def label_space(scene) -> Obstacles:
    """The scene's one record of what covers it (nodes, and every label of every overlay:
    edge labels, Σ and ∂L/∂W badges, reverse-network tags, gradient-check badges), so each
    label placed keeps clear of all the others."""
    space = getattr(scene, "_label_space", None)
    if space is None:
        space = scene._label_space = Obstacles()
    return space


def register_nodes(space: Obstacles, scene) -> None:
    """Every node's rectangle, and no rectangle of a node that is gone."""
    here = {("node", item.node) for item in scene.node_items()}
    for owner in space.owners():
        if isinstance(owner, tuple) and owner[:1] == ("node",) and owner not in here:
            space.remove(owner)
    for item in scene.node_items():
        space.set(("node", item.node), [item.sceneBoundingRect()])


def ring(step: float, rings: int):
    """Offsets around (0, 0), nearest first: the search when every preferred spot is taken."""
    for r in range(1, rings + 1):
        d = r * step
        for k in range(-r, r + 1):
            yield (k * step, -d)
            yield (k * step, d)
        for k in range(-r + 1, r):
            yield (-d, k * step)
            yield (d, k * step)


def place(item, space: Obstacles, spots, within: QRectF | None = None) -> None:
    """Move a label ``item`` (its cards, in item coordinates) to the first scene point of
    ``spots`` where its cards cover nothing registered (and lie inside ``within``, if given);
    failing that, to the nearest free point around the first spot. Registers where it went."""
    rects = [c.rect for c in item.cards]
    spots = list(spots)

    def free(p, inside: bool) -> bool:
        for r in rects:
            moved = r.translated(p)
            if space.blocked(moved, item) or (inside and not within.contains(moved)):
                return False
        return True

    chosen = None
    for inside in ((True, False) if within is not None else (False,)):
        chosen = next((p for p in spots if free(p, inside)), None)
        if chosen is None and spots:
            chosen = next((spots[0] + QPointF(dx, dy) for dx, dy in ring(14.0, 24)
                           if free(spots[0] + QPointF(dx, dy), inside)), None)
        if chosen is not None:
            break
    if chosen is None:
        chosen = spots[0] if spots else item.pos()
    item.setPos(chosen)
    space.set(item, [r.translated(chosen) for r in rects])
