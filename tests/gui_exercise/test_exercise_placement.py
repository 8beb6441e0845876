"""Each blank sits at its own edge (along the edge's path, where the animation's labels go),
with a leader line to it when it had to move away; no blank covers a node, and no blank of
another edge sits against a given value."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF, QRectF

from backprop_studio.engine import fileformat
from backprop_studio.engine.exercise import model
from backprop_studio.engine.exercise.model import Exercise, Field
from backprop_studio.gui.exercise.blanks import (
    GIVEN_MARGIN,
    LEADER_AFTER,
    BlankItem,
    anchor_points,
    stacked,
)

EX = fileformat.EXAMPLES
Z_SIGMA = dict(source="z", target="sigmoid", port="z")


@pytest.fixture
def neuron(make_window, tmp_path):
    g = fileformat.load(EX / "sigmoid_neuron.json")
    model.store(g, Exercise(passes=[{"kind": "all_gradients"}],
                            fields=[Field("local", **Z_SIGMA), Field("downstream", **Z_SIGMA)]))
    path = tmp_path / "neuron.json"
    fileformat.save(g, path)
    window = make_window((1280, 800))
    assert window.open_path(path)
    return window, window.exercise


def _gap(rect: QRectF, p: QPointF) -> float:
    dx = max(rect.left() - p.x(), 0.0, p.x() - rect.right())
    dy = max(rect.top() - p.y(), 0.0, p.y() - rect.bottom())
    return (dx * dx + dy * dy) ** 0.5


def _path_points(window, edge):
    item = window.scene.edge_item(*edge)
    return [item.path().pointAtPercent(t / 400) for t in range(401)]


def _box(item):
    return item.mapRectToScene(item.box() if isinstance(item, BlankItem) else
                               item.boundingRect())


def test_each_blank_is_at_its_edge_or_points_to_it(neuron):
    window, mode = neuron
    for item in mode.blanks + mode.given:
        where, _below = mode.anchors[item]
        if not isinstance(where, tuple):
            continue
        path = _path_points(window, where)
        near = min(_gap(_box(item), p) for p in path)
        column = any(stacked(_box(item), p, item.boundingRect().height())
                     for p in anchor_points(window.scene, where))
        if near <= LEADER_AFTER + 4 or column:
            continue
        leader = item.leader
        assert leader is not None and leader.isVisible(), (item.toPlainText(), where, near)
        end = leader.line().p2()
        assert min(_gap(QRectF(end, end), p) for p in path) < 1.0       # on its own edge
        assert _gap(_box(item), leader.line().p1()) < 1.0                # from its box


def test_the_local_and_downstream_blanks_of_z_sigma_sit_at_that_edge(neuron):
    window, mode = neuron
    path = _path_points(window, ("z", "sigmoid", "z"))
    for blank in mode.blanks:
        if blank.field.kind in ("local", "downstream"):
            point = anchor_points(window.scene, ("z", "sigmoid", "z"))[0]
            assert stacked(_box(blank), point, blank.boundingRect().height())
            assert blank.leader is None or not blank.leader.isVisible()
            assert min(_gap(_box(blank), p) for p in path) < 4 * 40


def test_no_blank_covers_a_node_or_crowds_another_edges_given_value(neuron):
    window, mode = neuron
    nodes = [n.sceneBoundingRect() for n in window.scene.node_items()]
    for blank in mode.blanks:
        box = blank.mapRectToScene(blank.boundingRect())
        assert not any(box.intersects(n) for n in nodes), blank.field
        for given in mode.given:
            if mode.anchors[given][0] == mode.anchors[blank][0]:
                continue
            room = _box(given).adjusted(-GIVEN_MARGIN + 1, 0, GIVEN_MARGIN - 1, 0)
            assert not room.intersects(box), (given.toPlainText(), blank.field)


def test_a_folded_weights_blank_and_value_sit_beside_its_rows(make_window, tmp_path):
    g = fileformat.load(EX / "seed_matrix_form.json")
    model.store(g, Exercise(passes=[{"kind": "all_gradients"}], fields=[]))
    path = tmp_path / "matrix.json"
    fileformat.save(g, path)
    window = make_window((1280, 800))
    assert window.open_path(path)
    mode = window.exercise
    key = ("parameter", "matmul", "a")
    assert window.scene.edge_item(*key).folded
    leaf = window.scene.node_item("parameter").sceneBoundingRect()
    mine = [item for item in mode.blanks + mode.given if mode.anchors[item][0] == key]
    assert {type(i) for i in mine} == {BlankItem, type(mode.given[0])}    # a blank, W₁ given
    point = anchor_points(window.scene, key)[0]
    assert point.x() > leaf.right() and leaf.top() < point.y() < leaf.bottom()
    for item in mine:               # beside the rows, or led back to them: never over a node
        box = _box(item)
        assert stacked(box, point, item.boundingRect().height()) or \
            (item.leader is not None and item.leader.isVisible()) or _gap(box, point) < 40
        for node in window.scene.node_items():
            assert not box.intersects(node.mapRectToScene(node.body_rect())), node.node
