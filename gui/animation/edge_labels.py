"""Text on the canvas: an edge's value (green, above) and gradient (red, below), the active
edge's upstream × local = product, and badges on nodes (Σ of contributions, ∂L/∂W and ∂L/∂b).

Each label is one small item that paints a few rows of text on a translucent card, so it stays
readable over edges and the grid at 100% zoom. Labels take no mouse clicks: the edge or node
underneath still gets selected.
"""

from __future__ import annotations

from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem

from backprop_studio.engine.numbers import format_tensor
from backprop_studio.gui import theme
from backprop_studio.gui.animation.placement import ring
from backprop_studio.gui.canvas.node_item import LOD_TEXT, PaintedText
from backprop_studio.gui.canvas.readable import number_font

Z_LABEL = 20.0
EDGE_CHARS = 18         # the longest number text an edge label holds whole
PAD_X, PAD_Y, GAP = 5.0, 2.0, 3.0
CARD = QColor(255, 255, 255, 225)
TEXT = QColor("#333333")

FONT = number_font(QFont())
FONT.setPointSizeF(9.5)
BOLD = number_font(QFont(FONT))
BOLD.setBold(True)
SMALL = number_font(QFont(FONT))
SMALL.setPointSizeF(8.5)


def compact(x) -> str:
    """A value short enough for an edge: −4, [[0.14, −0.038]], or 2×2 ∈[−0.083, 0.12]."""
    return format_tensor(x, max_chars=EDGE_CHARS)


class Row:
    """One line of a card: text, colour role ("value", "grad" or "text"), font."""
    __slots__ = ("text", "role", "font")

    def __init__(self, text: str, role: str = "text", font: QFont = FONT) -> None:
        self.text, self.role, self.font = text, role, font


def _color(role: str) -> QColor:
    pal = theme.current()
    return {"value": pal.value, "grad": pal.grad, "ok": pal.value,
            "fail": pal.error}.get(role, TEXT)


class Card:
    """Rows laid out in a box; ``anchor`` says which point of the box sits at (0, 0)."""

    def __init__(self, rows: list[Row], anchor: str, border: str | None = None) -> None:
        self.rows, self.border = rows, border
        widths = [QFontMetricsF(r.font).horizontalAdvance(r.text) for r in rows]
        heights = [QFontMetricsF(r.font).height() for r in rows]
        w = (max(widths) if widths else 0) + 2 * PAD_X
        h = sum(heights) + 2 * PAD_Y
        x = {"above": -w / 2, "below": -w / 2, "right": 0.0, "left": -w}.get(anchor, -w / 2)
        y = {"above": -h - GAP, "below": GAP, "right": -h / 2, "left": -h / 2}.get(anchor, 0.0)
        self.rect = QRectF(x, y, w, h)
        self.heights = heights

    def moved(self, dx: float, dy: float) -> Card:
        self.rect.translate(dx, dy)
        return self

    def paint(self, painter: QPainter, stale: bool) -> None:
        if not self.rows:
            return
        painter.setPen(QPen(_color(self.border), 1.4) if self.border else Qt.PenStyle.NoPen)
        painter.setBrush(CARD)
        painter.drawRoundedRect(self.rect, 4, 4)
        y = self.rect.top() + PAD_Y
        for row, h in zip(self.rows, self.heights):
            c = QColor(_color(row.role))
            if stale:
                c.setAlpha(theme.STALE_ALPHA)
            painter.setPen(c)
            painter.setFont(row.font)
            painter.drawText(QRectF(self.rect.left() + PAD_X, y, self.rect.width() - 2 * PAD_X, h),
                             Qt.AlignmentFlag.AlignCenter, row.text)
            y += h


class CardItem(QGraphicsItem):
    """A stack of cards at one scene point (an edge midpoint, a node corner)."""

    def __init__(self) -> None:
        super().__init__()
        self.cards: list[Card] = []
        self.stale = False
        self._rect = self._cards_rect = QRectF()
        self.setZValue(Z_LABEL)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setAcceptHoverEvents(False)

    def set_cards(self, cards: list[Card]) -> None:
        self.prepareGeometryChange()
        self.cards = cards
        rect = QRectF()
        for card in cards:
            rect = rect.united(card.rect)
        self._rect = self._cards_rect = rect.adjusted(-2, -2, 2, 2)
        self.setVisible(bool(cards))
        self.update()

    def set_stale(self, stale: bool) -> None:
        if stale != self.stale:
            self.stale = stale
            self.update()

    def boundingRect(self) -> QRectF:
        return self._rect

    def painted_texts(self) -> list[PaintedText]:
        """Every row as painted: a card is as wide as its longest row, so none is cut."""
        return [PaintedText(row.role, row.text, row.text, row.font)
                for card in self.cards for row in card.rows]

    def card_rects(self) -> list[QRectF]:
        """The cards in scene coordinates (what covers the canvas)."""
        pos = self.scenePos()
        return [card.rect.translated(pos) for card in self.cards]

    def paint(self, painter: QPainter, option, widget=None) -> None:
        if option.levelOfDetailFromTransform(painter.worldTransform()) < LOD_TEXT:
            return                  # zoomed out on purpose: numbers go, as on the nodes
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        for card in self.cards:
            card.paint(painter, self.stale)


class EdgeLabel(CardItem):
    """An edge's value above its midpoint and, once the backward pass has passed, its gradient
    below; while the edge is the active step, upstream × local = product instead. Where the
    edge is too short for its labels (nodes close together), they rise above the nodes, with a
    dotted leader down to the edge."""

    LIFT_STEP, LIFT_MAX = 12.0, 16

    def __init__(self) -> None:
        super().__init__()
        self.content = None
        self.leader: QLineF | None = None
        self._rows = ([], [], [])

    def set_content(self, value_text: str | None, grad: tuple | None, names: tuple | None,
                    active: bool, blocked=None, detail_only: bool = False) -> None:
        """``grad`` = (upstream, local, product); ``names`` = (∂L/∂out, ∂out/∂in, source);
        ``blocked(scene_rect)`` says whether a spot would cover a node. ``detail_only``: just
        upstream × local = product (a folded leaf's rows show its value and gradient)."""
        content = (value_text, _key(grad), names, active, detail_only)
        if content == self.content:
            return
        self.content = content
        value = [Row(value_text, "value", BOLD)] if value_text is not None else []
        lower, detail = [], []
        if grad is not None:
            up, local, product = grad
            lower = [Row(compact(product), "grad", BOLD)]
            if active and names:
                detail = [Row(f"upstream {names[0]} = {compact(up)}", "grad", SMALL),
                          Row(f"× local {names[1]} = {compact(local)}", "text", SMALL),
                          Row(f"= {compact(product)}  → {names[2]}", "grad", BOLD)]
        if detail_only:
            value, lower = [], []
        self._rows = (value, lower, detail)
        self.arrange(blocked)

    def arrange(self, blocked=None) -> None:
        """Lay the cards out around the edge midpoint (the item's position), avoiding nodes."""
        value_rows, lower_rows, detail_rows = self._rows
        value = Card(value_rows, "above") if value_rows else None
        lower = Card(lower_rows, "below") if lower_rows else None
        self.leader = None
        here = self.pos()
        if blocked is not None and (value or lower):
            stack = [c for c in (value, lower) if c]
            if any(blocked(c.rect.translated(here)) for c in stack):
                self._lift(value, lower, blocked)
        cards = [c for c in (value, lower if not detail_rows else None) if c]
        if detail_rows:
            detail = Card(detail_rows, "below", border="grad")
            if blocked is not None:
                taken = [c.rect.translated(here) for c in cards]
                self._place(detail, lambda r: blocked(r) or any(r.intersects(t) for t in taken))
            cards.append(detail)
        self.set_cards(cards)

    def _lift(self, value, lower, blocked) -> None:
        """Stack value over gradient and move both, up or down, whichever clears the nodes
        (and other labels) sooner, preferring a spot whose leader line crosses no node's
        numbers; failing that, any spot that clears them."""
        here = self.pos()
        if value and lower:
            lower.moved(0, value.rect.bottom() - lower.rect.top())
        cards = [c for c in (value, lower) if c]
        top = min(c.rect.top() for c in cards)
        bottom = max(c.rect.bottom() for c in cards)
        up, down = -GAP - bottom, GAP - top

        def clear(dx: float, dy: float) -> bool:
            return not any(blocked(c.rect.translated(dx, dy).translated(here)) for c in cards)

        def leader_clear(line: QLineF) -> bool:
            # sampled along its length: a thin box at each sample, so only what it passes over
            steps = max(2, int(line.length() // 8))
            for i in range(1, steps):
                p = line.pointAt(i / steps) + here
                if blocked(QRectF(p.x() - 1, p.y() - 1, 2, 2)):
                    return False
            return True

        def vertical(dy: float) -> QLineF:
            end = bottom + dy if dy < 0 else top + dy
            return QLineF(QPointF(0, 0), QPointF(0, end))

        first = None                  # the first spot that clears, whatever its leader
        for k in range(self.LIFT_MAX + 1):
            for dy in (up - k * self.LIFT_STEP, down + k * self.LIFT_STEP):
                if clear(0, dy):
                    if leader_clear(vertical(dy)):
                        return self._move(cards, 0, dy, vertical(dy))
                    first = first or (0.0, dy, vertical(dy))
        for dx, dy in ring(14.0, 24):   # above and below are taken: the nearest free spot
            if clear(dx, up + dy):
                line = _leader_to(QRectF(cards[-1].rect).translated(dx, up + dy))
                if leader_clear(line):
                    return self._move(cards, dx, up + dy, line)
                first = first or (dx, up + dy, line)
        if first is not None:
            return self._move(cards, *first)
        for c in cards:               # nowhere free: keep them on the edge, stacked
            c.moved(0, up + GAP)

    def _move(self, cards, dx: float, dy: float, leader: QLineF) -> None:
        for c in cards:
            c.moved(dx, dy)
        self.leader = leader

    def _place(self, card, blocked) -> None:
        here = self.pos()
        w, h = card.rect.width(), card.rect.height()
        for dx, dy in ((0, 0), (-w / 2 - 12, 0), (w / 2 + 12, 0), (0, 30), (-w / 2 - 12, 30),
                       (w / 2 + 12, 30), (0, -h - 40), (-w - 16, 0), (w + 16, 0), (0, 70)):
            if not blocked(card.rect.translated(dx, dy).translated(here)):
                card.moved(dx, dy)
                if (dx or dy) and self.leader is None:
                    r = card.rect
                    end = QPointF(min(max(0.0, r.left()), r.right()),
                                  min(max(0.0, r.top()), r.bottom()))
                    self.leader = QLineF(QPointF(0, 0), end)
                return
        for dx, dy in ring(14.0, 24):
            if not blocked(card.rect.translated(dx, dy).translated(here)):
                card.moved(dx, dy)
                if self.leader is None:
                    self.leader = _leader_to(card.rect)
                return

    def set_cards(self, cards: list) -> None:
        super().set_cards(cards)
        if self.leader is not None:
            self._rect = self._rect.united(QRectF(self.leader.p1(), self.leader.p2())
                                           .normalized().adjusted(-2, -2, 2, 2))

    def paint(self, painter: QPainter, option, widget=None) -> None:
        if self.leader is not None:
            pen = QPen(QColor(TEXT), 1.0, Qt.PenStyle.DotLine)
            painter.setPen(pen)
            painter.drawLine(self.leader)
        super().paint(painter, option, widget)


class NodeBadge(CardItem):
    """Rows beside a node: the Σ of what its consumers hand back, a dense layer's ∂L/∂W and
    ∂L/∂b, or a gradient-check verdict; ``tether_to`` draws a dotted line back to what it
    describes when it had to be placed away from it."""

    TETHER_MIN = 8.0

    def tether_to(self, target) -> None:
        """A node item or a scene point: the line runs between the nearest points."""
        self.prepareGeometryChange()
        self.tether = None
        self._rect = QRectF(self._cards_rect)
        cards = self.card_rects()
        if not cards:
            return
        box = QRectF(cards[0])
        for r in cards[1:]:
            box = box.united(r)
        if isinstance(target, QPointF):
            goal = QRectF(target, target)
        else:
            goal = target.mapRectToScene(target.body_rect())
        a, b = _nearest(box, goal)
        if QLineF(a, b).length() > self.TETHER_MIN:
            self.tether = QLineF(self.mapFromScene(a), self.mapFromScene(b))
            self._rect = self._rect.united(QRectF(self.tether.p1(), self.tether.p2())
                                           .normalized().adjusted(-2, -2, 2, 2))

    def paint(self, painter: QPainter, option, widget=None) -> None:
        if getattr(self, "tether", None) is not None:
            painter.setPen(QPen(QColor(TEXT), 1.0, Qt.PenStyle.DotLine))
            painter.drawLine(self.tether)
        super().paint(painter, option, widget)

    def __init__(self, anchor: str = "above") -> None:
        super().__init__()
        self.anchor = anchor
        self.content = None

    def show_rows(self, rows: list[Row], border: str | None = None) -> None:
        content = tuple((r.text, r.role) for r in rows) + (border,)
        if content == self.content:
            return
        self.content = content
        self.tether = None
        self.set_cards([Card(rows, self.anchor, border)] if rows else [])


def _nearest(a: QRectF, b: QRectF) -> tuple[QPointF, QPointF]:
    """The closest pair of points of two rectangles (one on each)."""
    def span(lo1, hi1, lo2, hi2):
        if hi1 < lo2:
            return hi1, lo2
        if hi2 < lo1:
            return lo1, hi2
        mid = (max(lo1, lo2) + min(hi1, hi2)) / 2
        return mid, mid
    x1, x2 = span(a.left(), a.right(), b.left(), b.right())
    y1, y2 = span(a.top(), a.bottom(), b.top(), b.bottom())
    return QPointF(x1, y1), QPointF(x2, y2)


def _leader_to(r: QRectF) -> QLineF:
    """A dotted line from the edge midpoint (0, 0) to the nearest point of a moved card."""
    return QLineF(QPointF(0, 0), QPointF(min(max(0.0, r.left()), r.right()),
                                         min(max(0.0, r.top()), r.bottom())))


def _key(grad):
    """A hashable stand-in for (upstream, local, product), to skip repaints that change nothing."""
    if grad is None:
        return None
    return tuple(compact(g) for g in grad)
