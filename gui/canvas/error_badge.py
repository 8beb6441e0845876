"""An error shown at its node: a box under the node with the engine's reason in words
("log needs x > 0; its input is −2"), drawn at a fixed screen size so it is readable at any
zoom. The scene adds one when Run fails (``GraphScene.show_error``) and removes it when the
error is gone (any edit of the maths, undo included, or a successful run); a refused
connection shows one for a few seconds."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem

WIDTH = 260                 # pixels the text wraps at
PAD = 6
POINT_SIZE = 9.5            # at 96 dpi about 13 px: readable however far the canvas is zoomed
GAP = 8                     # scene units between the node and its badge
REFUSAL_MS = 8000           # how long a refused connection's badge stays


class ErrorBadge(QGraphicsItem):
    def __init__(self, node_item, text: str, colour: QColor) -> None:
        super().__init__()
        self.text = text
        self.colour = QColor(colour)
        self.font = QFont()
        self.font.setPointSizeF(POINT_SIZE)
        metrics = QFontMetricsF(self.font)
        flags = int(Qt.TextFlag.TextWordWrap)
        box = metrics.boundingRect(QRectF(0, 0, WIDTH, 10_000), flags, f"⚠ {text}")
        self._text_rect = QRectF(PAD, PAD, box.width() + 1, box.height())
        self._rect = QRectF(0, 0, box.width() + 2 * PAD + 1, box.height() + 2 * PAD)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setZValue(50)
        self.setParentItem(node_item)
        self.setPos(0, node_item.boundingRect().bottom() + GAP)

    def text_height_px(self) -> float:
        """The painted text's line height in pixels (the badge ignores the view's zoom)."""
        return QFontMetricsF(self.font).height()

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-1, -1, 1, 1)

    def paint(self, painter: QPainter, _option, _widget=None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(self.colour, 1.5))
        painter.setBrush(QColor(255, 247, 246))
        painter.drawRoundedRect(self._rect, 4, 4)
        painter.setFont(self.font)
        painter.setPen(QColor("#5f1410"))
        painter.drawText(self._text_rect, int(Qt.TextFlag.TextWordWrap), f"⚠ {self.text}")


def attach(node_item, text: str, colour: QColor, lasting_ms: int | None = None) -> ErrorBadge:
    """Put a badge under ``node_item`` (replacing its previous one)."""
    detach(node_item)
    badge = ErrorBadge(node_item, text, colour)
    node_item.error_badge = badge
    node_item.setZValue(max(node_item.zValue(), 25))       # above its neighbours and labels
    if lasting_ms:
        QTimer.singleShot(lasting_ms, lambda: _expire(node_item, badge))
    return badge


def detach(node_item) -> None:
    badge = getattr(node_item, "error_badge", None)
    if badge is None:
        return
    node_item.error_badge = None
    if badge.scene() is not None:
        badge.scene().removeItem(badge)
    node_item.setZValue(0)


def _expire(node_item, badge) -> None:
    import shiboken6
    if shiboken6.isValid(node_item) and getattr(node_item, "error_badge", None) is badge:
        detach(node_item)
