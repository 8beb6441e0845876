"""Fixtures for the Training dock tests: a real main window with the dock installed, settings
isolated per test, and helpers that wait for a run to end."""

from __future__ import annotations

import pytest
from training_helpers import release


@pytest.fixture
def studio(make_window):
    """(window, controller) with no file open; the window never asks about unsaved changes."""
    from backprop_studio.gui.training import install

    window = make_window((1400, 900))
    controller = getattr(window, "training", None) or install(window)
    yield window, controller
    release(window, controller)


@pytest.fixture
def make_second_window(make_window):
    from backprop_studio.gui.training import install
    made = []

    def make():
        window = make_window((1400, 900))
        made.append(getattr(window, "training", None) or install(window))
        return window
    yield make
    for controller in made:
        release(controller.window, controller)
