"""A workaround for a Qt quirk: with two groups of tabbed docks (Inspector | History on the
right, Animation | Training at the bottom), QMainWindow leaves a copy of one group's tab bar
where the window had it before its first layout (PySide6 6.x; tests/gui/test_first_start.py),
drawn over the palette. The copy is never laid out again, so it sits away from its docks:
hide every dock tab bar that does not touch a dock of its group."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QDockWidget, QTabBar

SLACK = 6               # pixels between a dock group and its tab bar


def stray_tab_bars(window) -> list[QTabBar]:
    docks = {d.windowTitle(): d for d in window.findChildren(QDockWidget)}
    stray = []
    for bar in window.findChildren(QTabBar):
        if bar.parentWidget() is not window or not bar.isVisible() or bar.count() == 0:
            continue
        group = [docks[bar.tabText(i)] for i in range(bar.count()) if bar.tabText(i) in docks]
        if not group:
            continue
        g = bar.geometry()
        near = any(d.isVisible() and abs(d.geometry().bottom() - g.top()) <= SLACK
                   and d.geometry().left() <= g.left() + SLACK for d in group)
        if not near:
            stray.append(bar)
    return stray


def hide_stray_tab_bars(window) -> int:
    bars = stray_tab_bars(window)
    for bar in bars:
        bar.hide()
    return len(bars)


class _OnShow(QObject):
    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Show:
            QTimer.singleShot(0, lambda: hide_stray_tab_bars(obj))
        return False


def install(window) -> None:
    window.installEventFilter(_OnShow(window))
