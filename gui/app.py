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


def open_window(path: str | None = None, recover: bool = True):
    """The QApplication and a shown main window on ``path``: opened through the window's one
    load path (a refused file leaves an empty window saying why; a newer autosave of it is
    offered), or without a file, with unsaved work from a crashed session offered back
    (unless ``recover`` is False)."""
    serial_painting()
    from PySide6.QtWidgets import QApplication

    # before the window's modules are imported: the fonts they make at import resolve only
    # once a QApplication exists (made earlier, a QFont falls back to a face with 17 px lines
    # where the canvas measured 12.8, and the painted text is not what Fit planned for)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    from backprop_studio.gui.main_window import MainWindow

    app.setApplicationName("Backprop Studio")
    app.setOrganizationName("BackpropStudio")
    app.setDesktopFileName("backprop-studio")          # resources/backprop-studio.desktop
    window = MainWindow()
    window.show()
    app.processEvents()
    if path:
        if window.open_path(path) and _is_example(path):
            window.run_graph()                   # an example opens already Run
    elif recover:
        window.files.offer_recovery()
    return window


def run_app(path: str | None = None, smoke_test: bool = False) -> int:
    from PySide6.QtWidgets import QApplication

    window = open_window(None if smoke_test else path, recover=not smoke_test)  # kept alive
    if smoke_test:
        return _smoke_test(QApplication.instance(), window, path)
    code = QApplication.instance().exec()
    del window
    return code


def _smoke_test(app, window, path: str) -> int:
    """Open ``path``, run it, list File ▸ Examples and close: what an installed wheel must be
    able to do (its schema, examples and icon are package data). One line on stdout; exit 0
    when everything worked, 1 otherwise."""
    opened = window.open_path(path)
    result = window.run_graph() if opened else None
    window.examples_menu.aboutToShow.emit()
    examples = [a.text() for a in window.examples_menu.actions() if a.isEnabled()]
    app.processEvents()
    problems = [what for what, ok in (
        (f"could not open {path}: {window.statusBar().currentMessage()}", opened),
        ("the graph did not run", result is not None),
        ("File ▸ Examples is empty", bool(examples)),
        ("the window has no icon", not window.windowIcon().isNull())) if not ok]
    window.close()
    app.processEvents()
    if problems:
        print("smoke test failed: " + "; ".join(problems), file=sys.stderr)
        return 1
    print(f"smoke test passed: opened {path} ({len(window.graph)} nodes) and ran it; "
          f"File ▸ Examples lists {len(examples)}: {', '.join(examples)}")
    return 0


def _is_example(path) -> bool:
    from pathlib import Path

    from backprop_studio.engine import fileformat
    try:
        return Path(path).resolve().parent == Path(fileformat.EXAMPLES).resolve()
    except OSError:
        return False
