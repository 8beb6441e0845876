"""Training: datasets, optimizer controls, a training process and live plots in a bottom dock.

``install(window)`` is the one call the main window makes; it needs the window's ``graph``,
``undo_stack``, ``add_bottom_dock``, ``graph_replaced`` and ``statusBar()``, and uses
``show_result`` / ``show_error`` / ``view_menu`` when the window has them.
"""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from .controller import TrainingController
from .view import TrainingView

__all__ = ["install", "TrainingController", "TrainingView"]


def install(window) -> TrainingController:
    """Add the Training dock to ``window`` and wire it; returns the controller."""
    from .actions import connect_files

    view = TrainingView()
    controller = TrainingController(window, view)
    dock = window.add_bottom_dock(view, "Training")
    dock.setObjectName("TrainingDock")
    controller.dock = dock
    menu = getattr(window, "view_menu", None)
    if menu is not None and dock.toggleViewAction() not in menu.actions():
        menu.addAction(dock.toggleViewAction())
    connect_files(controller)
    controller.set_graph(window.graph)
    window.graph_replaced.connect(controller.set_graph)
    window.installEventFilter(controller)
    app = QApplication.instance()
    if app is not None:
        app.aboutToQuit.connect(controller.shutdown)
    window.training = controller
    return controller
