"""Figures, animations and presenting: File ▸ Export ▸ TikZ… and Animation… (PNG and SVG take
their scale and background in gui/export_image.py), and View ▸ Presenter Mode."""

from __future__ import annotations

from PySide6.QtGui import QAction


def install(window) -> None:
    from backprop_studio.gui import export_tikz
    from backprop_studio.gui.export_animation import dialog as animation_dialog
    from backprop_studio.gui.presenter import install as install_presenter

    menu = window.export_menu
    menu.addSeparator()
    tikz = QAction("&TikZ…", window)
    tikz.setStatusTip("The CS231n figure as LaTeX/TikZ: values above the edges, gradients below")
    tikz.triggered.connect(lambda: export_tikz.export_dialog(window))
    animation = QAction("&Animation…", window)
    animation.setStatusTip("The forward and backward passes as a GIF or MP4, each step explained")
    animation.triggered.connect(lambda: animation_dialog.export_dialog(window))
    menu.addAction(tikz)
    menu.addAction(animation)
    window.actions["export_tikz"] = tikz
    window.actions["export_animation"] = animation
    install_presenter(window)
