"""View ▸ Presenter Mode: the canvas and the step's explanation only, full screen, in type a
projector shows (mode.py), stepped by a presentation clicker (PageDown / PageUp)."""

from __future__ import annotations


def install(window):
    """Add View ▸ Presenter Mode to ``window``; return the Presenter (once)."""
    if getattr(window, "presenter", None) is not None:
        return window.presenter
    from backprop_studio.gui.presenter.mode import Presenter
    window.presenter = Presenter(window)
    return window.presenter
