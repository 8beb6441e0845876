"""Hints and Reveal: a hint shows one blank's answer or its local gradient's formula and is
recorded (it costs that blank's point); Reveal shows every answer, unlocks Run and the
animation, and is recorded in the file."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from backprop_studio.engine.exercise import answers


def hint(mode, kind: str) -> None:
    ex = mode.exercise
    item = mode.current
    if not mode.active or ex is None or not ex.hints or ex.revealed:
        return
    if item is None:
        mode.window.show_message("Click a blank first, then ask for its hint")
        return
    graph = mode.window.graph
    if (item.field, kind) not in ex.hints_used:
        ex.hints_used.append((item.field, kind))
    mode.record(ex)
    if kind == "formula":
        text = answers.formula(graph, item.field)
        mode.panel.show_hint(f"{answers.describe(graph, item.field)}: {text}")
        item.setToolTip(f"{answers.describe(graph, item.field)} — hint: {text}")
    mode.refresh_texts()
    if kind == "reveal":
        mode.marks.pop(item.field, None)       # no longer wrong: the hint filled it
        mode.panel.drop_found(mode.blanks.index(item))
        mode.panel.show_hint(f"{answers.describe(graph, item.field)} = "
                             f"{item.toPlainText()} (a hint: this blank scores no point)")
        mode.leave(item, +1)


CONFIRM = ("Reveal all answers? This is recorded in the file and cannot be undone: your "
           "teacher will see that the answers were revealed.")


def confirm_reveal(parent) -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, "Reveal answers", CONFIRM,
                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, parent)
    box.button(QMessageBox.StandardButton.Yes).setText("Reveal")
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    return box.exec() == QMessageBox.StandardButton.Yes


def reveal(mode) -> None:
    ex = mode.exercise
    if not mode.active or ex is None or ex.revealed:
        return
    if not confirm_reveal(mode.window):
        return
    if mode.current is not None:
        mode.commit(mode.current)
        ex = mode.exercise
    ex.revealed = True
    mode.record(ex)
    show_revealed(mode)
    mode.set_locked(False)
    mode.refresh_actions()
    mode.window.show_message("Answers revealed (recorded in the file); Run and the "
                             "animation are unlocked")


def show_revealed(mode) -> None:
    right = answers.expected(mode.window.graph, [b.field for b in mode.blanks],
                             mode.result)
    graph = mode.window.graph
    for item in mode.blanks:
        mine = item.toPlainText()
        item.set_text(answers.show(right[item.field]))
        item.set_status("revealed", f"{answers.describe(graph, item.field)} = "
                                    f"{answers.show(right[item.field])}"
                                    + (f" (you wrote {mine})" if mine else ""))
    mode.panel.show_hint("Answers revealed: each blank shows the engine's answer.")
