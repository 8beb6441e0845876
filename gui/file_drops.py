"""Graph files (and ONNX models) dropped from a file manager onto the window or the canvas
open as if chosen with File ▸ Open, one per window."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer

from backprop_studio.gui.canvas.view import dropped_files

_DRAGS = (QEvent.Type.DragEnter, QEvent.Type.DragMove)


class FileDrops(QObject):
    """The window's own drag and drop (the canvas reports its drops by files_dropped)."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        window.installEventFilter(self)
        window.view.files_dropped.connect(self.open_later)

    def eventFilter(self, obj, event) -> bool:
        if obj is not self.window:
            return False
        kind = event.type()
        if kind in _DRAGS and dropped_files(event.mimeData()):
            event.acceptProposedAction()
            return True
        if kind == QEvent.Type.Drop:
            paths = dropped_files(event.mimeData())
            if paths:
                event.acceptProposedAction()
                self.open_later(paths)
                return True
        return False

    def open_later(self, paths: list[str]) -> None:
        """After the drop has finished: opening may ask about unsaved changes, and a dialog
        inside a drop handler would keep the file manager's drag waiting."""
        QTimer.singleShot(0, self.window, lambda: self.window.files.open_dropped(paths))


def install(window) -> FileDrops:
    window.file_drops = FileDrops(window)
    return window.file_drops
