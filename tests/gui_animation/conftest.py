"""Animation test fixtures: isolated settings, and a main window with the animation installed
showing one of the example graphs."""

from __future__ import annotations

import pytest

from anim_helpers import EXAMPLES


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("BACKPROP_STUDIO_SETTINGS", str(tmp_path / "settings" / "studio.ini"))
    from gui import theme
    theme.set_palette("cs231n")
    yield
    theme.set_palette("cs231n")


@pytest.fixture
def open_example(qtbot):
    """open_example("cs231n_add_multiply") -> (window, animation), graph run, zoom 1."""
    from gui.animation import install
    from gui.main_window import MainWindow

    def make(name: str, size=(1600, 1000)):
        window = MainWindow()
        window.files.ask_unsaved = lambda: "discard"
        qtbot.addWidget(window)
        window.resize(*size)
        anim = install(window)
        window.show()
        qtbot.waitExposed(window)
        assert window.open_path(EXAMPLES / f"{name}.json")
        assert window.run_graph() is not None
        window.view.set_zoom(1.0)
        window.view.centerOn(window.scene.itemsBoundingRect().center())
        return window, anim
    return make
