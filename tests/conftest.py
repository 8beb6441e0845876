"""Shared test setup: Qt offscreen, the repository root on sys.path, settings isolated per
test, and a main-window factory for the GUI test folders."""

import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))



_APP = None


def pytest_configure(config):
    """The QApplication exists before any test module is imported, as in the app: the canvas
    builds its fonts at import, and a font built before the application measures larger
    (so readability tests would measure other text than a user sees)."""
    global _APP
    try:
        from PySide6.QtWidgets import QApplication
    except ImportError:
        return
    _APP = QApplication.instance() or QApplication([])


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):
    """Settings and recovery files live in this test's tmp_path only, and GUI tests start from
    the default colours (engine tests never import Qt for it)."""
    monkeypatch.setenv("BACKPROP_STUDIO_SETTINGS", str(tmp_path / "settings" / "studio.ini"))
    _default_colours()
    yield tmp_path / "settings"
    _delete_closed_windows()
    _default_colours()


def _delete_closed_windows():
    """Delete now what the test closed (pytest-qt closes its windows and calls deleteLater):
    posted outside an event loop, Qt would keep every window until the session ends, each
    still repainting on every palette switch, so each GUI test ran slower than the last."""
    core = sys.modules.get("PySide6.QtCore")
    if core is not None and core.QCoreApplication.instance() is not None:
        core.QCoreApplication.sendPostedEvents(None, core.QEvent.Type.DeferredDelete)


@pytest.fixture(autouse=True)
def patient_shutdown(monkeypatch):
    """A training child asked to leave gets a minute here, not the app's 3 s before it is
    terminated: on a busy machine leaving can take longer, and the tests check that it leaves
    when asked (exit status 0), not how fast."""
    from backprop_studio.engine import train_process
    monkeypatch.setattr(train_process, "JOIN_TIMEOUT", 60.0)


def _default_colours():
    theme = sys.modules.get("backprop_studio.gui.theme")
    if theme is not None:
        theme.set_palette("cs231n")


@pytest.fixture
def make_window(qtbot):
    """make_window(size) -> a shown main window that never asks about unsaved changes."""
    from backprop_studio.gui.main_window import MainWindow

    def make(size=(1300, 820)):
        window = MainWindow()
        window.files.ask_unsaved = lambda: "discard"
        qtbot.addWidget(window)
        window.resize(*size)
        window.show()
        qtbot.waitExposed(window, timeout=30000)
        return window
    return make


@pytest.fixture
def answer_dialog():
    """answer_dialog(button) -> a list that gets the text of the next modal message box,
    which is then answered by clicking its ``button`` (a QMessageBox.StandardButton)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    def arm(button):
        seen = []

        def answer():
            box = QApplication.activeModalWidget()
            if not isinstance(box, QMessageBox):
                QTimer.singleShot(20, answer)
                return
            seen.append(box.text())
            box.button(button).click()
        QTimer.singleShot(0, answer)
        return seen
    return arm
