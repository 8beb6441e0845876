"""The Exercise menu: New from This Graph and Remove for the teacher; Check, the hints and
Reveal for the student (enabled as the open graph's exercise allows)."""

from __future__ import annotations

from PySide6.QtGui import QAction

ITEMS = (
    ("new", "&New from This Graph…", "new_exercise",
     "Choose the blanks, the random values and the tolerance of an exercise"),
    ("remove", "Re&move the Exercise", "remove_exercise", "Make this an ordinary graph again"),
    None,
    ("check", "&Check Answers", "check", "Mark every filled blank right (✓) or wrong (✗)"),
    ("hint_reveal", "Hint: &Reveal This Blank", ("hint", "reveal"),
     "Shows the answer of the current blank (it scores no point)"),
    ("hint_formula", "Hint: Show the Local &Formula", ("hint", "formula"),
     "Shows the formula of the local gradient (the blank scores no point)"),
    None,
    ("reveal", "Reveal &Answers", "reveal",
     "Show every answer and unlock Run and the animation (recorded in the file)"),
)


def build_menu(mode):
    """Add the menu to the window's menu bar; return it and its actions by name."""
    menu = mode.window.menuBar().addMenu("E&xercise")
    actions = {}
    for entry in ITEMS:
        if entry is None:
            menu.addSeparator()
            continue
        name, text, slot, tip = entry
        act = QAction(text, mode)
        act.setStatusTip(tip)
        if isinstance(slot, tuple):
            act.triggered.connect(lambda _=False, s=slot: getattr(mode, s[0])(s[1]))
        else:
            act.triggered.connect(lambda _=False, s=slot: getattr(mode, s)())
        menu.addAction(act)
        actions[name] = act
    actions["check"].setShortcut("Ctrl+Return")
    return menu, actions


def update_actions(mode) -> None:
    ex = mode.exercise
    on = ex is not None
    actions = mode.actions
    actions["remove"].setEnabled(on)
    for name in ("check", "reveal"):
        actions[name].setEnabled(on and not ex.revealed)
    hints = on and ex.hints and not ex.revealed
    for name in ("hint_reveal", "hint_formula"):
        actions[name].setEnabled(hints)
    mode.panel.update_buttons(on, hints, on and ex.revealed)
