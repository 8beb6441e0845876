"""engine.layout: layered columns, leaves beside far consumers, long chains wrapped to a width,
and no two nodes on top of each other."""

from __future__ import annotations

import itertools

import pytest

from backprop_studio.engine import fileformat
from backprop_studio.engine.api import Graph
from backprop_studio.engine.layout import WIDTH, layered_positions, node_size


def _rects(graph, pos):
    return {n: (x, y, x + node_size(graph, n)[0], y + node_size(graph, n)[1])
            for n, (x, y) in pos.items()}


def test_cs231n_columns_z_under_q_so_its_edge_passes_behind_nothing():
    g = Graph()
    x, y, z = g.input("x", -2.0), g.input("y", 5.0), g.input("z", -4.0)
    q = g.add(x, y, label="q")
    f = g.multiply(q, z, label="f")
    pos = layered_positions(g)
    assert pos[x][0] == pos[y][0] == 0 < pos[q][0] == pos[z][0] < pos[f][0]
    assert pos[x][1] < pos[y][1] and pos[q][1] < pos[z][1]


@pytest.mark.parametrize("path", fileformat.example_paths(), ids=lambda p: p.stem)
def test_examples_fit_the_width_without_overlaps(path):
    graph = fileformat.load(path)
    pos = layered_positions(graph)
    rects = _rects(graph, pos)
    assert max(r[2] for r in rects.values()) - min(r[0] for r in rects.values()) <= WIDTH
    for (a, ra), (b, rb) in itertools.combinations(rects.items(), 2):
        apart = ra[2] <= rb[0] or rb[2] <= ra[0] or ra[3] <= rb[1] or rb[3] <= ra[1]
        assert apart, (a, b)
    for s, t, _port in graph.edges():
        assert pos[s][0] < pos[t][0] or pos[s][1] < pos[t][1], (s, t)    # forward or wrapped


def test_a_long_chain_wraps_and_a_far_leaf_sits_by_its_consumer():
    g = Graph()
    h = g.input("x", 1.0)
    for i in range(8):
        h = g.sigmoid(h, label=f"s{i}")
    t = g.input("t", 0.0)
    loss = g.subtract(h, t, label="L")
    pos = layered_positions(g)
    assert len({y for _, y in pos.values()}) > 1                  # more than one band
    assert pos[t][0] == pos[h][0]                                 # in the column before L
    assert pos[loss][0] > pos[t][0] or pos[loss][1] > pos[t][1]     # after it, or wrapped
