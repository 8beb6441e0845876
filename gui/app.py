"""Start the Qt application and the main window."""

from __future__ import annotations

import os
import sys


def serial_painting() -> None:
    """Keep Qt's painting on the GUI thread. Its raster engine hands every large fill to a pool
    of helper threads and waits for them; while a training process keeps every core busy, each
    hand-off wakes a helper on a core that training needs. With the 784-128-64-10 network
    training, that was 800 helper wake-ups a second and 560 preemptions of the GUI thread; with
    the pool off, none and two (bench/bench_training_gui.py). Call before the QApplication is
    made; a user's own setting of QT_NO_GUI_THREADPOOL wins."""
    os.environ.setdefault("QT_NO_GUI_THREADPOOL", "1")


def run_app(path: str | None = None) -> int:
    serial_painting()
    from PySide6.QtWidgets import QApplication

    from gui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Backprop Studio")
    app.setOrganizationName("BackpropStudio")
    window = MainWindow()
    window.show()
    app.processEvents()
    if path:
        window.open_path(path)
    else:
        window.files.offer_recovery()
    return app.exec()
