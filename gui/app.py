"""Start the Qt application and the main window."""

from __future__ import annotations

import os
import sys


def serial_painting() -> None:
    """Keep Qt's painting on the GUI thread, for the app's whole life. Its raster engine hands
    every large fill to a pool of helper threads and waits for them; while a training process
    keeps every core busy, each hand-off wakes a helper on a core that training needs. With the
    784-128-64-10 network training (bench/bench_training_gui.py's window, threads counted from
    /proc), the helpers woke 800 times a second and preempted the GUI thread 560 times; with
    the pool off, no helpers and 2 preemptions. Qt only asks whether the variable exists, so
    call this before the QApplication is made."""
    os.environ.setdefault("QT_NO_GUI_THREADPOOL", "1")


def open_window(path: str | None = None):
    """The QApplication and a shown main window on ``path``: opened through the window's one
    load path (a refused file leaves an empty window saying why; a newer autosave of it is
    offered), or without a file, with unsaved work from a crashed session offered back."""
    serial_painting()
    from PySide6.QtWidgets import QApplication

    from backprop_studio.gui.main_window import MainWindow

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
    return window


def run_app(path: str | None = None) -> int:
    from PySide6.QtWidgets import QApplication

    window = open_window(path)      # held here while the event loop runs
    code = QApplication.instance().exec()
    del window
    return code
