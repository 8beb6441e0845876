"""A blank on the canvas: a small box the student types an answer into, placed as the CS231n
figures place numbers (an edge's value above it, its gradient below it), with ✓ or ✗ beside it
after Check, so right and wrong never rest on colour alone.

Blanks keep clear of the nodes and of each other through the animation's label space
(gui/animation/placement.py), the same record the edge labels use.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPainterPath, QPen, QTextOption
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsTextItem,
    QStyle,
    QStyleOptionGraphicsItem,
)

from backprop_studio.engine import GraphError
from backprop_studio.engine.exercise.grading import parse_answer
from backprop_studio.gui import theme
from backprop_studio.gui.animation.edge_labels import BOLD, SMALL, TEXT
from backprop_studio.gui.animation.placement import label_space, place, register_nodes

Z_BLANK = 22.0
MIN_W, PAD, GAP, MARK_W = 44.0, 3.0, 4.0, 16.0
LEADER_AFTER = 12.0     # an item farther than this from its anchor gets a leader line
STACK = 4               # spots tried in a column above or below each anchor point
GIVEN_MARGIN = 10.0     # room kept around a given value, so no other edge's blank reads as its
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
        self.leader = None              # a QGraphicsLineItem when placed away from its edge
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
    def _caption_height(self) -> float:
        """The caption (local, up, down) sits in small type over the box, not beside it: a
        blank must fit between two nodes on a short edge."""
        return QFontMetricsF(SMALL).height() if self.caption else 0.0

    def box(self) -> QRectF:
        r = super().boundingRect()
        return QRectF(r.left(), r.top(), max(MIN_W, r.width()), r.height())

    def boundingRect(self) -> QRectF:
        b = self.box()
        top = self._caption_height()
        return QRectF(b.left(), b.top() - top, b.width() + MARK_W, b.height() + top)

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
            space = label_space(self.scene())
            rect = self.sceneBoundingRect()
            if space.blocked(rect, self):
                self.mode.rearrange_soon()
            space.set(self, [rect])

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
            top = self._caption_height()
            painter.drawText(QRectF(b.left() + 2, b.top() - top, b.width() + MARK_W, top),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom,
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


def shows(text: str, value) -> bool:
    """Whether a blank's text already reads as the stored answer (so it is not rewritten)."""
    text = text.strip()
    if value is None or not text:
        return value is None and not text
    try:
        return bool(np.array_equal(parse_answer(text), value))
    except (ValueError, GraphError):
        return False



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
        self.leader = None

    @property
    def cards(self):
        """Its text with a margin each side: a blank of another edge never sits close
        enough to read as this value's gradient."""
        m = GIVEN_MARGIN
        return [SimpleNamespace(rect=self.boundingRect().adjusted(-m, -2, m, 2))]


def folded_leaf(scene, where):
    """The leaf's item when ``where`` is the edge of a leaf drawn inside its consumer."""
    if isinstance(where, tuple):
        edge = scene.edge_item(*where)
        if edge is not None and edge.folded:
            return edge.source_item
    return None


def anchor_points(scene, where) -> list[QPointF]:
    """The points an item belongs at: along its edge where the animation's edge labels go
    (EdgeItem.label_anchors: the midpoint, or the runs of a wrapped route), or beside its node
    when it has no edge out, or beside a folded leaf's rows for that leaf's edge."""
    leaf = folded_leaf(scene, where)
    if leaf is not None:                # W₁ drawn inside W₁x₀: beside its rows
        box = leaf.sceneBoundingRect()
        return [QPointF(box.right() + GAP, box.center().y())]
    if isinstance(where, tuple):
        edge = scene.edge_item(*where)
        return edge.label_anchors() if edge is not None else [QPointF()]
    node = scene.node_item(where)
    if node is None:
        return [QPointF()]
    box = node.sceneBoundingRect()
    return [QPointF(box.right() + GAP, box.center().y())]


def spots(scene, graph, field_anchor, item) -> list[QPointF]:
    """Where an item would like to sit, best first: above (values) or below (gradients) each
    of its anchor points, then stacked further out from them."""
    where, below = field_anchor
    r = item.boundingRect()
    side = isinstance(where, tuple) and folded_leaf(scene, where) is None
    out = []
    step = r.height() + 2
    for k in range(STACK):
        for p in anchor_points(scene, where):
            x = p.x() - r.center().x() if side else p.x() - r.left()
            y = p.y() + GAP if below else p.y() - r.height() - GAP
            if not side:
                y = p.y() - (0 if below else r.height())
            out.append(QPointF(x, y + k * step * (1 if below else -1)))
    return out


def _nearest(rect: QRectF, point: QPointF) -> QPointF:
    return QPointF(min(max(point.x(), rect.left()), rect.right()),
                   min(max(point.y(), rect.top()), rect.bottom()))


def _distance(a: QPointF, b: QPointF) -> float:
    return ((a.x() - b.x()) ** 2 + (a.y() - b.y()) ** 2) ** 0.5


def stacked(box: QRectF, target: QPointF, height: float) -> bool:
    """Whether ``box`` is in the column of spots straight above or below ``target`` (the
    blanks of one edge stacked under it read as its own without a line)."""
    return box.left() <= target.x() <= box.right() and \
        _distance(_nearest(box, target), target) <= STACK * (height + 2) + GAP


def tether(scene, item, points) -> None:
    """A dotted leader from ``item`` to the nearest of its anchor points when it had to sit
    away from them, so every blank still points at its own edge."""
    box = item.mapRectToScene(item.box() if isinstance(item, BlankItem) else item.boundingRect())
    target = min(points, key=lambda p: _distance(_nearest(box, p), p))
    start = _nearest(box, target)
    leader = getattr(item, "leader", None)
    if stacked(box, target, item.boundingRect().height()) or \
            _distance(start, target) <= LEADER_AFTER:
        if leader is not None:
            leader.hide()
        return
    if leader is None:
        leader = item.leader = QGraphicsLineItem()
        leader.setPen(QPen(QColor(TEXT), 1.0, Qt.PenStyle.DotLine))
        leader.setZValue(Z_BLANK - 2)
        leader.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        scene.addItem(leader)
    leader.setLine(QLineF(start, target))
    leader.show()


def arrange(scene, graph, items) -> None:
    """Place every item (blanks and given values, with their anchors), nodes kept clear."""
    space = label_space(scene)
    register_nodes(space, scene)
    for item, _anchor in items:
        space.remove(item)
    for item, anchor in items:
        place(item, space, spots(scene, graph, anchor, item))
        tether(scene, item, anchor_points(scene, anchor[0]))
