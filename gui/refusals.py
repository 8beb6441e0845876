"""The one guard every load goes through (Open, Open Recent, ``python main.py FILE``, a dropped
file, Paste, crash recovery): whatever the attempt raises becomes a message a person can read,
shown in a box and the status bar, and the caller gets ``None`` and keeps the document it had.

The engine refuses bad input with GraphError; anything else that escapes a load (an OSError, a
MemoryError on a huge document, a RecursionError on a deeply nested one, a bug) is still caught
here, so the window never crashes and never shows a traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from backprop_studio.engine import GraphError

T = TypeVar("T")
MESSAGE_MAX = 400           # a refused document is never echoed back whole


def reason(exc: BaseException) -> str:
    """What went wrong, in one short line."""
    if isinstance(exc, GraphError):
        text = str(exc)
    elif isinstance(exc, MemoryError):
        text = "it is too large to load into memory"
    elif isinstance(exc, RecursionError):
        text = "it is nested too deeply to read"
    elif isinstance(exc, UnicodeError):
        text = "it is not UTF-8 text"
    elif isinstance(exc, OSError):
        text = f"cannot read it ({exc.strerror or exc})"
    elif isinstance(exc, ValueError):
        text = str(exc) or "it holds a value that is not allowed"
    else:
        text = f"unexpected {type(exc).__name__}: {exc}"
    return short(text)


def short(text: str, limit: int = MESSAGE_MAX) -> str:
    """One line, at most ``limit`` characters, control characters made visible."""
    text = " ".join(text.split())
    text = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def guarded(window, title: str, attempt: Callable[[], T], box: bool = True) -> T | None:
    """Run ``attempt``; on any exception show ``title`` and the reason and return None
    (``window.show_refusal``: the status bar, and a message box unless ``box`` is False)."""
    try:
        return attempt()
    except Exception as exc:          # noqa: BLE001 - every refusal is shown, none escapes
        window.show_refusal(title, reason(exc), box=box)
        return None


class RefusalBox:
    """One warning box per window, reused: a second refusal replaces the first one's text
    instead of stacking boxes. Shown window-modal without blocking (``open``), so an edit or a
    test script goes on while it is up. Plain text: a refused label is never read as HTML."""

    def __init__(self, parent) -> None:
        self.parent = parent
        self.box: QMessageBox | None = None
        self.shown = 0                      # how many refusals were shown (tests count them)

    def show(self, title: str, text: str) -> QMessageBox:
        if self.box is None:
            self.box = QMessageBox(QMessageBox.Icon.Warning, title, "",
                                   QMessageBox.StandardButton.Ok, self.parent)
            self.box.setTextFormat(Qt.TextFormat.PlainText)
            self.box.setWindowModality(Qt.WindowModality.WindowModal)
        self.box.setWindowTitle(title)
        self.box.setText(f"{title}\n\n{text}")
        self.shown += 1
        if not self.box.isVisible():
            self.box.open()
        return self.box
