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


def run_app(path: str | None = None) -> int:
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
        if window.open_path(path) and _is_example(path):
            window.run_graph()                   # an example opens already Run
    else:
        window.files.offer_recovery()
    return app.exec()


def _is_example(path) -> bool:
    from pathlib import Path

    from backprop_studio.engine import fileformat
    try:
        return Path(path).resolve().parent == Path(fileformat.EXAMPLES).resolve()
    except OSError:
        return False
