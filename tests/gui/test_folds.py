"""Leaves drawn inside their consumer (View ▸ Fold Weights and Targets): W₁ as two rows of
W₁x₀, still its own node to select, edit, move with its host, delete and undo; unfolded when
an edit breaks the rule or the toggle is off, with the graph laid out again if nodes overlap."""

from __future__ import annotations

import pytest
from editor_helpers import to_view
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from backprop_studio.engine import fileformat
from backprop_studio.engine.folding import folded_leaves
from backprop_studio.engine.layout import fold_spot
from backprop_studio.gui import format as fmt
from backprop_studio.gui.canvas import folds

MATRIX = fileformat.EXAMPLES / "seed_matrix_form.json"


def opened(make_window):
    window = make_window((1280, 800))
    assert window.open_path(MATRIX)
    window.actions["run"].trigger()
    return window


def overlaps(window) -> bool:
    return folds.overlapping(window.scene)


def test_each_W_is_two_rows_of_its_product_with_the_numbers_of_the_run(make_window):
    window = opened(make_window)
    scene, result = window.scene, window.last_result
    host, leaf = scene.node_item("matmul"), scene.node_item("parameter")
    assert leaf.folded_into is host and host.folds == [leaf]
    assert scene.folded == {"parameter": ("matmul", "a"), "parameter_1": ("matmul_3", "a"),
                            "parameter_2": ("matmul_5", "a"), "t": ("mse", "y")}
    # its rows sit under the host's value rows, inside the host's box, as wide as it
    box = host.mapRectToScene(host.body_rect())
    rows = leaf.mapRectToScene(leaf.body_rect())
    assert box.contains(rows) and rows.width() == box.width()
    assert rows.bottom() == box.bottom() and rows.top() == box.top() + host.base_height()
    texts = {t.role: t for t in leaf.painted_texts()}
    assert texts["label"].text == "W₁"
    assert texts["value"].text == fmt.short(result.values["parameter"]) == "5×4 ∈[−0.40, 0.50]"
    assert texts["grad"].text == fmt.short(result.grads["parameter"])
    assert all(t.shown == t.text for t in texts.values())
    assert host.port_text("a") == "a = W₁" and host.port_text("b") == "b"
    edge = scene.edge_item("parameter", "matmul", "a")
    assert edge.folded and not edge.isVisible()
    assert not folds.overlapping(scene)


def test_clicking_the_rows_selects_W_for_the_inspector(make_window, qtbot):
    window = opened(make_window)
    leaf = window.scene.node_item("parameter")
    centre = leaf.mapToScene(leaf.body_rect().center())
    QTest.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=to_view(window, centre))
    assert window.scene.selected_nodes() == ["parameter"]
    qtbot.waitUntil(lambda: window.inspector.node == "parameter", timeout=5000)


def test_the_rows_move_with_their_host_and_undo_puts_both_back(make_window, qtbot):
    from editor_helpers import drag
    window = opened(make_window)
    scene, graph = window.scene, window.graph
    host, leaf = scene.node_item("matmul"), scene.node_item("parameter")
    before = {n: tuple(graph.node(n)["pos"]) for n in ("matmul", "parameter")}
    start = host.mapToScene(host.body_rect().topLeft()) + type(host.pos())(60, 12)
    drag(qtbot, window, start, start + type(start)(0, 40))
    moved = {n: tuple(graph.node(n)["pos"]) for n in ("matmul", "parameter")}
    dy = moved["matmul"][1] - before["matmul"][1]
    assert dy > 20
    assert moved["parameter"] == pytest.approx((before["parameter"][0],
                                                before["parameter"][1] + dy))
    assert leaf.pos() == leaf.fold_pos()
    window.undo_stack.undo()
    assert {n: tuple(graph.node(n)["pos"]) for n in ("matmul", "parameter")} == before
    assert leaf.folded_into is host


def test_deleting_or_copying_the_host_takes_its_rows_with_it(make_window):
    window = opened(make_window)
    scene, graph = window.scene, window.graph
    scene.clearSelection()
    scene.node_item("matmul").setSelected(True)           # its header: W₁'s rows come along
    assert scene.selected_with_folds() == ["parameter", "matmul"]
    window.copy()
    assert "Copied 2 nodes" in window.statusBar().currentMessage()
    window.delete()
    assert "matmul" not in graph.nx and "parameter" not in graph.nx
    assert scene.folded == {"parameter_1": ("matmul_3", "a"),
                            "parameter_2": ("matmul_5", "a"), "t": ("mse", "y")}
    window.undo_stack.undo()
    host, leaf = scene.node_item("matmul"), scene.node_item("parameter")
    assert leaf.folded_into is host and host.folds == [leaf]
    assert not scene.edge_item("parameter", "matmul", "a").isVisible()


def test_a_leaf_an_edit_unfolds_moves_off_the_nodes_in_a_step_of_its_own(make_window, qtbot):
    from backprop_studio.gui import commands
    window = opened(make_window)
    scene, stack, graph = window.scene, window.undo_stack, window.graph
    spot = tuple(graph.node("parameter")["pos"])
    commands.push(stack, commands.Disconnect(graph, "matmul", "a"))     # W₁'s edge goes
    leaf = scene.node_item("parameter")
    assert leaf.folded_into is None
    qtbot.waitUntil(lambda: stack.count() == 2, timeout=5000)
    assert stack.command(1).text() == "Place W₁ beside its node"
    assert not overlaps(window)
    assert tuple(graph.node("parameter")["pos"]) != spot
    stack.undo()                            # back under its node, still unfolded
    assert tuple(graph.node("parameter")["pos"]) == spot
    stack.undo()                            # the edge again: folded
    assert leaf.folded_into is scene.node_item("matmul")
    stack.redo()                            # redoing the edit does not cut the redo history
    QApplication.processEvents()
    assert stack.count() == 2 and stack.canRedo()


def test_a_parameter_wired_by_hand_stays_a_node(make_window):
    from backprop_studio.gui import commands
    window = opened(make_window)
    graph, scene, stack = window.graph, window.scene, window.undo_stack
    value = [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]             # W₃'s shape, 2 × 3
    cmd = commands.push(stack, commands.AddNode(graph, "parameter", (40, 700), "V",
                                                {"shape": [2, 3]}, {"value": value}))
    commands.push(stack, commands.Disconnect(graph, "matmul_5", "a"))
    assert "parameter_2" not in scene.folded            # its edge is gone: a node again
    assert scene.node_item("parameter_2").folded_into is None
    commands.push(stack, commands.Connect(graph, cmd.node, "matmul_5", "a"))
    assert cmd.node not in scene.folded                  # it did not jump into W₃x₂
    assert scene.node_item(cmd.node).folded_into is None
    assert scene.edge_item(cmd.node, "matmul_5", "a").isVisible()
    for _ in range(2):
        stack.undo()
    assert scene.node_item("parameter_2").folded_into is scene.node_item("matmul_5")


def test_the_view_toggle_unfolds_lays_out_again_and_is_saved(make_window):
    window = opened(make_window)
    scene = window.scene
    action = window.actions["fold"]
    assert action.isChecked()
    count = window.undo_stack.count()
    action.setChecked(False)
    assert scene.folded == {}
    assert all(i.folded_into is None and not i.folds for i in scene.node_items())
    assert all(e.isVisible() for e in scene.edge_items())
    assert not overlaps(window)                          # laid out again, one undo step
    assert window.undo_stack.count() == count + 1
    assert window.undo_stack.command(count).text() == "Unfold weights and targets"
    unfolded = {n: tuple(window.graph.node(n)["pos"]) for n in window.graph.nodes}
    window.undo_stack.undo()                # the drawing and the places come back together
    assert action.isChecked() and len(scene.folded) == 4 and scene.fold
    assert not overlaps(window)
    assert all(tuple(window.graph.node(leaf)["pos"]) == fold_spot(window.graph, c, 0)
               for leaf, (c, _) in scene.folded.items())
    window.undo_stack.redo()
    assert not action.isChecked() and scene.folded == {}
    assert {n: tuple(window.graph.node(n)["pos"]) for n in window.graph.nodes} == unfolded
    window.close()
    again = opened(make_window)
    assert not again.actions["fold"].isChecked() and again.scene.folded == {}
    assert not overlaps(again) and again.undo_stack.count() == 0    # laid out unfolded
    assert all(again.graph.node(leaf)["pos"][0] < again.graph.node(c)["pos"][0] or
               again.graph.node(leaf)["pos"][1] < again.graph.node(c)["pos"][1]
               for leaf, (c, _) in folded_leaves(again.graph).items())
    again.actions["fold"].setChecked(True)
    assert len(again.scene.folded) == 4
    assert not folds.overlapping(again.scene)


def test_the_step_of_a_folded_W_explains_its_gradient_beside_the_rows(make_window):
    window = opened(make_window)
    anim = window.animation
    key = ("parameter", "matmul", "a")
    steps = anim.controller.timeline.steps
    at = next(i for i, s in enumerate(steps) if s.kind == "edge" and key in s.edges)
    anim.seek(at + 1)                    # the cursor just after the step: it is the active one
    assert anim.controller.active is steps[at]
    label = anim.overlay.labels[key]
    assert len(label.cards) == 1         # upstream × local = product; the rows hold the rest
    rows = [r.text for r in label.cards[0].rows]
    product = window.last_result.grads["parameter"]
    from backprop_studio.gui.animation.edge_labels import compact
    assert rows[0].startswith("upstream ∂E/∂W₁x₀ = ") and rows[1].startswith("× local ")
    assert rows[2] == f"= {compact(product)}  → W₁"
    leaf = window.scene.node_item("parameter")
    card = label.cards[0].rect.translated(label.pos())
    host = window.scene.node_item("matmul")
    assert not card.intersects(host.sceneBoundingRect())
    assert {t.role: t.text for t in leaf.painted_texts()}["grad"] == fmt.short(product)
    anim.seek(len(steps))                # past it: the label goes, the rows stay
    assert key not in anim.overlay.labels


def test_the_rows_stay_on_top_of_their_node_when_its_run_fails(make_window):
    """A failed run raises the node at fault (its error badge over the labels): its rows
    rise with it instead of vanishing under it."""
    from backprop_studio.gui import commands
    window = opened(make_window)
    commands.push(window.undo_stack, commands.Disconnect(window.graph, "matmul", "b"))
    window.actions["run"].trigger()
    host, leaf = window.scene.node_item("matmul"), window.scene.node_item("parameter")
    assert host.error and host.zValue() > 0
    assert leaf.folded_into is host and leaf.zValue() == host.zValue()
    centre = leaf.mapToScene(leaf.body_rect().center())
    on_top = [i for i in window.scene.items(centre) if hasattr(i, "folds")]
    assert on_top[0] is leaf                         # drawn over its host, so it is seen
    window.undo_stack.undo()
    window.actions["run"].trigger()
    assert not host.error and host.zValue() == leaf.zValue() == 0
