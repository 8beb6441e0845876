"""Start the Qt application and the main window."""

from __future__ import annotations

import sys


def run_app(path: str | None = None) -> int:
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
