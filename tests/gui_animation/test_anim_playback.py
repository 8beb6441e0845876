"""Playing: pulses along the bezier, passes played separately or together, speed, keys, the
explanation panel, and an edit in mid-animation stopping it cleanly."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from backprop_studio.gui.animation import controller as ctl_mod


def test_play_runs_to_the_end_and_the_pulse_follows_the_edge_path(open_example):
    window, anim = open_example("cs231n_add_multiply")
    ctl = anim.controller
    anim.play()
    assert ctl.playing and ctl.cursor == 1
    n = len(ctl.timeline)
    ctl.seek(ctl.timeline.forward_count + 2, animate=True)    # edge q → f.a
    ctl.advance(0.5 * ctl.step_seconds())
    pulse = anim.overlay.pulses[0]
    path = window.scene.edge_item("q", "f", "a").path()
    expected = path.pointAtPercent(0.5)                        # backward: from f towards q
    assert pulse.isVisible()
    assert abs(pulse.pos().x() - expected.x()) < 0.5 and abs(pulse.pos().y() - expected.y()) < 0.5
    ctl.advance(0.3 * ctl.step_seconds())
    assert pulse.pos().x() < expected.x()                       # moving right to left
    for _ in range(200):
        ctl.advance(0.25)
    assert ctl.cursor == n and not ctl.playing
    assert not any(p.isVisible() for p in anim.overlay.pulses)


def test_forward_and_backward_play_separately_or_as_one(open_example):
    window, anim = open_example("cs231n_add_multiply")
    ctl = anim.controller
    f = ctl.timeline.forward_count
    anim.panel.pass_box.setCurrentIndex(anim.panel.pass_box.findData("forward"))
    anim.play()
    for _ in range(100):
        ctl.advance(0.25)
    assert ctl.cursor == f and not ctl.playing
    assert window.scene.node_item("f").value_text == "−12"
    assert window.scene.node_item("f").grad_text == ""         # backward has not started
    anim.panel.pass_box.setCurrentIndex(anim.panel.pass_box.findData("backward"))
    anim.play()
    assert ctl.cursor == f + 1 and ctl.active.kind == "seed"
    for _ in range(100):
        ctl.advance(0.25)
    assert ctl.cursor == len(ctl.timeline)
    anim.home()
    assert ctl.cursor == f                                       # backward starts after forward
    anim.panel.pass_box.setCurrentIndex(anim.panel.pass_box.findData("both"))
    anim.home()
    assert ctl.cursor == 0


def test_speed_scales_the_step_duration(open_example):
    window, anim = open_example("cs231n_add_multiply")
    anim.home()
    anim.step_forward()
    anim.step_forward()
    anim.step_forward()
    anim.step_forward()                                          # q: a step with edges
    base = anim.controller.step_seconds()
    assert base == ctl_mod.STEP_SECONDS
    anim.panel.speed_slider.setValue(anim.panel.speed_slider.maximum())
    assert anim.controller.step_seconds() == base / 8
    assert anim.panel.speed_label.text() == "8×"


def test_keys_on_the_canvas_and_the_dock(open_example, qtbot):
    window, anim = open_example("cs231n_add_multiply")
    ctl = anim.controller
    view = window.view
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_Right)
    assert anim.overlay.engaged and ctl.cursor == 1              # first key: from the start
    QTest.keyClick(view, Qt.Key.Key_Right)
    QTest.keyClick(view, Qt.Key.Key_Right)
    assert ctl.cursor == 3
    QTest.keyClick(view, Qt.Key.Key_Left)
    assert ctl.cursor == 2
    QTest.keyClick(view, Qt.Key.Key_End)
    assert ctl.cursor == len(ctl.timeline)
    QTest.keyClick(view, Qt.Key.Key_Home)
    assert ctl.cursor == 0
    QTest.keyClick(view, Qt.Key.Key_Space)                       # a tap plays…
    assert ctl.playing
    QTest.keyClick(view, Qt.Key.Key_Space)                       # …and pauses
    assert not ctl.playing
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=30000)
    anim.panel.pass_box.setFocus()                               # focus in the Animation dock
    QTest.keyClick(anim.panel.pass_box, Qt.Key.Key_End)
    assert ctl.cursor == len(ctl.timeline)
    QTest.keyClick(anim.panel.pass_box, Qt.Key.Key_Left)
    assert ctl.cursor == len(ctl.timeline) - 1
    QTest.keyClick(anim.panel.pass_box, Qt.Key.Key_Space)
    assert ctl.playing


def test_space_held_to_pan_does_not_toggle_play(open_example):
    window, anim = open_example("cs231n_add_multiply")
    view = window.view
    view.setFocus()
    QTest.keyPress(view, Qt.Key.Key_Space)
    QTest.mousePress(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     view.viewport().rect().center())
    QTest.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier, view.viewport().rect().center())
    QTest.keyRelease(view, Qt.Key.Key_Space)
    assert not anim.controller.playing


def test_panel_explains_the_sigmoid_and_max_steps(open_example):
    window, anim = open_example("sigmoid_neuron")
    ctl = anim.controller
    anim.home()
    k = next(s.index for s in ctl.timeline.steps if s.kind == "edge" and s.node == "sigmoid")
    anim.seek(k + 1)
    assert "σ'(z) = σ(z)(1−σ(z)) = 0.73 · 0.27 = 0.20" in anim.panel.body.text()
    k = next(s.index for s in ctl.timeline.steps if s.kind == "edge" and s.step.source == "w0")
    anim.seek(k + 1)
    assert anim.panel.body.text().splitlines()[0].endswith("= 0.20 · (−1) = −0.20")
    window2, anim2 = open_example("max_gate")
    anim2.home()
    k = next(s.index for s in anim2.controller.timeline.steps
             if s.kind == "edge" and s.step.source == "x")
    anim2.seek(k + 1)
    body = anim2.panel.body.text()
    assert "routes the gradient to the larger input (y = 4): x gets 0" in body
    assert anim2.panel.title.text().startswith("Backward pass · edge x → max(x, y) (port a)")


def test_an_edit_mid_animation_stops_it_and_marks_values_stale(open_example):
    window, anim = open_example("cs231n_add_multiply")
    ctl = anim.controller
    anim.play()
    for _ in range(12):
        ctl.advance(0.2)
    cursor = ctl.cursor
    assert ctl.playing and 0 < cursor < len(ctl.timeline)
    window.set_tensor("x", "value", 1.0)                        # an undoable edit
    assert not ctl.playing
    assert anim.overlay.stale
    assert all(label.stale for label in anim.overlay.labels.values())
    assert anim.panel.title.text() == "Stopped: the graph was edited"
    assert not any(p.isVisible() for p in anim.overlay.pulses)
    ctl.advance(5.0)
    assert ctl.cursor == cursor                                  # nothing moves any more
    anim.end()                                                   # runs again, fresh values
    assert not anim.overlay.stale
    assert window.scene.node_item("f").value_text == "−24"    # (1 + 5)·(−4)
    assert window.scene.node_item("x").grad_text == "−4"


def test_a_new_graph_drops_the_overlay(open_example):
    window, anim = open_example("cs231n_add_multiply")
    anim.end()
    assert anim.overlay.labels
    from anim_helpers import EXAMPLES
    assert window.open_path(EXAMPLES / "max_gate.json")
    assert anim.controller.timeline is None and not anim.overlay.labels
    anim.end()                                                   # runs the new graph
    assert window.scene.node_item("f").value_text == "8"


def test_labels_follow_a_moved_node(open_example, qtbot):
    from PySide6.QtCore import QPointF
    window, anim = open_example("cs231n_add_multiply")
    anim.end()
    label = anim.overlay.labels[("q", "f", "a")]
    window.graph.set_position("q", (300.0, -120.0))           # as a finished drag does
    midpoint = window.scene.edge_item("q", "f", "a").path().pointAtPercent(0.5)
    assert label.pos() == midpoint
    item = window.scene.node_item("f")                          # a drag in progress
    before = item.pos().y()
    vp = window.view.viewport()
    start = window.view.mapFromScene(item.sceneBoundingRect().center() + QPointF(0, 20))
    QTest.mousePress(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    for i in range(1, 6):
        QTest.mouseMove(vp, start + QPoint(0, 12 * i))
        qtbot.wait(5)
    qtbot.wait(20)
    assert item.pos().y() > before + 30                         # the node is moving…
    midpoint = window.scene.edge_item("q", "f", "a").path().pointAtPercent(0.5)
    assert (label.pos() - midpoint).manhattanLength() < 1.0
    QTest.mouseRelease(vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       start + QPoint(0, 60))


def test_a_new_result_prepares_nothing_while_the_animation_is_idle(qtbot, open_example):
    """Training sends a Result every second: with the Animation dock closed and nothing
    playing, and the figure after Run switched off, it must neither build the step list nor
    change the selection."""
    from backprop_studio import engine
    window, anim = open_example("two_layer_sigmoid")
    anim.figure_action.setChecked(False)
    window.scene.clearSelection()
    anim.dock.hide()                                   # the user closed the Animation dock
    qtbot.waitUntil(lambda: not anim.panel.isVisible(), timeout=30000)
    for _ in range(3):
        window.show_result(engine.run(window.graph, trace=True))
    tl = anim.controller.timeline
    assert tl is not None and not tl.built
    assert len(tl) == len(tl.result.order) + len(tl.result.trace)
    assert window.scene.selectedItems() == []
    assert not anim.overlay.engaged
    anim.step_back()                                   # the user drives it: now it is built
    assert tl.built and anim.panel.isVisible() and anim.panel.title.text()
