"""Watch backpropagation: the engine's forward values and backward trace replayed on the canvas.

MainWindow calls ``install(self)`` once; everything else hangs off the returned object.
"""

from __future__ import annotations


def install(window):
    """Add the Animation dock, View-menu toggles and keys to ``window``; return the feature.
    Installing twice returns the first one."""
    if getattr(window, "animation", None) is not None:
        return window.animation
    from backprop_studio.gui.animation.wiring import Animation
    window.animation = Animation(window)
    return window.animation
