"""Quick add: a search box at the cursor (Tab or double-click on the canvas); Enter adds the
highlighted op where the search was opened."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtWidgets import QFrame, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout

from backprop_studio.engine.ops import REGISTRY
from backprop_studio.gui import icons


def rank(spec, text: str) -> int | None:
    """How well ``spec`` matches what was typed: 0 the name itself (or its symbol), 1 a name
    that starts with it, 2 a word of the name that does, 3 the name contains it, 4 the symbol,
    summary or category does; None for no match. "param" → parameter first, not input (whose
    summary says "parameters")."""
    text = text.strip().lower()
    if not text:
        return 0
    name = spec.name.lower()
    if text in (name, spec.symbol.lower()):
        return 0
    if name.startswith(text):
        return 1
    if any(word.startswith(text) for word in name.replace("_", " ").split()):
        return 2
    if text in name:
        return 3
    if any(text in s.lower() for s in (spec.symbol, spec.summary, spec.category)):
        return 4
    return None


def matches(spec, text: str) -> bool:
    return rank(spec, text) is not None


def ranked(text: str) -> list[str]:
    """The op names matching ``text``, best first (the registry's order among equals)."""
    order = {name: i for i, name in enumerate(REGISTRY)}
    found = [(rank(spec, text), order[name], name) for name, spec in REGISTRY.items()]
    return [name for r, _, name in sorted(f for f in found if f[0] is not None)]


class QuickAdd(QFrame):
    chosen = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("QuickAdd")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Add node… (type to search)")
        self.list = QListWidget(self)
        self.list.setIconSize(icons.SIZE)
        layout.addWidget(self.search)
        layout.addWidget(self.list)
        for spec in REGISTRY.values():
            item = QListWidgetItem(icons.op_icon(spec), f"{spec.name}   {spec.symbol}")
            item.setData(Qt.ItemDataRole.UserRole, spec.name)
            item.setToolTip(spec.summary)
            self.list.addItem(item)
        self.search.textChanged.connect(self.filter)
        self.search.returnPressed.connect(self.accept_current)
        self.list.itemActivated.connect(lambda _: self.accept_current())
        self.search.installEventFilter(self)
        self.resize(260, 300)
        self.filter("")

    def filter(self, text: str) -> None:
        """Show the matches, best first, and highlight the best (what Enter adds)."""
        names = ranked(text)
        items = {}
        while self.list.count():
            item = self.list.takeItem(0)
            items[item.data(Qt.ItemDataRole.UserRole)] = item
        for name in names:
            self.list.addItem(items.pop(name))
        for item in items.values():                 # the rest, hidden, keep their items
            self.list.addItem(item)
            item.setHidden(True)
        for i in range(len(names)):
            self.list.item(i).setHidden(False)
        self.list.setCurrentRow(0 if names else -1)

    def eventFilter(self, obj, event) -> bool:
        # Up/Down in the search box move through the list, as in every command palette.
        if obj is self.search and event.type() == event.Type.KeyPress and \
                event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            rows = [i for i in range(self.list.count()) if not self.list.item(i).isHidden()]
            if rows:
                cur = self.list.currentRow()
                pos = rows.index(cur) if cur in rows else 0
                pos = max(0, min(len(rows) - 1, pos + (1 if event.key() == Qt.Key.Key_Down
                                                       else -1)))
                self.list.setCurrentRow(rows[pos])
            return True
        return super().eventFilter(obj, event)

    def accept_current(self) -> None:
        item = self.list.currentItem()
        if item is not None and not item.isHidden():
            op = item.data(Qt.ItemDataRole.UserRole)
            self.close()
            self.chosen.emit(op)

    def popup_at(self, global_pos: QPoint) -> None:
        self.move(global_pos)
        self.show()
        self.search.setFocus()
