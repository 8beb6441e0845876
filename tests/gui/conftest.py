"""GUI test fixtures: a fresh settings file per test, and windows that never open dialogs."""

from __future__ import annotations

import pytest

from editor_helpers import cs231n_graph


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):
    """Settings and recovery files live in this test's tmp_path only."""
    monkeypatch.setenv("BACKPROP_STUDIO_SETTINGS", str(tmp_path / "settings" / "studio.ini"))
    from gui import theme
    theme.set_palette("cs231n")
    yield tmp_path / "settings"
    theme.set_palette("cs231n")


@pytest.fixture
def make_window(qtbot):
    from gui.main_window import MainWindow

    def make():
        window = MainWindow()
        window.files.ask_unsaved = lambda: "discard"
        qtbot.addWidget(window)
        window.resize(1300, 820)
        window.show()
        qtbot.waitExposed(window)
        return window
    return make


@pytest.fixture
def window(make_window):
    return make_window()


@pytest.fixture
def cs_window(window):
    """A window showing f = (x + y)·z, laid out, at zoom 1, centred."""
    window.set_graph(cs231n_graph(), None, "cs231n")
    window.view.set_zoom(1.0)
    window.view.centerOn(window.scene.itemsBoundingRect().center())
    return window
