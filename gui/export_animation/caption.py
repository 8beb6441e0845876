"""The caption strip under each frame: the step's title and explanation (the Animation dock's
text, from engine/explain.py) and where the step is, in type sized to the frame."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter

STRIP_BG = QColor("#263238")
TITLE = QColor("#ffffff")
BODY = QColor("#eceff1")
NOTE = QColor("#b0bec5")
STRIP_FRACTION = 0.24         # of the frame's height


def strip_height(height: int) -> int:
    return max(56, round(height * STRIP_FRACTION))


def paint(painter: QPainter, rect: QRectF, title: str, body: str, where: str) -> None:
    """Fill ``rect`` with the strip: a bold title line, the explanation wrapped below it, and
    ``where`` ("step 4 / 15 · backward") at the right of the title line."""
    painter.fillRect(rect, STRIP_BG)
    pad = max(6.0, rect.height() * 0.08)
    line = max(9.0, rect.height() * 0.17)
    inner = rect.adjusted(pad, pad * 0.7, -pad, -pad * 0.5)
    head = QFont()
    head.setPixelSize(round(line))
    head.setBold(True)
    small = QFont(head)
    small.setBold(False)
    small.setPixelSize(round(line * 0.8))
    painter.setFont(small)
    painter.setPen(NOTE)
    painter.drawText(inner, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop, where)
    note_w = painter.fontMetrics().horizontalAdvance(where) + pad
    painter.setFont(head)
    painter.setPen(TITLE)
    title_rect = QRectF(inner.left(), inner.top(), inner.width() - note_w, line * 1.3)
    painter.drawText(title_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                     painter.fontMetrics().elidedText(title, Qt.TextElideMode.ElideRight,
                                                      int(title_rect.width())))
    body_rect = QRectF(inner.left(), inner.top() + line * 1.45, inner.width(),
                       inner.bottom() - inner.top() - line * 1.45)
    text = "\n".join(part.strip() for part in body.splitlines() if part.strip())
    flags = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap)
    body_font = QFont(small)
    px = round(line * 0.85)
    while True:                       # smaller type for a long explanation, down to 55 %
        body_font.setPixelSize(px)
        painter.setFont(body_font)
        needed = painter.fontMetrics().boundingRect(body_rect.toRect(), flags, text).height()
        if needed <= body_rect.height() or px <= max(7, round(line * 0.85 * 0.55)):
            break
        px -= 1
    painter.setPen(BODY)
    painter.drawText(body_rect, flags, text)
