"""A chain that wraps to the next band returns along the gap between the bands, clear of every
node, with its label on that run; a forward edge stays one bezier."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF

from backprop_studio.engine.fileformat import example_paths
from backprop_studio.gui.canvas.edge_route import MIN_GAP, corridor, route


def test_corridor_is_the_middle_of_the_widest_free_strip():
    rects = [QRectF(0, 100, 50, 40), QRectF(200, 180, 50, 30), QRectF(900, 0, 50, 900)]
    # strips between 60 and 300 over x 0..300: 60–100, 140–180, 210–300 (the widest)
    assert corridor(rects, 0, 300, 60, 300) == 255
    assert corridor(rects, 0, 300, 100, 215) == 160          # 140–180
    assert corridor([QRectF(0, 0, 10, 100)], 0, 10, 0, 100 + MIN_GAP - 1) is None


def test_route_is_a_bezier_forward_and_a_return_backward():
    src, tgt = QRectF(0, 0, 100, 50), QRectF(-300, 200, 100, 50)
    forward = route(QPointF(100, 25), QPointF(400, 25), src, QRectF(400, 0, 100, 50), [])
    assert forward.elementCount() == 4                       # move + one cubic
    back = route(QPointF(100, 25), QPointF(-300, 225), src, tgt, [])
    assert back.elementCount() > 4
    ys = {round(back.elementAt(i).y, 6) for i in range(back.elementCount())}
    assert 125.0 in ys                                       # the run: halfway between
    assert (back.pointAtPercent(1.0) - QPointF(-300, 225)).manhattanLength() < 1e-6


def test_spirals_wrapped_edges_run_clear_of_every_node(make_window):
    window = make_window((1280, 800))
    path = next(p for p in example_paths() if p.stem == "spirals_mlp")
    assert window.open_path(path)
    scene = window.scene
    wrapped = [e for e in scene.edge_items()
               if e.source_item.output_anchor().x() > e.target_item.input_anchor(e.port).x()]
    assert len(wrapped) >= 2                                 # tanh 1 → layer 2, z → σ
    for edge in wrapped:
        p = edge.path()
        assert p.elementCount() > 4, edge.key
        points = [p.pointAtPercent(t / 200) for t in range(4, 197)]
        for item in scene.node_items():
            if item in (edge.source_item, edge.target_item):
                continue
            rect = item.sceneBoundingRect()
            assert not any(rect.contains(q) for q in points), (edge.key, item.node)
    window.run_graph()
    labels = window.animation.overlay.labels
    for edge in wrapped:          # the label sits on the run, with no leader line
        label = labels[edge.key]
        assert label.leader is None, edge.key
        assert abs(label.pos().y() - edge.label_anchors()[0].y()) < 1e-6


def test_routes_into_two_ports_of_one_node_never_share_a_wire(make_window):
    """sigmoid_neuron wraps: w0x0+w1x1 → z.a and w2 → z.b both return to z along one gap."""
    window = make_window((1280, 800))
    path = next(p for p in example_paths() if p.stem == "sigmoid_neuron")
    assert window.open_path(path)
    scene = window.scene
    into_z = [e for e in scene.edge_items() if e.target == "z"
              and e.source_item.output_anchor().x() > e.target_item.input_anchor(e.port).x()]
    assert sorted(e.port for e in into_z) == ["a", "b"]
    a, b = sorted(into_z, key=lambda e: e.port)
    points_a = [a.path().pointAtPercent(t / 400) for t in range(401)]
    points_b = [b.path().pointAtPercent(t / 400) for t in range(401)]
    # no stretch of one wire lies on the other: away from where they cross, ≥ LANE/2 apart
    close = sum(1 for p in points_a if min((p - q).manhattanLength() for q in points_b) < 3)
    assert close < 20, close


def test_an_edges_box_follows_its_longest_route_and_the_view_shows_it(make_window):
    """The click shape (and with it the box Qt culls and Fit measures by) is made for the path
    now set: Qt asks for it inside setPath while the old path is still there. A wrapped route
    that grows once the nodes have their numbers (sigmoid_neuron's w2 → z) stays in view."""
    from PySide6.QtWidgets import QApplication
    path = next(p for p in example_paths() if p.stem == "sigmoid_neuron")
    window = make_window((1280, 800))
    QApplication.processEvents()
    assert window.files.open_example(path)
    for _ in range(3):
        QApplication.processEvents()
    seen = window.view.mapToScene(window.view.viewport().rect()).boundingRect()
    for edge in window.scene.edge_items():
        drawn = edge.path().boundingRect()
        box = edge.sceneBoundingRect()
        assert _inside(drawn, box), (edge.key, box, drawn)
        assert _inside(drawn, seen), (edge.key, seen, drawn)
    edge = window.scene.edge_item("w2", "z", "b")
    before = edge.sceneBoundingRect()
    window.graph.set_position("w2", (window.graph.node("w2")["pos"][0] + 200,
                                     window.graph.node("w2")["pos"][1]))
    assert edge.sceneBoundingRect().right() > before.right() + 150      # the new route's box


def _inside(a: QRectF, b: QRectF) -> bool:
    """``a`` within ``b`` (QRectF.contains says no for a flat rect: a straight edge)."""
    return b.left() <= a.left() and a.right() <= b.right() and b.top() <= a.top() and \
        a.bottom() <= b.bottom()


def test_wrapped_routes_are_found_again_after_nodes_come_and_go(make_window, qtbot):
    """Deleting W₁x₀ (and its folded W₁) unfolds and removes leaves mid-edit: the wrapped
    x₁ → W₂x₁ edge is routed again once the edit is over, clear of every node."""
    from PySide6.QtWidgets import QApplication
    path = next(p for p in example_paths() if p.stem == "seed_matrix_form")
    window = make_window((1280, 800))
    assert window.open_path(path)
    scene = window.scene
    scene.clearSelection()
    scene.node_item("matmul").setSelected(True)
    window.delete()
    QApplication.processEvents()
    edge = scene.edge_item("sigmoid", "matmul_3", "b")
    assert edge.path().elementCount() > 4 and edge.run is not None      # still wrapped
    for node in scene.node_items():
        if node.node not in ("sigmoid", "matmul_3"):
            assert not edge.run.intersects(node.sceneBoundingRect()), node.node
