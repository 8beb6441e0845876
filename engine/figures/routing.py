"""Where an edge runs, as plain geometry shared by the canvas (gui/canvas/edge_route.py, which
draws it with Qt) and the TikZ figure (engine/figures/tikz.py): an edge that runs back to the
left to a node wholly above or below (a chain wrapping to the next band, a loss stacked over
its input) goes along the gap between them, as a wrapped line of text returns: out to the
right, into the gap, back left along it, and into the target from the left. A straight line
there ran across the band's nodes and their labels.

Rectangles are (left, top, right, bottom) and points (x, y), with y growing downward as on
the canvas; no Qt here.
"""

from __future__ import annotations

import math

Rect = tuple[float, float, float, float]
Point = tuple[float, float]

MIN_GAP = 18.0          # canvas units: the narrowest gap between bands a route may run along


def corridor(rects: list[Rect], left: float, right: float, top: float, bottom: float,
             min_gap: float = MIN_GAP) -> float | None:
    """The middle of the widest free horizontal strip between ``top`` and ``bottom`` that no
    rectangle crossing [left, right] covers, or None when there is no strip ``min_gap`` high."""
    spans = sorted((max(t, top), min(b, bottom)) for lft, t, rgt, b in rects
                   if rgt > left and lft < right and b > top and t < bottom)
    best, best_height, y = None, min_gap, top
    for span_top, span_bottom in spans + [(bottom, bottom)]:
        if span_top - y >= best_height:
            best, best_height = (y + span_top) / 2, span_top - y
        y = max(y, span_bottom)
    return best


def wrap_level(start: Point, end: Point, source: Rect, target: Rect, others: list[Rect],
               reach: float, min_gap: float = MIN_GAP) -> float | None:
    """The y of the gap the edge from ``start`` (the source's output) to ``end`` (the
    target's input) runs back along, or None for a plain curve: the target lies to the
    left, wholly above or below the source, with a strip free of ``others`` between them."""
    if end[0] >= start[0]:
        return None
    if target[1] > source[3]:
        top, bottom = source[3], target[1]
    elif target[3] < source[1]:
        top, bottom = target[3], source[1]
    else:
        return None
    return corridor(others, end[0] - reach, start[0] + reach, top, bottom, min_gap)


def wrapped_points(start: Point, end: Point, y: float, out_x: float, in_x: float
                   ) -> list[Point]:
    """The corners of a wrapped route: out of ``start`` right to ``out_x``, up or down to
    ``y``, left to ``in_x``, up or down again, and into ``end`` from the left."""
    return [start, (out_x, start[1]), (out_x, y), (in_x, y), (in_x, end[1]), end]


def along(points: list[Point], t: float) -> Point:
    """The point a fraction ``t`` of the way along the polyline ``points``, by length."""
    lengths = [math.hypot(b[0] - a[0], b[1] - a[1]) for a, b in zip(points, points[1:])]
    goal = max(0.0, min(1.0, t)) * sum(lengths)
    for (a, b), length in zip(zip(points, points[1:]), lengths):
        if goal <= length and length > 0:
            f = goal / length
            return a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1])
        goal -= length
    return points[-1]
