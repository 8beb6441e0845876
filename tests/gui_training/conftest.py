"""Fixtures for the Training dock tests: a real main window with the dock installed, settings
isolated per test, and helpers that wait for a run to end."""

from __future__ import annotations

import pytest

from training_helpers import release


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("BACKPROP_STUDIO_SETTINGS", str(tmp_path / "settings" / "studio.ini"))


@pytest.fixture
def studio(qtbot):
    """(window, controller) with no file open; the window never asks about unsaved changes."""
    from gui.main_window import MainWindow
    from gui.training import install

    window = MainWindow()
    window.files.ask_unsaved = lambda: "discard"
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    controller = getattr(window, "training", None) or install(window)
    yield window, controller
    release(window, controller)


@pytest.fixture
def make_second_window(qtbot):
    from gui.main_window import MainWindow
    from gui.training import install
    made = []

    def make():
        window = MainWindow()
        window.files.ask_unsaved = lambda: "discard"
        qtbot.addWidget(window)
        window.show()
        made.append(getattr(window, "training", None) or install(window))
        return window
    yield make
    for controller in made:
        release(controller.window, controller)
