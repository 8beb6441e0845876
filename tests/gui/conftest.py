"""GUI test fixtures: a window, and one showing f = (x + y)·z (settings isolation and
make_window come from tests/conftest.py)."""

from __future__ import annotations

import pytest
from editor_helpers import cs231n_graph


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
