"""User text (labels, file names, column names, messages quoting them) shown as the characters
typed, never as HTML: Qt guesses that a string with tags is rich text, so a label such as
``<b>x</b><img src=…>`` would be drawn bold, or fetch an image. Labels get PlainText, and text
put into rich-text places (tooltips, pyqtgraph's legends and axes) is escaped first."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt


def escaped(text) -> str:
    """``text`` with &, < and > as entities, for a place that reads HTML."""
    return html.escape(str(text), quote=False)


def tooltip(text: str) -> str:
    """A tooltip that shows ``text`` exactly: marked as rich text, so Qt does not guess, and
    escaped, so nothing in it is read as a tag."""
    return f"<p style='white-space:pre-wrap'>{escaped(text)}</p>"


def plain(label):
    """Make a QLabel (or QMessageBox) show its text as typed; returns it."""
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label
