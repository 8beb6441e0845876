"""Presenter mode: full screen, the canvas and the active step's explanation only; every
number painted at least PRESENTER_PX tall (24 px: legible on a projected 1920×1080 screen).

Keys while presenting: PageDown, → and Space step forward (PageDown is what presentation
clickers send), PageUp and ← step back, Home and End jump, B (or .) blanks the screen, Esc
leaves. Leaving puts the window back exactly: geometry, window state, docks, menu and status
bars, and the view's zoom and position.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

from backprop_studio.gui.canvas.readable import MIN_TEXT_PX, readable_zoom
from backprop_studio.gui.presenter.caption import PresenterCaption

PRESENTER_PX = 24.0
MAX_FIT_ZOOM = 3.0           # a small graph is magnified up to this, to fill the screen
CAPTION_FRACTION = 0.22      # of the window's height, below the canvas

KEYS = {
    "step_forward": (Qt.Key.Key_PageDown, Qt.Key.Key_Right, Qt.Key.Key_Space),
    "step_back": (Qt.Key.Key_PageUp, Qt.Key.Key_Left),
    "home": (Qt.Key.Key_Home,),
    "end": (Qt.Key.Key_End,),
    "toggle_blank": (Qt.Key.Key_B, Qt.Key.Key_Period),
    "leave": (Qt.Key.Key_Escape,),
}


def presenter_zoom() -> float:
    """The smallest zoom at which every number font is PRESENTER_PX tall."""
    return readable_zoom() * PRESENTER_PX / MIN_TEXT_PX


class Presenter(QObject):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.active = False
        self.blanked = False
        self._saved: dict | None = None
        self.caption = PresenterCaption(window.view)
        self.caption.hide()
        self.blank_screen = QWidget(window)
        self.blank_screen.setObjectName("presenter_blank")
        self.blank_screen.setStyleSheet("#presenter_blank { background: black; }")
        self.blank_screen.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.blank_screen.hide()
        self.action = QAction("&Presenter Mode", window, checkable=True)
        self.action.setShortcut(QKeySequence("F5"))
        self.action.setStatusTip("Full screen, the canvas and the step's explanation only; "
                                 "PageDown/PageUp step, B blanks, Esc leaves")
        self.action.toggled.connect(self._toggled)
        window.view_menu.addSeparator()
        window.view_menu.addAction(self.action)
        window.addAction(self.action)
        self.shortcuts: list[QShortcut] = []
        for name, keys in KEYS.items():
            for key in keys:
                sc = QShortcut(QKeySequence(key), window)
                sc.setEnabled(False)
                sc.activated.connect(getattr(self, name))
                self.shortcuts.append(sc)
        anim = window.animation
        anim.controller.cursor_changed.connect(self._follow)
        anim.controller.timeline_changed.connect(lambda _: self._follow())
        window.view.installEventFilter(self)

    # ------------------------------------------------------------ entering and leaving
    def _toggled(self, on: bool) -> None:
        if on and not self.active:
            self.enter()
        elif not on and self.active:
            self.leave()

    def enter(self, full_screen: bool = True) -> None:
        """Present: ``full_screen`` False keeps the window's size (tests size it)."""
        if self.active:
            return
        w = self.window
        self._saved = {
            "geometry": w.geometry(), "state": w.saveState(), "window_state": w.windowState(),
            "menu": w.menuBar().isVisible(), "status": w.statusBar().isVisible(),
            "transform": w.view.transform(), "centre": w.view.visible_center(),
        }
        self.active = True
        self.action.setChecked(True)
        w.animation._ready(start=w.animation.controller.cursor >= len(w.animation.controller))
        self._hide_docks()
        w.menuBar().hide()
        w.statusBar().hide()
        for sc in self.shortcuts:
            sc.setEnabled(True)
        if full_screen:
            w.setGeometry(w.screen().geometry())     # the whole screen without a window manager too
            w.showFullScreen()
            w.activateWindow()           # the clicker's keys come to this window
        self.caption.show()
        self._layout()
        self._frame()
        self._follow()
        w.view.setFocus()

    def leave(self) -> None:
        if not self.active:
            return
        w, saved = self.window, self._saved
        self.active = False
        self.action.setChecked(False)
        self.set_blank(False)
        for sc in self.shortcuts:
            sc.setEnabled(False)
        self.caption.hide()
        w.view.setViewportMargins(0, 0, 0, 0)
        w.setWindowState(saved["window_state"])
        if not saved["window_state"] & (Qt.WindowState.WindowMaximized
                                        | Qt.WindowState.WindowFullScreen):
            w.setGeometry(saved["geometry"])     # exactly, even larger than this screen
        w.restoreState(saved["state"])
        w.menuBar().setVisible(saved["menu"])
        w.statusBar().setVisible(saved["status"])
        w.view.setTransform(saved["transform"])
        w.view.centerOn(saved["centre"])
        w.view.zoom_changed.emit(w.view.zoom)

    # ------------------------------------------------------------ keys
    def step_forward(self) -> None:
        self.window.animation.step_forward()

    def step_back(self) -> None:
        self.window.animation.step_back()

    def home(self) -> None:
        self.window.animation.home()

    def end(self) -> None:
        self.window.animation.end()

    def toggle_blank(self) -> None:
        self.set_blank(not self.blanked)

    def set_blank(self, on: bool) -> None:
        """B: a black screen (the audience looks at the speaker); B again brings it back."""
        self.blanked = bool(on) and self.active
        self.blank_screen.setGeometry(self.window.rect())
        self.blank_screen.setVisible(self.blanked)
        if self.blanked:
            self.blank_screen.raise_()

    # ------------------------------------------------------------ what is shown
    def _layout(self) -> None:
        """The caption below the canvas (in the view's bottom margin, so it hides nothing)."""
        view = self.window.view
        height = round(self.window.height() * CAPTION_FRACTION)
        view.setViewportMargins(0, 0, 0, height)
        self.caption.setGeometry(0, view.height() - height, view.width(), height)
        self.caption.raise_()
        if self.blanked:
            self.blank_screen.setGeometry(self.window.rect())

    def _frame(self) -> None:
        """Zoom so every number is PRESENTER_PX tall (more, up to MAX_FIT_ZOOM, when the graph
        is small enough to fill the screen), centred on the graph."""
        view = self.window.view
        rect = view.scene().itemsBoundingRect().adjusted(-24, -24, 24, 24)
        port = view.viewport().rect()
        fit = min(port.width() / max(rect.width(), 1), port.height() / max(rect.height(), 1))
        view.set_zoom(max(presenter_zoom(), min(fit, MAX_FIT_ZOOM)))
        view.centerOn(rect.center())

    def _hide_docks(self) -> None:
        for dock in self.window.findChildren(type(self.window.animation.dock)):
            dock.hide()

    def _follow(self, _cursor: int = 0) -> None:
        """The active step's explanation, and its node kept in view."""
        if not self.active:
            return
        self._hide_docks()           # the first step shows the Animation dock: not here
        ctl = self.window.animation.controller
        self.caption.show_step(ctl.timeline, ctl.active)
        rect = self._step_rect(ctl.active)
        if rect is not None:
            self.window.view.ensureVisible(rect, 40, 40)

    def _step_rect(self, step):
        """The active step's node with its edges' labels and its badges (the step's callout,
        "upstream × local = product", can hang below the node): all kept in the view, which
        ends above the caption, as far as they fit in it together."""
        scene = self.window.scene
        item = scene.node_item(step.node) if step is not None else None
        if item is None:
            return None
        view = self.window.view
        room = view.mapToScene(view.viewport().rect().adjusted(40, 40, -40, -40)).boundingRect()
        overlay = self.window.animation.overlay
        rect = item.sceneBoundingRect()
        groups = ([overlay.labels.get(key) for key in step.edges],
                  [overlay.sum_badges.get(step.node), overlay.param_badges.get(step.node)])
        for group in groups:            # the cards first; badges when there is room for them
            grown = rect
            for extra in group:
                if extra is not None and extra.isVisible():
                    grown = grown.united(extra.sceneBoundingRect())
            if grown.width() > room.width() or grown.height() > room.height():
                break
            rect = grown
        return rect

    def eventFilter(self, obj, event) -> bool:
        if self.active and event.type() == QEvent.Type.Resize:
            self._layout()
        return False
