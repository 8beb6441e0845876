"""A blank on the canvas: a small box the student types an answer into, placed as the CS231n
figures place numbers (an edge's value above it, its gradient below it), with ✓ or ✗ beside it
after Check, so right and wrong never rest on colour alone.

Blanks keep clear of the nodes and of each other through the animation's label space
(gui/animation/placement.py), the same record the edge labels use.
"""

from __future__ import annotations

from types import SimpleNamespace

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPainterPath, QPen, QTextOption
from PySide6.QtWidgets import QGraphicsItem, QGraphicsTextItem, QStyle, QStyleOptionGraphicsItem

from backprop_studio.gui import theme
from backprop_studio.gui.animation.edge_labels import BOLD, SMALL, TEXT
from backprop_studio.gui.animation.placement import label_space, place, register_nodes

Z_BLANK = 22.0
MIN_W, PAD, GAP, MARK_W = 44.0, 3.0, 4.0, 16.0
CAPTION = {"local": "local", "upstream": "up", "downstream": "down", "param": ""}
MARKS = {"right": "✓", "wrong": "✗", "hint": "✓", "revealed": "="}


class BlankItem(QGraphicsTextItem):
    """One answer box. It tells its mode when it gains focus, when it loses it (commit what
    was typed) and on Enter (commit, go to the next blank); Tab is the mode's (eventFilter)."""

    def __init__(self, field, role: str, caption: str, tip: str, mode) -> None:
        super().__init__()
        self.field, self.role, self.caption, self.mode = field, role, caption, mode
        self.status = "blank"          # blank, filled, right, wrong, hint, revealed
        self.saved_text = ""
        self.setFont(BOLD)
        self.setDefaultTextColor(_role_color(role))
        self.document().setDocumentMargin(PAD)
        self.document().setDefaultTextOption(QTextOption(Qt.AlignmentFlag.AlignCenter))
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextEditorInteraction)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsFocusable)
        self.setZValue(Z_BLANK)
        self.setToolTip(tip)
        self.document().contentsChanged.connect(self._resized)

    # ------------------------------------------------------------ geometry
    def _caption_width(self) -> float:
        if not self.caption:
            return 0.0
        return QFontMetricsF(SMALL).horizontalAdvance(self.caption) + 4.0

    def box(self) -> QRectF:
        r = super().boundingRect()
        return QRectF(r.left(), r.top(), max(MIN_W, r.width()), r.height())

    def boundingRect(self) -> QRectF:
        b = self.box()
        return QRectF(b.left() - self._caption_width(), b.top(),
                      b.width() + self._caption_width() + MARK_W, b.height())

    def shape(self) -> QPainterPath:
        """The whole box takes clicks (Qt's own shape is the text's, a sliver when empty)."""
        path = QPainterPath()
        path.addRect(self.boundingRect())
        return path

    @property
    def cards(self):
        """What placement.place moves and registers: the whole painted rectangle."""
        return [SimpleNamespace(rect=self.boundingRect())]

    def _resized(self) -> None:
        self.prepareGeometryChange()
        if self.mode is not None and self.scene() is not None:
            label_space(self.scene()).set(self, [self.sceneBoundingRect()])

    # ------------------------------------------------------------ state
    def set_text(self, text: str) -> None:
        self.saved_text = text
        if self.toPlainText() != text:
            self.setPlainText(text)

    def set_status(self, status: str, tip: str | None = None) -> None:
        self.status = status
        editable = status not in ("hint", "revealed")
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextEditorInteraction if editable
                                     else Qt.TextInteractionFlag.NoTextInteraction)
        if tip is not None:
            self.setToolTip(tip)
        self.update()

    @property
    def mark(self) -> str:
        return MARKS.get(self.status, "")

    # ------------------------------------------------------------ painting
    def paint(self, painter: QPainter, option, widget=None) -> None:
        pal = theme.current()
        b = self.box()
        border = {"right": pal.value, "hint": pal.value, "wrong": pal.error}.get(
            self.status, QColor(TEXT))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(QColor(255, 255, 255, 240) if self.status != "wrong"
                         else QColor(255, 235, 235, 240))
        style = Qt.PenStyle.DashLine if self.status == "blank" and not self.hasFocus() \
            else Qt.PenStyle.SolidLine
        painter.setPen(QPen(border, 2.0 if self.hasFocus() or self.status == "wrong" else 1.2,
                            style))
        painter.drawRoundedRect(b, 3, 3)
        if self.caption:
            painter.setFont(SMALL)
            painter.setPen(QColor(TEXT))
            painter.drawText(QRectF(b.left() - self._caption_width(), b.top(),
                                    self._caption_width() - 2, b.height()),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             self.caption)
        if self.mark:
            painter.setFont(BOLD)
            painter.setPen(border)
            painter.drawText(QRectF(b.right() + 2, b.top(), MARK_W, b.height()),
                             Qt.AlignmentFlag.AlignVCenter, self.mark)
        if not self.toPlainText() and not self.hasFocus():
            painter.setFont(BOLD)
            painter.setPen(QColor(150, 150, 150))
            painter.drawText(b, Qt.AlignmentFlag.AlignCenter, "?")
        plain = QStyleOptionGraphicsItem(option)     # our border shows focus, not Qt's dashes
        plain.state &= ~(QStyle.StateFlag.State_HasFocus | QStyle.StateFlag.State_Selected)
        super().paint(painter, plain, widget)

    # ------------------------------------------------------------ keys and focus
    def keyPressEvent(self, event) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.mode.leave(self, +1)
            return
        if key == Qt.Key.Key_Escape:
            self.set_text(self.saved_text)
            self.clearFocus()
            return
        super().keyPressEvent(event)

    def focusInEvent(self, event) -> None:
        super().focusInEvent(event)
        self.mode.focused(self)
        self.update()

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        self.mode.commit(self)
        self.update()


def _role_color(role: str) -> QColor:
    pal = theme.current()
    return pal.value if role == "value" else pal.grad


class GivenItem(QGraphicsTextItem):
    """A value the student is given (an input's, or a node's whose value is not asked)."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.setFont(BOLD)
        self.setDefaultTextColor(theme.current().value)
        self.setZValue(Z_BLANK - 1)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    @property
    def cards(self):
        return [SimpleNamespace(rect=self.boundingRect())]


def spots(scene, graph, field_anchor, item) -> list[QPointF]:
    """Where a blank would like to sit: above (values) or below (gradients) the middle of its
    edge, or beside the node when it has no edge out."""
    where, below = field_anchor
    r = item.boundingRect()
    if isinstance(where, tuple):
        edge = scene.edge_item(*where)
        mid = edge.path().pointAtPercent(0.5) if edge is not None else QPointF()
    else:
        node = scene.node_item(where)
        if node is None:
            return [QPointF()]
        box = node.sceneBoundingRect()
        mid = QPointF(box.right() + r.width() / 2 + GAP, box.center().y())
    x = mid.x() - r.center().x()
    first = QPointF(x, mid.y() + GAP) if below else QPointF(x, mid.y() - r.height() - GAP)
    step = r.height() + 2
    return [first + QPointF(0, k * step * (1 if below else -1)) for k in range(4)]


def arrange(scene, graph, items) -> None:
    """Place every item (blanks and given values, with their anchors), nodes kept clear."""
    space = label_space(scene)
    register_nodes(space, scene)
    for item, _anchor in items:
        space.remove(item)
    for item, anchor in items:
        place(item, space, spots(scene, graph, anchor, item))
