"""engine.layout: layered columns, leaves beside far consumers, long chains wrapped to a width,
and no two nodes on top of each other."""

from __future__ import annotations

import itertools

import pytest

from backprop_studio.engine import fileformat
from backprop_studio.engine.api import Graph
from backprop_studio.engine.folding import folded_leaves
from backprop_studio.engine.layout import (
    FOLD_ROWS,
    PARAM_ROOM,
    WIDTH,
    fold_spot,
    layered_positions,
    node_size,
)


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
    folded = folded_leaves(graph)
    counts = {c: sum(1 for v in folded.values() if v[0] == c) for c, _ in folded.values()}
    rects = {n: (x, y, x + node_size(graph, n, counts.get(n, 0))[0],
                 y + node_size(graph, n, counts.get(n, 0))[1])
             for n, (x, y) in pos.items() if n not in folded}
    assert max(r[2] for r in rects.values()) - min(r[0] for r in rects.values()) <= WIDTH
    for (a, ra), (b, rb) in itertools.combinations(rects.items(), 2):
        apart = ra[2] <= rb[0] or rb[2] <= ra[0] or ra[3] <= rb[1] or rb[3] <= ra[1]
        assert apart, (a, b)
    for s, t, _port in graph.edges():
        if s in folded:                 # its two rows lie inside the consumer's box
            x, y = pos[s]
            box = rects[t]
            assert box[0] == x and box[1] < y and y + FOLD_ROWS <= box[3] - (
                PARAM_ROOM if graph.op(t).name == "dense" else 0), (s, t)
            continue
        assert pos[s][0] < pos[t][0] or pos[s][1] < pos[t][1], (s, t)    # forward or wrapped


def test_the_seeds_matrix_form_folds_each_W_into_its_product_and_t_into_E():
    graph = fileformat.load(next(p for p in fileformat.example_paths()
                                 if p.stem == "seed_matrix_form"))
    assert folded_leaves(graph) == {"parameter": ("matmul", "a"), "parameter_1": ("matmul_3", "a"),
                                    "parameter_2": ("matmul_5", "a"), "t": ("mse", "y")}
    folded = layered_positions(graph)
    for leaf, (consumer, _) in folded_leaves(graph).items():
        assert folded[leaf] == fold_spot(graph, consumer, 0, folded[consumer])
    # unfolded, every W has a column of its own again: no leaf at its consumer's spot, and
    # the graph is taller (4 bands instead of 3)
    plain = layered_positions(graph, fold=False)
    assert all(plain[leaf] != fold_spot(graph, c, 0, plain[c])
               for leaf, (c, _) in folded_leaves(graph).items())
    height = lambda pos, skip: max(pos[n][1] + node_size(graph, n)[1]   # noqa: E731
                                   for n in pos if n not in skip)
    assert height(plain, ()) > height(folded, folded_leaves(graph)) + 150


def test_what_folds_and_what_stays_a_node():
    g = Graph()
    x = g.input("x", [1.0, 2.0])
    w = g.parameter("W", [[1.0, 0.0], [0.0, 1.0]])
    s = g.parameter("s", 2.0)                       # a scalar: a CS231n input, stays a node
    shared = g.parameter("V", [[1.0, 2.0], [3.0, 4.0]])
    y = g.input("y", [0.0, 1.0])
    a = g.matmul(w, x)
    b = g.matmul(shared, a)
    c = g.matmul(shared, b)                         # V feeds two ports: stays a node
    d = g.multiply(c, s)
    loss = g.mse(d, y)
    assert folded_leaves(g) == {w: (a, "a"), y: (loss, "y")}
    g2 = Graph()
    p = g2.input("p", [0.2, 0.8])                   # an input on a loss's first port
    t = g2.input("t", [0.0, 1.0])
    g2.bce(p, t)
    assert set(folded_leaves(g2)) == {t}
    g3 = Graph()                                    # a layer draws its own W: nothing folds in
    x3 = g3.parameter("x", [[1.0, 2.0]])
    g3.dense(x3, 2, 2)
    assert folded_leaves(g3) == {}


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
