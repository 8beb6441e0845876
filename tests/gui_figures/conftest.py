"""Figure, animation and presenter tests: a window showing an example, Run."""

from __future__ import annotations

import pytest

from backprop_studio.engine.resources import resource


@pytest.fixture
def example_window(make_window):
    """example_window("cs231n_add_multiply", size) -> a shown window with the example Run."""
    def make(name: str = "cs231n_add_multiply", size=(1300, 820)):
        window = make_window(size)
        assert window.open_path(resource("examples", f"{name}.json"))
        assert window.run_graph() is not None
        return window
    return make
