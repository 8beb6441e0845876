"""The op palette, generated from engine.ops.REGISTRY: grouped by category, each op with its
icon and a tooltip giving its rule and local gradients, a filter box, and drag to the canvas."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from backprop_studio.engine.ops import CATEGORIES, REGISTRY
from backprop_studio.gui import icons, plain_text
from backprop_studio.gui.canvas.quick_add import matches
from backprop_studio.gui.canvas.view import OP_MIME

OP_ROLE = Qt.ItemDataRole.UserRole


def tooltip(spec) -> str:
    """The op's forward rule and, per input port, its local gradient ∂out/∂port."""
    e = plain_text.escaped          # a rule such as "1 if a < b" is text, not a tag
    rows = "".join(f"<tr><td>∂out/∂{p}</td><td>= {e(spec.formula[p])}</td></tr>"
                   for p in spec.ports)
    extra = ""
    if spec.tensors:
        extra += f"<br>owns: {', '.join(spec.tensors)}" + (" (trainable)" if spec.trainable
                                                           else "")
        extra += "".join(f"<br>∂out/∂{t} = {e(spec.formula[t])}" for t in spec.tensors
                         if t in spec.formula)
    return (f"<b>{spec.name}</b> &nbsp; {e(spec.symbol)}<br>{e(spec.summary)}"
            + (f"<table>{rows}</table>" if rows else "") + extra)


def op_mime(op: str) -> QMimeData:
    mime = QMimeData()
    mime.setData(OP_MIME, op.encode())
    mime.setText(op)
    return mime


class _OpTree(QTreeWidget):
    def mimeData(self, items) -> QMimeData:
        ops = [i.data(0, OP_ROLE) for i in items if i.data(0, OP_ROLE)]
        return op_mime(ops[0]) if ops else QMimeData()

    def mimeTypes(self) -> list[str]:
        return [OP_MIME]


class PaletteWidget(QWidget):
    op_activated = Signal(str)      # double-click or Enter: add at the centre of the view

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 4, 0, 4)
        self.filter_box = QLineEdit(self)
        self.filter_box.setPlaceholderText("Filter ops…")
        self.filter_box.setClearButtonEnabled(True)
        self.tree = _OpTree(self)
        self.tree.setHeaderHidden(True)
        self.tree.setIconSize(icons.SIZE)
        self.tree.setDragEnabled(True)
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.tree.setRootIsDecorated(False)
        self.tree.setIndentation(4)
        layout.addWidget(self.filter_box)
        layout.addWidget(self.tree)
        self.items: dict[str, QTreeWidgetItem] = {}
        self.groups: dict[str, QTreeWidgetItem] = {}
        for category in CATEGORIES:
            group = QTreeWidgetItem(self.tree, [category])
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            self.groups[category] = group
        for spec in REGISTRY.values():
            item = QTreeWidgetItem(self.groups[spec.category], [f"{spec.name}"])
            item.setIcon(0, icons.op_icon(spec))
            item.setToolTip(0, tooltip(spec))
            item.setData(0, OP_ROLE, spec.name)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                          | Qt.ItemFlag.ItemIsDragEnabled)
            self.items[spec.name] = item
        self.tree.expandAll()
        self.filter_box.textChanged.connect(self.apply_filter)
        self.tree.itemActivated.connect(self._activated)

    def apply_filter(self, text: str) -> None:
        for name, item in self.items.items():
            item.setHidden(not matches(REGISTRY[name], text))
        for group in self.groups.values():
            group.setHidden(all(group.child(i).isHidden() for i in range(group.childCount())))

    def visible_ops(self) -> list[str]:
        return [n for n, i in self.items.items() if not i.isHidden() and
                not i.parent().isHidden()]

    def _activated(self, item, _column=0) -> None:
        op = item.data(0, OP_ROLE)
        if op:
            self.op_activated.emit(op)
