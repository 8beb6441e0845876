"""Animation test fixtures: isolated settings, and a main window with the animation installed
showing one of the example graphs."""

from __future__ import annotations

import pytest
from anim_helpers import EXAMPLES


@pytest.fixture
def open_example(make_window):
    """open_example("cs231n_add_multiply") -> (window, animation), graph run, zoom 1."""
    from backprop_studio.gui.animation import install

    def make(name: str, size=(1600, 1000)):
        window = make_window(size)
        anim = install(window)                      # the window's own (install is idempotent)
        assert window.open_path(EXAMPLES / f"{name}.json")
        assert window.run_graph() is not None
        window.view.set_zoom(1.0)
        window.view.centerOn(window.scene.itemsBoundingRect().center())
        return window, anim
    return make
