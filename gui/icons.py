"""Op icons drawn at run time from the registry (the op's symbol on its category colour), so a
new op gets an icon without anyone drawing one."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap

from backprop_studio.engine.resources import resource
from backprop_studio.gui import theme

SIZE = QSize(22, 22)


@cache
def _pixmap(symbol: str, color: str, size: int) -> QPixmap:
    pm = QPixmap(size, size)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(color))
    p.drawRoundedRect(QRectF(1, 1, size - 2, size - 2), size * 0.22, size * 0.22)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(int(size * (0.62 if len(symbol) <= 2 else 0.42 if len(symbol) <= 3
                                  else 0.34)))
    p.setFont(font)
    p.setPen(QColor("white"))
    p.drawText(QRectF(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, symbol)
    p.end()
    return pm


def op_icon(spec) -> QIcon:
    color = theme.category_color(spec.category).name()
    icon = QIcon()
    for size in (22, 44):
        icon.addPixmap(_pixmap(spec.symbol, color, size))
    return icon


def app_icon() -> QIcon:
    """The window's icon: resources/icons/backprop-studio.png (drawn by draw_icon.py), shipped
    as package data."""
    return QIcon(str(resource("icons", "backprop-studio.png")))
