"""Adding (palette drop, quick add), selecting, moving, deleting, duplicating, copy/paste between
windows, auto-layout, snap, zoom, pan, fit and level of detail."""

from __future__ import annotations

from editor_helpers import drag, dumps, to_view
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from backprop_studio.gui.canvas.node_item import LOD_TEXT
from backprop_studio.gui.palette import op_mime


def _drop(window, mime, view_pos: QPoint) -> None:
    vp = window.view.viewport()
    action = Qt.DropAction.CopyAction
    buttons, mods = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    for cls in (QDragEnterEvent, QDragMoveEvent):
        event = cls(view_pos, action, mime, buttons, mods)
        QApplication.sendEvent(vp, event)
        assert event.isAccepted()
    QApplication.sendEvent(vp, QDropEvent(QPointF(view_pos), action, mime, buttons, mods))


def test_palette_is_grouped_with_icons_tooltips_and_filter(window):
    p = window.palette
    assert [p.tree.topLevelItem(i).text(0) for i in range(p.tree.topLevelItemCount())] == [
        "Inputs & parameters", "Math", "Activations", "Layers", "Losses"]
    item = p.items["multiply"]
    assert not item.icon(0).isNull()
    assert "∂out/∂a</td><td>= b" in item.toolTip(0)
    assert "σ(z)(1−σ(z))" in p.items["sigmoid"].toolTip(0)
    p.filter_box.setText("sig")
    assert p.visible_ops() == ["sigmoid"]
    assert p.groups["Math"].isHidden() and not p.groups["Activations"].isHidden()
    p.filter_box.setText("")
    assert len(p.visible_ops()) == len(p.items)


def test_drag_from_palette_and_drop_adds_the_node_at_the_drop_point(window):
    tree = window.palette.tree
    mime = tree.mimeData([window.palette.items["sigmoid"]])       # what the palette drags
    drop_at = QPoint(400, 300)
    _drop(window, mime, drop_at)
    assert len(window.graph) == 1
    node = window.graph.nodes[0]
    assert window.graph.node(node)["op"] == "sigmoid"
    item = window.scene.node_item(node)
    target = window.view.mapToScene(drop_at)
    centre = item.mapToScene(item.boundingRect().center())
    assert abs(centre.x() - target.x()) < 12 and abs(centre.y() - target.y()) < 60
    assert window.undo_stack.undoText() == "Add sigmoid"
    assert item.isSelected()


def test_drop_snaps_to_grid_when_snap_is_on(window):
    window.actions["snap"].setChecked(True)
    _drop(window, op_mime("relu"), QPoint(333, 217))
    x, y = window.graph.node(window.graph.nodes[0])["pos"]
    assert x % 20 == 0 and y % 20 == 0


def test_tab_opens_quick_add_and_enter_adds_the_match(qtbot, window):
    window.view.setFocus()
    QTest.mouseMove(window.view.viewport(), QPoint(300, 250))
    QTest.keyClick(window.view, Qt.Key.Key_Tab)
    popup = window.view._quick_add
    assert popup.isVisible()
    QTest.keyClicks(popup.search, "tanh")
    QTest.keyClick(popup.search, Qt.Key.Key_Return)
    assert [window.graph.node(n)["op"] for n in window.graph.nodes] == ["tanh"]
    assert not popup.isVisible()


def test_quick_add_ranks_exact_and_prefix_matches_first(qtbot, window):
    from backprop_studio.gui.canvas.quick_add import ranked
    assert ranked("param")[0] == "parameter"          # not input ("…& parameters")
    assert ranked("log")[0] == "log"
    assert ranked("max")[:1] == ["max"]
    assert ranked("sig")[0] == "sigmoid"
    assert ranked("ce")[0] == "softmax_ce"            # a word of the name that starts so
    assert ranked("zzz") == []
    window.view.setFocus()
    QTest.mouseMove(window.view.viewport(), QPoint(300, 250))
    QTest.keyClick(window.view, Qt.Key.Key_Tab)
    popup = window.view._quick_add
    QTest.keyClicks(popup.search, "param")
    visible = [popup.list.item(i).data(Qt.ItemDataRole.UserRole)
               for i in range(popup.list.count()) if not popup.list.item(i).isHidden()]
    assert visible[0] == "parameter" and "input" in visible
    QTest.keyClick(popup.search, Qt.Key.Key_Return)
    assert [window.graph.node(n)["op"] for n in window.graph.nodes] == ["parameter"]


def test_double_click_on_empty_canvas_opens_quick_add(qtbot, window):
    QTest.mouseDClick(window.view.viewport(), Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier, QPoint(500, 400))
    popup = window.view._quick_add
    assert popup.isVisible()
    popup.search.setText("mse")
    QTest.keyClick(popup.search, Qt.Key.Key_Down)
    QTest.keyClick(popup.search, Qt.Key.Key_Return)
    assert [window.graph.node(n)["op"] for n in window.graph.nodes] == ["mse"]


def test_select_all_and_delete_key_remove_everything_in_one_step(qtbot, cs_window):
    w = cs_window
    before = dumps(w)
    w.view.setFocus()
    QTest.keyClick(w.view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert len(w.scene.selected_nodes()) == 5
    QTest.keyClick(w.view, Qt.Key.Key_Delete)
    assert len(w.graph) == 0 and w.graph.edges() == []
    assert w.scene.node_items() == [] and w.scene.edge_items() == []
    w.undo_stack.undo()
    assert dumps(w) == before
    assert len(w.scene.edge_items()) == 4


def test_backspace_deletes_a_selected_edge(qtbot, cs_window):
    w = cs_window
    w.scene.edge_item("q", "f", "a").setSelected(True)
    w.view.setFocus()
    QTest.keyClick(w.view, Qt.Key.Key_Backspace)
    assert w.graph.source_of("f", "a") is None
    assert len(w.graph) == 5


def test_click_and_rubber_band_select(qtbot, cs_window):
    w = cs_window
    q = w.scene.node_item("q")
    QTest.mouseClick(w.view.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier, to_view(w, q.mapToScene(80, 60)))
    assert w.scene.selected_nodes() == ["q"]
    rect = w.scene.itemsBoundingRect()
    drag(qtbot, w, rect.topLeft() - QPointF(20, 20), QPointF(rect.left() + 100, rect.bottom() + 20))
    assert set(w.scene.selected_nodes()) == {"x", "y"}            # the inputs' column


def test_a_whole_drag_is_one_move_step(qtbot, cs_window):
    w = cs_window
    q = w.scene.node_item("q")
    old = tuple(w.graph.node("q")["pos"])
    count = w.undo_stack.count()
    drag(qtbot, w, q.mapToScene(80, 8), q.mapToScene(80, 8) + QPointF(100, 50), steps=10)
    new = tuple(w.graph.node("q")["pos"])
    assert abs(new[0] - old[0] - 100) < 2 and abs(new[1] - old[1] - 50) < 2
    assert w.undo_stack.count() == count + 1
    assert w.undo_stack.undoText() == "Move q"
    edge = w.scene.edge_item("q", "f", "a")
    assert (edge.path().pointAtPercent(0) - q.output_anchor()).manhattanLength() < 1e-6
    w.undo_stack.undo()
    assert tuple(w.graph.node("q")["pos"]) == old
    assert (q.pos().x(), q.pos().y()) == old


def test_duplicate_copies_nodes_and_inner_edges(qtbot, cs_window):
    w = cs_window
    for n in ("q", "f"):
        w.scene.node_item(n).setSelected(True)
    w.view.setFocus()
    QTest.keyClick(w.view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert len(w.graph) == 7
    new = set(w.scene.selected_nodes())
    assert len(new) == 2 and not new & {"q", "f"}
    inner = [(s, t, p) for s, t, p in w.graph.edges() if s in new and t in new]
    assert len(inner) == 1 and inner[0][2] == "a"
    assert w.undo_stack.undoText() == "Duplicate 2 nodes"


def test_copy_paste_between_two_windows_uses_graph_json(qtbot, cs_window, make_window):
    src = cs_window
    src.scene.select_all()
    src.copy()
    text = QApplication.clipboard().text()
    assert '"format": "backprop-studio"' in text
    dst = make_window()
    dst.paste()
    assert len(dst.graph) == 5 and len(dst.graph.edges()) == 4
    assert sorted(dst.graph.node(n)["label"] for n in dst.graph.nodes) == \
        ["f", "q", "x", "y", "z"]
    assert dst.run_graph().values[dst.graph.output] == -12.0
    dst.paste()                              # pasting again gets fresh ids
    assert len(dst.graph) == 10 and len(set(dst.graph.nodes)) == 10
    dst.undo_stack.undo()
    assert len(dst.graph) == 5


def test_paste_of_non_graph_text_is_refused(qtbot, window):
    QApplication.clipboard().setText("hello")
    window.paste()
    assert len(window.graph) == 0
    assert "Cannot paste" in window.statusBar().currentMessage()


def test_auto_layout_is_one_undo_step(qtbot, cs_window):
    w = cs_window
    for n in w.graph.nodes:
        w.graph.set_position(n, (0, 0))
    w.undo_stack.clear()
    before = dumps(w)
    w.actions["layout"].trigger()
    xs = {n: w.graph.node(n)["pos"][0] for n in w.graph.nodes}
    assert xs["x"] == xs["y"] < xs["q"] == xs["z"] < xs["f"]     # z under q, beside f
    assert w.undo_stack.count() == 1 and w.undo_stack.undoText() == "Auto-layout"
    w.undo_stack.undo()
    assert dumps(w) == before


def test_zoom_around_cursor_fit_and_pan(qtbot, cs_window):
    w, view = cs_window, cs_window.view
    anchor = QPoint(300, 200)
    under = view.mapToScene(anchor)
    view.zoom_by(2.0, anchor)
    assert abs(view.zoom - 2.0) < 1e-9
    after = view.mapToScene(anchor)
    assert abs(after.x() - under.x()) < 1 and abs(after.y() - under.y()) < 1
    w.actions["zoom_out"].trigger()
    assert abs(view.zoom - 1.6) < 1e-6
    QTest.keyClick(view, Qt.Key.Key_F)
    visible = view.mapToScene(view.viewport().rect()).boundingRect()
    assert visible.contains(w.scene.itemsBoundingRect())
    before = view.mapToScene(QPoint(0, 0))
    drag(qtbot, w, view.mapToScene(QPoint(600, 600)), view.mapToScene(QPoint(500, 550)),
         button=Qt.MouseButton.MiddleButton)
    moved = view.mapToScene(QPoint(0, 0)) - before
    assert abs(moved.x() * view.zoom - 100) < 3 and abs(moved.y() * view.zoom - 50) < 3
    assert len(w.scene.selected_nodes()) == 0


def test_space_drag_pans(qtbot, cs_window):
    view = cs_window.view
    view.setFocus()
    QTest.keyPress(view, Qt.Key.Key_Space)
    before = view.mapToScene(QPoint(0, 0))
    vp = view.viewport()
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(400, 400))
    QTest.mouseMove(vp, QPoint(350, 380))
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       QPoint(350, 380))
    QTest.keyRelease(view, Qt.Key.Key_Space)
    moved = view.mapToScene(QPoint(0, 0)) - before
    assert abs(moved.x() - 50) < 2 and abs(moved.y() - 20) < 2


def test_level_of_detail_hides_text_when_zoomed_out(qtbot, cs_window):
    w = cs_window
    w.run_graph()
    view = w.view
    calls = []
    item = w.scene.node_item("f")
    original = item._paint_body
    item._paint_body = lambda *a: (calls.append(view.zoom), original(*a))
    item.setCacheMode(item.CacheMode.NoCache)
    view.set_zoom(1.0)
    view.viewport().repaint()
    assert calls
    calls.clear()
    view.set_zoom(LOD_TEXT * 0.8)
    view.centerOn(item)
    view.viewport().repaint()
    assert calls == []


def test_overview_draws_large_zoomed_out_graphs_in_batches(qtbot, cs_window):
    w = cs_window
    from backprop_studio.gui.canvas.overview import OVERVIEW_ZOOM
    no_contents = w.scene.node_item("q").GraphicsItemFlag.ItemHasNoContents
    w.view.set_zoom(OVERVIEW_ZOOM * 0.5)
    assert w.scene.overview.active
    assert all(i.flags() & no_contents for i in w.scene.node_items() + w.scene.edge_items())
    w.view.viewport().repaint()
    assert sum(len(r) for r in w.scene.overview._blocks.values()) == 5
    assert w.scene.overview._edges.elementCount() == 4 * 4      # 4 edges, one cubic each
    w.scene.add_op("relu", QPointF(0, 900))                      # new items join the overview
    new = [i for i in w.scene.node_items() if i.spec.name == "relu"][0]
    assert new.flags() & no_contents and w.scene.overview._blocks is None
    w.view.set_zoom(1.0)
    assert not w.scene.overview.active
    assert not any(i.flags() & no_contents for i in w.scene.node_items())
