"""A leaf drawn inside the node it feeds (engine.folding): the part of NodeItem that places
and paints it as two rows at the foot of its consumer, and the consumer's side (its folds,
its port saying "a = W₁"). The leaf stays a NodeItem: selected, edited and measured as any.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPen
from PySide6.QtWidgets import QGraphicsItem

from backprop_studio.engine.layout import FOLD_ROWS
from backprop_studio.gui import theme


def _node():
    """node_item, which mixes this in: its fonts, row heights and levels of detail."""
    from backprop_studio.gui.canvas import node_item
    return node_item


PREFIX_MAX = 64.0        # the widest a folded leaf's label may be before its value


class FoldedRows:
    """Mixed into NodeItem: a leaf's rows inside its consumer, and the consumer's side."""

    def fold_pos(self) -> QPointF:
        """A folded leaf's place: its rows, in order, under its consumer's value rows."""
        host = self.folded_into
        return host.pos() + QPointF(0.0, host.base_height() + host.folds.index(self) * FOLD_ROWS)

    def set_folds(self, leaves: list) -> None:
        """The leaves drawn inside this node, in port order."""
        self.folds = list(leaves)
        self._resize()
        for leaf in self.folds:
            leaf._resize()
            leaf.setPos(leaf.fold_pos())
        self.update()

    def set_folded_into(self, host: object | None) -> None:
        """Fold this leaf into ``host`` (or unfold it, None): not movable while folded."""
        self.folded_into = host
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsMovable, host is None)
        if host is not None:
            self.setZValue(host.zValue())
            host.stackBefore(self)      # just above its host, under nodes placed later
        self._resize()
        if host is None:
            self.setZValue(0.0)
            self.setPos(QPointF(*self.graph.node(self.node)["pos"]))
        self.update()

    def port_text(self, port: str) -> str:
        """A port's name; a folded leaf's port says which leaf: "a = W₁"."""
        for leaf in self.folds:
            if self.graph.source_of(self.node, port) == leaf.node and leaf.label != port:
                return f"{port} = {leaf.label}"
        return port

    def _fold_prefix_width(self) -> float:
        """Room for the label before the value: at most PREFIX_MAX, so a long label is cut
        (the port and the tooltip name it whole), never the numbers."""
        width = QFontMetrics(_node().BOLD_SMALL).horizontalAdvance(self.label) + 8
        return min(max(36.0, width), PREFIX_MAX)

    def _prefix_shown(self) -> str:
        return QFontMetrics(_node().BOLD_SMALL).elidedText(
            self.label, Qt.TextElideMode.ElideRight, int(self._fold_prefix_width() - 4))

    def _fold_needed_width(self) -> float:
        mono = QFontMetrics(_node()._MONO)
        text = max(mono.horizontalAdvance(t) for t in (self.value_text, self.grad_text))
        return 8 + self._fold_prefix_width() + 6 + text + 8

    def _paint_folded(self, painter, pal, lod) -> None:
        """Two rows at the foot of the consumer: the leaf's label (in its op's colour) and
        value, then its gradient; a rule above them, the highlight when selected."""
        if lod < _node().LOD_SHAPES:
            return
        w = self.width
        if self.isSelected() or self.error:
            painter.setPen(QPen(pal.error if self.error else pal.highlight, 2.0))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(self._rect.adjusted(1.5, 1, -1.5, -1.5), 4, 4)
        painter.setPen(QPen(theme.GRID_MAJOR, 1))
        painter.drawLine(QPointF(6, 0.5), QPointF(w - 6, 0.5))
        if lod < _node().LOD_TEXT:
            return
        prefix = self._fold_prefix_width()
        for row, (name, text, color) in enumerate(((self._prefix_shown(), self.value_text,
                                                    pal.value),
                                                   ("grad", self.grad_text, pal.grad))):
            y = 1 + row * _node().VALUE_ROW
            painter.setFont(_node().BOLD_SMALL if row == 0 else _node()._SMALL)
            painter.setPen(self.color.darker(130) if row == 0 else theme.PORT_TEXT)
            painter.drawText(QRectF(8, y, prefix, _node().VALUE_ROW), Qt.AlignmentFlag.AlignVCenter,
                             name)
            if text:
                c = QColor(color)
                if self.stale:
                    c.setAlpha(theme.STALE_ALPHA)
                painter.setPen(c)
                painter.setFont(_node()._MONO)
                painter.drawText(QRectF(8 + prefix, y, w - 14 - prefix, _node().VALUE_ROW),
                                 Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                                 self._value_shown(text))

