"""The readability rule of the canvas: every number is painted at least MIN_TEXT_PX tall.

The fonts that paint numbers register here; ``readable_zoom`` is the smallest view scale at
which all of them reach MIN_TEXT_PX (font height × view scale), which Fit never goes below.
"""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontMetricsF

MIN_TEXT_PX = 11.0
_NUMBER_FONTS: list[QFont] = []


def number_font(font: QFont) -> QFont:
    """Register a font that paints values or gradients; returns it."""
    _NUMBER_FONTS.append(font)
    return font


def text_height(font: QFont, scale: float = 1.0) -> float:
    """The painted height of ``font`` in device pixels at view scale ``scale``."""
    return QFontMetricsF(font).height() * scale


def readable_zoom() -> float:
    """The smallest zoom at which every registered number font is MIN_TEXT_PX tall."""
    heights = [text_height(f) for f in _NUMBER_FONTS] or [MIN_TEXT_PX]
    return MIN_TEXT_PX / min(heights) * 1.001
