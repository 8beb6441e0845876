"""An edge's path: a bezier between ports, or, for an edge that runs back to the left to a node
wholly above or below (a chain wrapping to the next band, a loss stacked over its input), a
route along the gap between them, as a wrapped line of text returns: out to the right, into
the gap, back left along it, and into the target from the left. A straight diagonal there
ran across the band's nodes, and its label's leader line through their numbers
(two_layer_sigmoid's z¹ → σ). The rule itself is engine/figures/routing.py's, which the
TikZ figure follows too; this module draws it with Qt."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QPainterPath

from backprop_studio.engine.figures import routing
from backprop_studio.engine.figures.routing import MIN_GAP  # noqa: F401  (the gap's rule)

REACH = 24.0            # how far the route runs out of a port before it turns
MAX_NODES = 2000        # beyond this the scan costs more than a bezier saves
LANE = 8.0              # between the routes into one node's ports, so no two share a wire


def bezier(start: QPointF, end: QPointF) -> QPainterPath:
    """Horizontal tangents at both ends, as in Blender's and most node editors. An edge that
    runs back to the left leaves and enters with a short loop only, so it does not bulge far
    beyond the nodes it joins."""
    gap = end.x() - start.x()
    dx = max(gap * 0.5, 40.0) if gap >= 0 else 50.0
    path = QPainterPath(start)
    path.cubicTo(QPointF(start.x() + dx, start.y()), QPointF(end.x() - dx, end.y()), end)
    return path


def _rect(r: QRectF) -> routing.Rect:
    return r.left(), r.top(), r.right(), r.bottom()


def corridor(rects: list[QRectF], left: float, right: float, top: float, bottom: float
             ) -> float | None:
    """routing.corridor over Qt rectangles."""
    return routing.corridor([_rect(r) for r in rects], left, right, top, bottom)


def wrapped(start: QPointF, end: QPointF, y: float, lane: int = 0) -> QPainterPath:
    """Out of ``start`` to the right, up or down to ``y``, left, up or down again, and into
    ``end`` from the left, with rounded corners. ``lane`` (the target port's index) moves each
    of the three runs LANE apart, so routes into two ports of one node never overlap."""
    r = min(12.0, abs(y - start.y()) / 2, abs(end.y() - y) / 2)
    s1 = 1.0 if y >= start.y() else -1.0            # the first vertical run: down or up
    s2 = 1.0 if end.y() >= y else -1.0              # the second
    xr, xl = start.x() + REACH + lane * LANE, end.x() - REACH - lane * LANE
    path = QPainterPath(start)
    path.lineTo(xr - r, start.y())
    path.quadTo(QPointF(xr, start.y()), QPointF(xr, start.y() + s1 * r))
    path.lineTo(xr, y - s1 * r)
    path.quadTo(QPointF(xr, y), QPointF(xr - r, y))
    path.lineTo(xl + r, y)
    path.quadTo(QPointF(xl, y), QPointF(xl, y + s2 * r))
    path.lineTo(xl, end.y() - s2 * r)
    path.quadTo(QPointF(xl, end.y()), QPointF(xl + r, end.y()))
    path.lineTo(end)
    return path


def route(start: QPointF, end: QPointF, source: QRectF, target: QRectF,
          others: list[QRectF], lane: int = 0, lanes: int = 1) -> QPainterPath:
    """The wrapped route when the target lies to the left, wholly above or below the source,
    with a gap between them to run along; otherwise the bezier."""
    y = routing.wrap_level((start.x(), start.y()), (end.x(), end.y()), _rect(source),
                           _rect(target), [_rect(r) for r in others], REACH + LANE * lane)
    if y is None:
        return bezier(start, end)
    if target.top() > source.bottom():
        top, bottom = source.bottom(), target.top()
    else:
        top, bottom = target.bottom(), source.top()
    room = max(0.0, (corridor_height(others, end.x(), start.x(), top, bottom, y) - 6) / 2)
    shift = max(-room, min(room, (lane - (lanes - 1) / 2) * LANE))
    return wrapped(start, end, y + shift, lane)


def corridor_height(rects, left, right, top, bottom, y) -> float:
    """How high the free strip around ``y`` is (what a lane may move within)."""
    above = max([r.bottom() for r in rects if r.right() > left and r.left() < right
                 and r.bottom() <= y] + [top])
    below = min([r.top() for r in rects if r.right() > left and r.left() < right
                 and r.top() >= y] + [bottom])
    return below - above


def run_rect(path: QPainterPath, half: float = 3.0) -> QRectF:
    """The longest horizontal segment of a wrapped route, ``half`` thick on each side: where
    other edges' labels should not sit, so they are not read as this edge's."""
    best = None
    for i in range(1, path.elementCount()):
        a, b = path.elementAt(i - 1), path.elementAt(i)
        if b.isLineTo() and abs(a.y - b.y) < 1e-9:
            length = abs(b.x - a.x)
            if best is None or length > best[0]:
                best = (length, min(a.x, b.x), a.y)
    if best is None:
        return QRectF()
    length, left, y = best
    return QRectF(left, y - half, length, 2 * half)
