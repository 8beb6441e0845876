"""The presenter's explanation strip: the active step's title and chain rule (the Animation
dock's text, engine/explain.py) in type a projector shows from the back of a room."""

from __future__ import annotations

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout

from backprop_studio.engine import explain

TITLE_PX = 36
BODY_PX = 28
HINT = "PageDown / → next step · PageUp / ← back · B blank · Esc leave"


class PresenterCaption(QFrame):
    def __init__(self, parent) -> None:
        super().__init__(parent)
        self.setObjectName("presenter_caption")
        self.setStyleSheet("#presenter_caption { background: #263238; }"
                           "QLabel { color: #eceff1; }")
        box = QVBoxLayout(self)
        box.setContentsMargins(28, 14, 28, 14)
        self.title, self.body = QLabel(self), QLabel(self)
        for label, px, bold in ((self.title, TITLE_PX, True), (self.body, BODY_PX, False)):
            font = QFont()
            font.setPixelSize(px)
            font.setBold(bold)
            label.setFont(font)
            label.setWordWrap(True)
            box.addWidget(label)
        box.addStretch(1)

    def show_step(self, timeline, active) -> None:
        if timeline is None:
            self.title.setText("Nothing to present yet")
            self.body.setText("Run the graph (Ctrl+R), then step with PageDown.")
        elif active is None:
            self.title.setText("Start: nothing computed yet")
            self.body.setText(HINT)
        else:
            graph, result = timeline.graph, timeline.result
            self.title.setText(explain.title(graph, result, active.subject))
            self.body.setText(explain.explain_step(graph, result, active.subject))
