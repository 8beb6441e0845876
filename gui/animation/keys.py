"""Space, ←, →, Home and End drive the animation, on the canvas and in the Animation dock.

On the canvas Space already means "hold to pan" (GraphView); a *tap* of Space (no mouse press
while held) plays or pauses, so both keep working. The filter watches the view's events rather
than changing the view's class.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut

STEP_KEYS = {Qt.Key.Key_Left: "step_back", Qt.Key.Key_Right: "step_forward",
             Qt.Key.Key_Home: "home", Qt.Key.Key_End: "end"}


class CanvasKeys(QObject):
    def __init__(self, view, commands) -> None:
        super().__init__(view)
        self.view, self.commands = view, commands
        self._space_down = False
        self._panned = False
        view.installEventFilter(self)
        view.viewport().installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:
        kind = event.type()
        if kind == QEvent.Type.KeyPress and obj is self.view:
            plain = event.modifiers() in (Qt.KeyboardModifier.NoModifier,
                                          Qt.KeyboardModifier.KeypadModifier)
            if plain and event.key() in STEP_KEYS:
                getattr(self.commands, STEP_KEYS[event.key()])()
                return True
            if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
                self._space_down, self._panned = True, False
        elif kind == QEvent.Type.MouseButtonPress and self._space_down:
            self._panned = True
        elif kind == QEvent.Type.KeyRelease and obj is self.view:
            if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat() and self._space_down:
                self._space_down = False
                if not self._panned:
                    self.commands.toggle()
        return False


def panel_shortcuts(panel, commands) -> list[QShortcut]:
    """The same keys while the Animation dock has focus."""
    shortcuts = []
    bindings = {Qt.Key.Key_Space: "toggle", **STEP_KEYS}
    for key, name in bindings.items():
        sc = QShortcut(QKeySequence(key), panel)
        sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        sc.activated.connect(getattr(commands, name))
        shortcuts.append(sc)
    return shortcuts
