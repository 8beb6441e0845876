"""The TikZ figure's geometry (engine/figures/tikz_layout.py, routing.py): edges that run back
to the left wrap along the gap between bands by the canvas's rule, clear of every node, and
each edge's numbers are placed clear of nodes, titles and each other."""

from __future__ import annotations

import re

import pytest

from backprop_studio.engine import fileformat
from backprop_studio.engine.backprop import run
from backprop_studio.engine.figures import routing, tikz
from backprop_studio.engine.figures import tikz_layout as layout
from backprop_studio.engine.resources import resource


def test_corridor_and_wrap_level_on_plain_rectangles():
    rects = [(0, 100, 50, 140), (200, 180, 250, 210), (900, 0, 950, 900)]
    # free strips between 60 and 300 over x 0..300: 60–100, 140–180, 210–300 (the widest)
    assert routing.corridor(rects, 0, 300, 60, 300) == 255
    assert routing.corridor(rects, 0, 300, 100, 215) == 160
    source, target = (0, 0, 100, 50), (-300, 200, -200, 250)
    assert routing.wrap_level((100, 25), (-300, 225), source, target, [], 24) == 125
    assert routing.wrap_level((100, 25), (400, 25), source, (400, 0, 500, 50), [], 24) is None
    # beside each other (not wholly above or below): no wrap
    assert routing.wrap_level((100, 25), (-300, 40), source, (-400, 20, -300, 60), [], 24) \
        is None
    assert routing.wrapped_points((100, 25), (-300, 225), 125, 124, -324) == [
        (100, 25), (124, 25), (124, 125), (-324, 125), (-324, 225), (-300, 225)]


def _layout(name):
    graph = fileformat.load(resource("examples", f"{name}.json"))
    result = run(graph, trace=True)
    plain = {n: (graph.label(n), None) if not graph.op(n).ports
             else (graph.op(n).symbol, graph.label(n)) for n in graph.nodes}
    boxes = layout.node_boxes(graph, plain)
    return graph, result, boxes, layout.courses(graph, boxes)


def test_two_layer_sigmoid_wraps_the_edges_that_run_back():
    """z¹ → σ runs back to the left to the band below: out right, along the gap, in from the
    left; none of its segments crosses another node or its title (the diagonal crossed
    x¹ = σ(z¹)'s title)."""
    graph, _, boxes, courses = _layout("two_layer_sigmoid")
    label = {n: graph.label(n) for n in graph.nodes}
    wrapped = {(label[c.key[0]], label[c.key[1]]): c for c in courses if c.wrapped}
    assert ("z¹ = W¹ᵀx⁰ + b¹", "x¹ = σ(z¹)") in wrapped
    for course in courses:
        for p, q in zip(course.points, course.points[1:]):
            for node, box in boxes.items():
                if node in course.key[:2]:
                    continue
                assert not layout.crosses(box.box, p, q), (course.key, node)
    course = wrapped[("z¹ = W¹ᵀx⁰ + b¹", "x¹ = σ(z¹)")]
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = course.points[1:5]
    assert x0 == x1 and y1 == y2 and x2 == x3 and x2 < x1      # right, down, back left, down
    text = tikz.picture(graph, run(graph))
    assert len(re.findall(r"\\draw\[bpswrapped\] \(\w+\.east\) -- ", text)) == len(wrapped)


@pytest.mark.parametrize("path", fileformat.example_paths(), ids=lambda p: p.stem)
def test_numbers_cover_no_node_no_title_and_no_other_number(path):
    graph, result, boxes, courses = _layout(path.stem)
    values, grads = result.values, {(s.source, s.node, s.port): s.downstream
                                    for s in result.trace if s.kind == "edge"}
    widths = {c.key: (layout.text_width(tikz._plain(values[c.key[0]])),
                      layout.text_width(tikz._plain(grads[c.key])) if c.key in grads else None)
              for c in courses}
    placed = layout.place_labels(courses, boxes, widths, [])
    assert set(placed) == {c.key for c in courses}
    rects = [n.rect for pair in placed.values() for n in pair if n is not None]
    solid = [b.shape for b in boxes.values()] + [b.title for b in boxes.values() if b.title]
    for i, rect in enumerate(rects):
        assert not any(layout.overlaps(rect, s, 0.0) for s in solid), (path.stem, rect)
        assert not any(layout.overlaps(rect, r, 0.0) for r in rects[i + 1:]), (path.stem, rect)
    for course in courses:                 # and none lies across its own wire
        for number in placed[course.key]:
            if number is not None and not number.leader:
                for p, q in zip(course.points, course.points[1:]):
                    assert not layout.crosses(number.rect, p, q), (path.stem, course.key)
