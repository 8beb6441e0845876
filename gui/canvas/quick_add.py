"""Quick add: a search box at the cursor (Tab or double-click on the canvas); Enter adds the
highlighted op where the search was opened."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtWidgets import QFrame, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout

from backprop_studio.engine.ops import REGISTRY
from backprop_studio.gui import icons


def matches(spec, text: str) -> bool:
    text = text.strip().lower()
    return not text or any(text in s.lower() for s in
                           (spec.name, spec.symbol, spec.summary, spec.category))


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
        first = None
        for i in range(self.list.count()):
            item = self.list.item(i)
            hide = not matches(REGISTRY[item.data(Qt.ItemDataRole.UserRole)], text)
            item.setHidden(hide)
            if not hide and first is None:
                first = item
        self.list.setCurrentItem(first)

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
