"""A hidden main window showing a graph as the CS231n figure, for rendering files: the command
line's PNG/SVG/GIF/MP4 exports (with no display: Qt's offscreen platform) and the GUI's
animation export (a second, hidden window, so the user's canvas is left as it is).

From the command line the window uses a settings file of its own in a temporary folder, so an
export never reads or changes the user's window layout, recent files or recovery copies; the
folder is removed when the process exits.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile


def application():
    """The QApplication, made (offscreen when there is no display) if there is none yet."""
    from backprop_studio.gui.app import serial_painting
    serial_painting()
    from PySide6.QtWidgets import QApplication
    app = QApplication.instance()
    if app is None:
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from backprop_studio.gui.settings import ENV
        folder = tempfile.mkdtemp(prefix="backprop-studio-export-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        os.environ[ENV] = os.path.join(folder, "settings.ini")
        app = QApplication(sys.argv[:1])
    return app


def figure_window(graph, palette: str | None = None):
    """A hidden MainWindow with ``graph`` run and its whole figure on the canvas. Raises
    GraphError when the graph does not run."""
    from backprop_studio.engine import GraphError

    application()
    from backprop_studio.gui import theme
    from backprop_studio.gui.main_window import MainWindow

    if palette is not None:
        theme.set_palette(palette)
    window = MainWindow()
    window.resize(1280, 800)
    window.set_graph(graph, None, "export")
    if window.run_graph() is None:
        from backprop_studio.gui.exercise.lock import ANIMATION_LOCKED, locked_graph
        message = ANIMATION_LOCKED if locked_graph(graph) else None
        message = message or (str(window.error) if window.error is not None
                              else "the graph does not run")
        window.deleteLater()
        raise GraphError(message)
    window.animation.overlay.show_figure()
    return window


def discard(window) -> None:
    """Drop a window made here without saving its layout into the settings."""
    window.files.timer.stop()
    window.hide()
    window.deleteLater()
