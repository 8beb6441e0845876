"""The bottom dock is as tall as its raised tab needs, so a 1280×800 window's canvas gets what
the Animation tab does not use; each tab keeps the height the user drags it to."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QTabBar

from backprop_studio.gui.dock_heights import HEIGHTS


def bottom_tabs(window) -> list[QTabBar]:
    return [b for b in window.findChildren(QTabBar) if b.isVisible()
            and {b.tabText(i) for i in range(b.count())} >= {"Animation", "Training"}]


def bottom_tab_bar(qtbot, window) -> QTabBar:
    qtbot.waitUntil(lambda: len(bottom_tabs(window)) == 1)     # gui/dock_tabs.py's stray copy
    return bottom_tabs(window)[0]


def click_tab(qtbot, bar: QTabBar, title: str) -> None:
    index = next(i for i in range(bar.count()) if bar.tabText(i) == title)
    qtbot.mouseClick(bar, Qt.LeftButton, pos=bar.tabRect(index).center())


def drag(window, grip: QPoint, up: int) -> None:
    """Press, move with the button held, release: QTest's mouseMove carries no buttons."""
    def send(kind, point, buttons):
        event = QMouseEvent(kind, QPointF(point), QPointF(window.mapToGlobal(point)),
                            Qt.LeftButton, buttons, Qt.NoModifier)
        QApplication.sendEvent(window, event)
    send(QEvent.MouseButtonPress, grip, Qt.LeftButton)
    for dy in range(0, up + 1, 10):
        send(QEvent.MouseMove, QPoint(grip.x(), grip.y() - dy), Qt.LeftButton)
        QApplication.processEvents()
    send(QEvent.MouseButtonRelease, QPoint(grip.x(), grip.y() - up), Qt.NoButton)


def test_each_tab_gets_its_height_and_the_canvas_the_rest(qtbot, make_window):
    window = make_window((1280, 800))
    anim, training = window.animation.dock, window.training.dock
    qtbot.waitUntil(lambda: abs(anim.height() - HEIGHTS["Animation"]) <= 30)
    canvas_with_animation = window.view.viewport().height()
    assert canvas_with_animation >= 540          # it was 440 with one height for both tabs
    bar = bottom_tab_bar(qtbot, window)
    click_tab(qtbot, bar, "Training")
    qtbot.waitUntil(lambda: abs(training.height() - HEIGHTS["Training"]) <= 30)
    assert window.view.viewport().height() < canvas_with_animation - 60
    click_tab(qtbot, bottom_tab_bar(qtbot, window), "Animation")
    qtbot.waitUntil(lambda: window.view.viewport().height() == canvas_with_animation)


def test_a_dragged_height_is_kept_for_that_tab(qtbot, make_window):
    window = make_window((1280, 800))
    anim = window.animation.dock
    qtbot.waitUntil(lambda: abs(anim.height() - HEIGHTS["Animation"]) <= 30)
    # the separator between the canvas and the dock, dragged 80 px up
    top = anim.mapTo(window, QPoint(anim.width() // 2, 0))
    canvas_bottom = window.centralWidget().geometry().bottom()
    grip = QPoint(top.x(), (top.y() + canvas_bottom) // 2)
    start = anim.height()
    drag(window, grip, 80)
    qtbot.waitUntil(lambda: anim.height() > start + 40)
    dragged = anim.height()
    assert window.dock_heights.heights[anim] == dragged
    click_tab(qtbot, bottom_tab_bar(qtbot, window), "Training")
    qtbot.waitUntil(lambda: window.training.dock.isVisible())
    click_tab(qtbot, bottom_tab_bar(qtbot, window), "Animation")
    qtbot.waitUntil(lambda: anim.isVisible())
    qtbot.waitUntil(lambda: anim.height() == dragged)
