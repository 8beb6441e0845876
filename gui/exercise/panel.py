"""The Exercise dock: progress, Check, the hints, Reveal, and what Check found (each wrong
blank with its mistake named; a click on one goes to that blank)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from backprop_studio.engine.exercise.answers import describe


class ExercisePanel(QWidget):
    def __init__(self, mode) -> None:
        super().__init__()
        self.mode = mode
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.progress = QLabel()
        self.progress.setObjectName("exercise_progress")
        self.check_button = QPushButton("✓ Check")
        self.check_button.setToolTip("Mark every filled blank right (✓) or wrong (✗)  "
                                     "Ctrl+Enter")
        self.hint_button = QPushButton("Hint: reveal this blank")
        self.formula_button = QPushButton("Hint: local formula")
        self.reveal_button = QPushButton("Reveal answers")
        self.check_button.clicked.connect(mode.check)
        self.hint_button.clicked.connect(lambda: mode.hint("reveal"))
        self.formula_button.clicked.connect(lambda: mode.hint("formula"))
        self.reveal_button.clicked.connect(mode.reveal)
        for b in (self.check_button, self.hint_button, self.formula_button,
                  self.reveal_button):
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)     # the blank keeps the keyboard
        self.current = QLabel()
        self.current.setTextFormat(Qt.TextFormat.PlainText)
        self.current.setWordWrap(True)
        self.hint = QLabel()
        self.hint.setTextFormat(Qt.TextFormat.PlainText)
        self.hint.setWordWrap(True)
        self.found = QListWidget()
        self.found.setMaximumHeight(96)                   # the canvas keeps the room
        self.found.itemActivated.connect(self._go)
        self.found.itemClicked.connect(self._go)
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(self.progress)
        buttons = QHBoxLayout()
        for b in (self.check_button, self.hint_button, self.formula_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.reveal_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(3)
        layout.addLayout(top)
        layout.addLayout(buttons)
        layout.addWidget(self.current)
        layout.addWidget(self.hint)
        layout.addWidget(self.found)
        layout.addStretch(1)

    def update_buttons(self, on: bool, hints: bool, revealed: bool) -> None:
        self.check_button.setEnabled(on and not revealed)
        self.reveal_button.setEnabled(on and not revealed)
        for b in (self.hint_button, self.formula_button):
            b.setEnabled(hints)
            b.setVisible(hints or not on)

    def set_title(self, title: str, student: str | None) -> None:
        self.title.setText(f"{title} — {student}" if student else title)

    def clear(self) -> None:
        for label in (self.title, self.progress, self.current, self.hint):
            label.clear()
        self.found.clear()

    def show_progress(self, filled: int, total: int) -> None:
        self.progress.setText(f"{filled} / {total} answered")

    def show_current(self, item, feedback: str) -> None:
        text = describe(self.mode.window.graph, item.field)
        self.current.setText(f"{text}: ✗ {feedback}" if feedback else f"Now: {text}")

    def show_hint(self, text: str) -> None:
        self.hint.setText(text)

    def show_check(self, result, wrong: int, wrong_items, graph) -> None:
        self.found.clear()
        self._counts = [result.score, wrong, result.filled, result.maximum]
        head = QListWidgetItem(self._head())
        head.setFlags(Qt.ItemFlag.ItemIsEnabled)
        self.found.addItem(head)
        for item, mark in wrong_items:
            row = QListWidgetItem(f"✗ {describe(graph, item.field)}: {mark.why}")
            row.setData(Qt.ItemDataRole.UserRole, self.mode.blanks.index(item))
            row.setToolTip(mark.why)
            self.found.addItem(row)

    def drop_found(self, index: int) -> None:
        """Take the row of blank ``index`` out of what Check found (a hint answered it)."""
        for i in reversed(range(self.found.count())):
            if self.found.item(i).data(Qt.ItemDataRole.UserRole) == index:
                self.found.takeItem(i)
                self._counts[1] -= 1
                self.found.item(0).setText(self._head())

    def _head(self) -> str:
        score, wrong, filled, maximum = self._counts
        return f"Checked: ✓ {score} right, ✗ {wrong} wrong, {filled} / {maximum} answered"

    def _go(self, row: QListWidgetItem) -> None:
        index = row.data(Qt.ItemDataRole.UserRole)
        if index is not None and 0 <= index < len(self.mode.blanks):
            self.mode.focus(self.mode.blanks[index])
