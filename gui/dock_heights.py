"""The bottom dock is as tall as its raised tab needs: the Animation tab's controls and
explanation take ~200 px, the Training tab's controls and plots ~285 px. One fixed height for
both gave the canvas 440 px of a 1280×800 window's 800 while the Animation tab stood half empty.

Each tab keeps its own height: a height the user drags to is remembered for that tab. The side
docks (Ops, Inspector) open narrower in a small window, for the canvas."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QDockWidget

HEIGHTS = {"Animation": 200, "Training": 285, "Exercise": 190}


class BottomDockHeights(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.heights: dict[QDockWidget, int] = {}
        self._resizing = False
        self.restored = False           # a saved window state: its heights stand at first show
        self._seen: set[QDockWidget] = set()
        window.installEventFilter(self)
        for dock in window.bottom_docks:
            self.heights[dock] = HEIGHTS.get(dock.windowTitle(), 240)
            dock.visibilityChanged.connect(lambda shown, d=dock: shown and self._later(d))

    def _later(self, dock: QDockWidget) -> None:
        QTimer.singleShot(0, lambda: self.apply(dock))

    def apply(self, dock: QDockWidget) -> None:
        """Give ``dock`` (the raised tab) its height."""
        if not dock.isVisible() or dock.isFloating():
            return
        first = dock not in self._seen
        self._seen.add(dock)
        if first and self.restored:
            self.heights[dock] = dock.height()
            return
        self._resizing = True
        try:
            self.window.resizeDocks([dock], [self.heights[dock]], Qt.Orientation.Vertical)
        finally:
            self._resizing = False

    def eventFilter(self, obj, event) -> bool:
        """A press and release on the window itself is a drag of a dock separator (a press on
        any widget goes to that widget): the raised tab keeps the height it was dragged to."""
        if obj is self.window and event.type() == QEvent.Type.MouseButtonRelease:
            for dock in self.heights:
                if dock.isVisible() and not dock.isFloating():
                    self.heights[dock] = dock.height()
        return False


def side_docks(window, window_width: int) -> None:
    """The Ops palette and the Inspector as they first open; narrower in a small window
    (1024 px wide), so that the canvas holds the CS231n figure whole."""
    widths = [190, 250] if window_width >= 1200 else [172, 240]
    window.resizeDocks([window.palette_dock, window.inspector_dock], widths,
                       Qt.Orientation.Horizontal)


def install(window) -> BottomDockHeights:
    heights = window.dock_heights = BottomDockHeights(window)
    front = window.animation.dock            # raised on first start (main_window)
    # now, before the first show, so the first layout already has it
    window.resizeDocks([front], [heights.heights[front]], Qt.Orientation.Vertical)
    return heights
