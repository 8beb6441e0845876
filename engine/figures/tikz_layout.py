"""The TikZ figure's geometry, in centimetres with y growing downward (tikz.py flips it): each
node's box (its circle or card, and an op's title above it), each edge's course (straight, bent
apart when two edges join the same nodes, or wrapped along the gap between bands by
routing.py's rule, as on the canvas), and where each edge's value and gradient go.

Labels are placed greedily, as the canvas places them (gui/animation/placement.py): for each
edge, the first spot along it, middle first, where its two numbers cover no node, no title and
no label already placed, preferring spots no other wire runs through; failing that, the
nearest free spot around the middle, with a leader line back to the edge. Text sizes are
estimated from the characters (Computer Modern digits are half an em wide), generously.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..graph import ComputationGraph
from . import routing
from .routing import Point, Rect

PX_PER_CM = 50.0          # canvas units per centimetre: the CS231n example is 14 cm wide
NODE_W = 164.0            # a canvas node's narrowest width: positions are its top-left corner
NODE_H0, NODE_ROW = 66.0, 19.0    # its height: header and value rows, plus one row per port
EM = {"normal": 0.36, "small": 0.32, "footnote": 0.29}      # cm per em at 10, 9 and 8 pt
LINE = {"normal": 0.46, "small": 0.40, "footnote": 0.34}    # a line's height with inner sep
OP_SIZE = 0.9             # the op circle's minimum size (bpsop: minimum size=9mm)
LEAF_H = 0.7              # a leaf card's minimum height
REACH = 0.35              # how far a wrapped route runs out of a node before it turns
CORRIDOR = 0.5            # the narrowest gap between bands a route may run along
GAP = 0.05                # between a wire and its numbers
STUB = 2.2                # the output's stub, carrying its value and ∂L/∂L = 1
PAD = 0.04                # labels keep this clear of each other and of nodes


def text_width(text: str, size: str = "small") -> float:
    """A generous width estimate: digits and most letters are half an em, wide signs a whole."""
    ems = sum(1.0 if ch in "×∈−+=MWmw" else 0.28 if ch in ".,:;()[]|!'" else 0.52
              for ch in text)
    return ems * EM[size] + 0.1


@dataclass
class NodeBox:
    centre: Point
    shape: Rect                     # the circle's or the card's bounds
    title: Rect | None = None       # an op's name, above its circle

    @property
    def box(self) -> Rect:
        return union(self.shape, self.title) if self.title else self.shape


@dataclass
class EdgeCourse:
    key: tuple                      # (source, target, port)
    points: list[Point]             # the wire's corners, source first
    wrapped: bool = False
    bend: str = ""                  # "bend left=12" for the second of two parallel edges


@dataclass
class Number:
    """One number of an edge, its value or its gradient, and where it goes; ``leader`` when
    it had to move off the wire, to be joined back to ``anchor`` by a dotted line."""
    rect: Rect
    centre: Point
    anchor: Point                   # the point of the wire it belongs to
    leader: bool = False


def union(a: Rect, b: Rect) -> Rect:
    return min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])


def overlaps(a: Rect, b: Rect, pad: float = PAD) -> bool:
    return a[0] < b[2] + pad and b[0] < a[2] + pad and a[1] < b[3] + pad and b[1] < a[3] + pad


def crosses(rect: Rect, p: Point, q: Point) -> bool:
    """Whether the segment p–q passes through ``rect`` (Liang–Barsky clipping)."""
    t0, t1 = 0.0, 1.0
    dx, dy = q[0] - p[0], q[1] - p[1]
    for d, lo, hi, start in ((dx, rect[0], rect[2], p[0]), (dy, rect[1], rect[3], p[1])):
        if abs(d) < 1e-12:
            if not lo <= start <= hi:
                return False
            continue
        a, b = (lo - start) / d, (hi - start) / d
        t0, t1 = max(t0, min(a, b)), min(t1, max(a, b))
        if t0 > t1:
            return False
    return True


def node_boxes(graph: ComputationGraph, texts: dict[str, tuple[str, str | None]]
               ) -> dict[str, NodeBox]:
    """``texts``: node -> (text inside, title above or None), as plain characters."""
    boxes = {}
    for node in graph.nodes:
        x, y = graph.node(node).get("pos", (0.0, 0.0))
        height = NODE_H0 + NODE_ROW * max(len(graph.op(node).ports), 1)
        cx, cy = (x + NODE_W / 2) / PX_PER_CM, (y + height / 2) / PX_PER_CM
        inside, title = texts[node]
        w = text_width(inside, "normal")
        if title is None:
            hw, hh = w / 2 + 0.1, max(LEAF_H, LINE["normal"]) / 2
            boxes[node] = NodeBox((cx, cy), (cx - hw, cy - hh, cx + hw, cy + hh))
            continue
        r = max(OP_SIZE, math.hypot(w, LINE["normal"]) + 0.07) / 2
        tw = text_width(title, "footnote") / 2
        top = cy - r - 0.035
        boxes[node] = NodeBox((cx, cy), (cx - r, cy - r, cx + r, cy + r),
                              (cx - tw, top - LINE["footnote"], cx + tw, top))
    return boxes


def _border(box: NodeBox, towards: Point) -> Point:
    """Where the line from the node's centre towards ``towards`` leaves its shape."""
    (cx, cy), (left, top, right, bottom) = box.centre, box.shape
    dx, dy = towards[0] - cx, towards[1] - cy
    length = math.hypot(dx, dy) or 1.0
    if box.title is not None:                       # a circle
        radius = (right - left) / 2
        return cx + dx / length * radius, cy + dy / length * radius
    scale = min((right - left) / 2 / abs(dx) if dx else math.inf,
                (bottom - top) / 2 / abs(dy) if dy else math.inf)
    return cx + dx * scale, cy + dy * scale


def courses(graph: ComputationGraph, boxes: dict[str, NodeBox]) -> list[EdgeCourse]:
    """Every edge's wire, in the graph's edge order. Wrapped routes sharing a gap run side by
    side (SPREAD apart), not on top of each other, and so do their turns into one node."""
    out, seen = [], {}
    runs: list[tuple[float, float, float]] = []       # (y, x from, x to) of runs taken
    drops: list[tuple[float, float, float]] = []      # (x, y from, y to) of vertical runs
    pairs: dict[tuple, int] = {}
    for s, t, _ in graph.edges():
        pairs[(s, t)] = pairs.get((s, t), 0) + 1
    for key in graph.edges():
        source, target = boxes[key[0]], boxes[key[1]]
        start = (source.shape[2], source.centre[1])             # .east
        end = (target.shape[0], target.centre[1])               # .west
        others = [b.box for n, b in boxes.items() if n not in key[:2]]
        y = routing.wrap_level(start, end, source.box, target.box, others, REACH, CORRIDOR)
        if y is not None and pairs[key[:2]] == 1:
            points = _wrap(start, end, y, source.box, target.box, others, runs, drops)
            out.append(EdgeCourse(key, points, wrapped=True))
            continue
        k = seen.get(key[:2], 0)
        seen[key[:2]] = k + 1
        a, b = _border(source, target.centre), _border(target, source.centre)
        bend = ""
        if pairs[key[:2]] > 1:               # x·x: the two edges apart, not on top
            angle = 12 + 10 * (k // 2)
            bend = f"bend {'left' if k % 2 == 0 else 'right'}={angle}"
            a, b = _bent_chord(a, b, angle if k % 2 == 0 else -angle)
        out.append(EdgeCourse(key, [a, b], bend=bend))
    return out


SPREAD = 0.9             # between two wrapped routes' parallel runs: two numbers' height


def _wrap(start: Point, end: Point, y: float, source: Rect, target: Rect, others: list,
          runs: list, drops: list) -> list[Point]:
    """The corners of a wrapped route, turning clear of both nodes' boxes (titles too), its
    run and turns moved aside from routes already taken (recorded in ``runs``, ``drops``)."""
    out_x = max(source[2], start[0]) + REACH
    in_x = min(target[0], end[0]) - REACH
    walls = others + [source, target]
    y = _free(y, (in_x, out_x), runs,
              lambda v: not any(crosses(r, (in_x, v), (out_x, v)) for r in walls))
    in_x = _free(in_x, _span(y, end[1]), drops, lambda v: v < end[0], (-1,))
    out_x = _free(out_x, _span(y, start[1]), drops, lambda v: v > start[0], (1,))
    runs.append((y, in_x, out_x))
    drops += [(in_x, *_span(y, end[1])), (out_x, *_span(y, start[1]))]
    return routing.wrapped_points(start, end, y, out_x, in_x)


def _span(a: float, b: float) -> tuple[float, float]:
    return min(a, b), max(a, b)


def _free(level: float, span: tuple, used: list, allowed, signs=(1, -1)) -> float:
    """``level`` moved by the fewest SPREADs (towards ``signs``) until no run in ``used``
    lies within SPREAD of it along an overlapping span, and ``allowed(level)`` holds; the
    level as it was when none is found within four steps."""
    for k in range(0, 5):
        for sign in (signs if k else (1,)):
            v = level + sign * k * SPREAD
            clash = any(abs(v - u) < SPREAD * 0.9 and lo < span[1] and span[0] < hi
                        for u, lo, hi in used)
            if not clash and allowed(v):
                return v
    return level


def _bent_chord(a: Point, b: Point, angle: float) -> list[Point]:
    """A bent edge as its chord moved out to the arc's middle (near enough for labels)."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    sag = math.tan(math.radians(angle) / 2) * math.hypot(dx, dy) / 2
    length = math.hypot(dx, dy) or 1.0
    nx, ny = dy / length * sag, -dx / length * sag     # left of the direction, y down
    return (a[0] + nx, a[1] + ny), (b[0] + nx, b[1] + ny)


def normal_of(p: Point, q: Point) -> Point:
    """The unit normal of the wire p–q on the side its value goes: upward (y down), or left
    of a vertical wire. The gradient goes the other way."""
    dx, dy = q[0] - p[0], q[1] - p[1]
    length = math.hypot(dx, dy) or 1.0
    nx, ny = dy / length, -dx / length
    if ny > 1e-9 or (abs(ny) <= 1e-9 and nx > 0):
        nx, ny = -nx, -ny
    return nx, ny


def box_at(at: Point, normal: Point, sign: float, width: float) -> tuple[Rect, Point]:
    """A number's box pushed from ``at`` along ``normal`` (the value, ``sign`` 1) or against it
    (the gradient, -1) until it just clears the wire through ``at``, as sloped text would sit
    above and below it."""
    h = LINE["small"]
    reach = width / 2 * abs(normal[0]) + h / 2 * abs(normal[1]) + GAP
    cx, cy = at[0] + sign * normal[0] * reach, at[1] + sign * normal[1] * reach
    return (cx - width / 2, cy - h / 2, cx + width / 2, cy + h / 2), (cx, cy)


def _spots(course: EdgeCourse) -> list[tuple[Point, Point]]:
    """Points along the wire, the middle first, each with the wire's normal there; a wrapped
    route's along its run back through the gap (clear of nodes), then down its two turns."""
    ts = sorted((k / 20 for k in range(3, 18)), key=lambda t: abs(t - 0.5))
    runs = [course.points]
    if course.wrapped:
        runs = [course.points[2:4], course.points[1:3], course.points[3:5]]
    return [(routing.along(run, t), normal_of(*run)) for run in runs for t in ts
            if run[0] != run[1]]


def place_labels(edge_courses: list[EdgeCourse], boxes: dict[str, NodeBox],
                 widths: dict[tuple, tuple[float | None, float | None]],
                 reserved: list[Rect]) -> dict[tuple, tuple[Number | None, Number | None]]:
    """Each edge's (value, gradient), greedily in edge order: each number at the first spot
    along its wire, the gradient trying its value's spot first, where it covers no node, no
    title and no number already placed, fewest other wires through it first."""
    taken = [b.shape for b in boxes.values()] + [b.title for b in boxes.values() if b.title]
    taken += reserved
    wires = {c.key: list(zip(c.points, c.points[1:])) for c in edge_courses}
    placed = {}
    for course in edge_courses:
        value_w, grad_w = widths.get(course.key, (None, None))
        others = [seg for key, segs in wires.items() if key != course.key for seg in segs]
        spots = _spots(course)
        value, grad = _pair(spots, value_w, grad_w, taken, others, wires[course.key])
        if value is None and value_w is not None:
            value = _place(spots, 1.0, value_w, taken, others, wires[course.key])
        if value is not None:
            taken.append(value.rect)
        if grad is None and grad_w is not None:
            first = next((k for k, (at, _) in enumerate(spots)
                          if value is not None and at == value.anchor), None)
            order = spots if first is None else [spots[first]] + spots
            grad = _place(order, -1.0, grad_w, taken, others, wires[course.key])
        if grad is not None:
            taken.append(grad.rect)
        if value is not None or grad is not None:
            placed[course.key] = (value, grad)
    return placed


def _pair(spots, value_w, grad_w, taken, others, own):
    """Both numbers at one spot, either side of the wire, fewest wires through them first;
    (None, None) when no spot has room for both (each is then placed on its own)."""
    if value_w is None or grad_w is None:
        return None, None
    best = None
    for index, (at, normal) in enumerate(spots):
        boxes = [box_at(at, normal, 1.0, value_w), box_at(at, normal, -1.0, grad_w)]
        if any(overlaps(r, o) for r, _ in boxes for o in taken) or overlaps(
                boxes[0][0], boxes[1][0], 0.0) or any(
                crosses(r, p, q) for r, _ in boxes for p, q in own if not _on(at, p, q)):
            continue
        hits = sum(crosses(r, p, q) for r, _ in boxes for p, q in others)
        if best is None or (hits, index) < best[0]:
            best = ((hits, index), tuple(Number(r, c, at) for r, c in boxes))
        if hits == 0:
            break
    return best[1] if best is not None else (None, None)


def _place(spots, sign: float, width: float, taken: list[Rect], others: list, own: list
           ) -> Number:
    best = None
    for index, (at, normal) in enumerate(spots):
        rect, centre = box_at(at, normal, sign, width)
        if any(overlaps(rect, o) for o in taken) or \
                any(crosses(rect, p, q) for p, q in own if not _on(at, p, q)):
            continue
        hits = sum(crosses(rect, p, q) for p, q in others)
        if best is None or (hits, index) < best[0]:
            best = ((hits, index), Number(rect, centre, at))
        if hits == 0:
            break
    return best[1] if best is not None else _nearest_free(spots, sign, width, taken, own)


def _on(at: Point, p: Point, q: Point) -> bool:
    """Whether ``at`` lies on the axis-parallel or straight segment p–q (the one a number
    was pushed off, which it clears by construction)."""
    cross = (q[0] - p[0]) * (at[1] - p[1]) - (q[1] - p[1]) * (at[0] - p[0])
    inside = min(p[0], q[0]) - 1e-9 <= at[0] <= max(p[0], q[0]) + 1e-9 and \
        min(p[1], q[1]) - 1e-9 <= at[1] <= max(p[1], q[1]) + 1e-9
    return abs(cross) < 1e-6 and inside


def _nearest_free(spots, sign: float, width: float, taken: list[Rect], own: list) -> Number:
    """No spot along the wire is free: the nearest free place around the middle, on the
    number's own side and clear of its own wire, with a leader line; the middle itself when
    the whole neighbourhood is full."""
    anchor, normal = spots[0]
    rect, centre = box_at(anchor, normal, sign, width)
    step = 0.2
    for ring in range(1, 31):
        for i in range(-ring, ring + 1):
            for dx, dy in ((i * step, sign * -ring * step), (i * step, sign * ring * step),
                           (-ring * step, i * step), (ring * step, i * step)):
                moved = (rect[0] + dx, rect[1] + dy, rect[2] + dx, rect[3] + dy)
                if not any(overlaps(moved, o) for o in taken) and \
                        not any(crosses(moved, p, q) for p, q in own):
                    return Number(moved, (centre[0] + dx, centre[1] + dy), anchor, leader=True)
    return Number(rect, centre, anchor)
