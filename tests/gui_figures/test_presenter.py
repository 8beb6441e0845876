"""View ▸ Presenter Mode: the canvas and the step's explanation only, numbers at least 24 px
on a 1920×1080 screen, a clicker's PageDown/PageUp (and the arrows) step the animation, B
blanks, Esc leaves and puts the window back exactly."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetricsF
from PySide6.QtTest import QTest

from backprop_studio.gui.canvas.readable import text_height
from backprop_studio.gui.presenter.mode import PRESENTER_PX

K = Qt.Key


@pytest.fixture
def presenting(example_window):
    window = example_window(size=(1920, 1080))
    window.presenter.enter(full_screen=False)
    return window


def _press(window, key, times=1):
    for _ in range(times):
        QTest.keyClick(window.view, key)


def test_clicker_keys_and_arrows_step_the_animation(presenting):
    window = presenting
    ctl = window.animation.controller
    assert ctl.cursor == 0                       # presenting starts at the beginning
    _press(window, K.Key_PageDown, 3)
    assert ctl.cursor == 3
    _press(window, K.Key_PageUp)
    assert ctl.cursor == 2
    _press(window, K.Key_Right, 2)
    assert ctl.cursor == 4
    _press(window, K.Key_Left)
    assert ctl.cursor == 3
    _press(window, K.Key_Space)
    assert ctl.cursor == 4
    _press(window, K.Key_End)
    assert ctl.cursor == len(ctl) == 10
    _press(window, K.Key_Home)
    assert ctl.cursor == 0
    _press(window, K.Key_PageDown, 7)            # the first backward edge: f → q
    assert window.presenter.caption.title.text().startswith("Backward pass · edge q → f")
    assert "= −4" in window.presenter.caption.body.text()


def test_only_the_canvas_and_the_explanation_are_shown(presenting):
    window = presenting
    _press(window, K.Key_PageDown)
    docks = [d for d in window.findChildren(type(window.animation.dock)) if d.isVisible()]
    assert docks == [] and not window.menuBar().isVisible()
    assert not window.statusBar().isVisible()
    caption = window.presenter.caption
    assert caption.isVisible() and caption.title.text()
    # the caption sits below the canvas, not over it
    view = window.view
    assert caption.geometry().top() >= view.viewport().geometry().bottom()


def test_every_number_is_at_least_24_px_on_1920x1080(presenting):
    window = presenting
    _press(window, K.Key_End)
    view = window.view
    seen = view.mapToScene(view.viewport().rect()).boundingRect()
    heights = []
    for item in window.scene.items():
        if not item.isVisible() or not hasattr(item, "painted_texts"):
            continue
        scale = view.transform().m22() * item.sceneTransform().m22()
        for t in item.painted_texts():
            if t.role in ("value", "grad"):
                heights.append(text_height(t.font, scale))
                assert seen.contains(item.sceneBoundingRect()), t.text      # all in view
    assert len(heights) >= 10 + 4 * 2          # 5 nodes' value and grad, 4 edges' and more
    assert min(heights) >= PRESENTER_PX, min(heights)
    caption = window.presenter.caption
    for label in (caption.title, caption.body):
        assert QFontMetricsF(label.font()).height() >= PRESENTER_PX


def test_b_blanks_and_b_again_brings_it_back(presenting):
    window = presenting
    blank = window.presenter.blank_screen
    _press(window, K.Key_B)
    assert blank.isVisible() and blank.geometry() == window.rect()
    _press(window, K.Key_B)
    assert not blank.isVisible()


def _layout(window):
    """The window's geometry, the view's zoom and place, and every dock: shown, where, how big
    and which tab is in front."""
    docks = {d.objectName(): (d.isVisible(), window.dockWidgetArea(d), d.geometry(),
                              d.visibleRegion().isEmpty())
             for d in window.findChildren(type(window.animation.dock))}
    view = window.view
    return window.geometry(), view.transform(), view.visible_center(), docks


def test_esc_leaves_and_restores_the_window_exactly(example_window):
    window = example_window(size=(1300, 820))
    window.history_dock.show()
    window.palette_dock.hide()
    window.view.set_zoom(0.8)
    before = _layout(window)
    window.presenter.action.trigger()                 # View ▸ Presenter Mode, full screen
    assert window.presenter.active and window.isFullScreen()
    assert window.geometry() == window.screen().geometry()
    assert QTest.qWaitForWindowActive(window, 10000)      # full screen: activated again
    _press(window, K.Key_PageDown, 2)
    _press(window, K.Key_Escape)
    assert not window.presenter.active and not window.isFullScreen()
    QTest.qWait(50)
    after = _layout(window)
    assert after[:2] == before[:2] and after[3] == before[3]
    shift = after[2] - before[2]                 # the same place, to the pixel
    assert abs(shift.x()) * 0.8 <= 1.01 and abs(shift.y()) * 0.8 <= 1.01
    assert window.menuBar().isVisible() and window.statusBar().isVisible()
    assert not window.presenter.caption.isVisible()
    assert not window.presenter.action.isChecked()
    _press(window, K.Key_B)                           # presenter keys are off again
    assert not window.presenter.blank_screen.isVisible()


@pytest.mark.parametrize("cursor", list(range(1, 11)))
def test_every_steps_labels_stay_above_the_caption(presenting, cursor):
    """The active step's node, its edges' "upstream × local = product" cards and its badges are
    all brought inside the view, which ends where the caption begins, even when the node alone
    already was (End on cs231n: the card hanging below y was half under the caption)."""
    window = presenting
    _press(window, K.Key_Home)
    _press(window, K.Key_PageDown, cursor)
    view, caption = window.view, window.presenter.caption
    port = view.viewport()
    assert port.mapTo(view, port.rect().bottomLeft()).y() < caption.geometry().top()
    step = window.animation.controller.active
    node = window.scene.node_item(step.node)
    # the node just inside the view's bottom edge, what the clicker's last step left
    below = view.mapFromScene(node.sceneBoundingRect()).boundingRect().bottom()
    bar = view.verticalScrollBar()
    bar.setValue(bar.value() + below - (port.height() - 45))
    window.presenter._follow()
    overlay = window.animation.overlay
    items = [node] + [overlay.labels[k] for k in step.edges if overlay.labels[k].isVisible()]
    for item in items:
        shown = view.mapFromScene(item.sceneBoundingRect()).boundingRect()
        assert port.rect().contains(shown), (item, shown, port.rect())
