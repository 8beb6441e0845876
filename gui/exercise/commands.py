"""The undo step that changes the exercise block: an answer typed, a new exercise, its removal.
Going through the undo stack marks the document modified, so autosave and Save apply to answers
as to any edit.

Hints and Reveal are not undo steps (Ctrl+Z would hand the student the answer for free): they
are written straight into the block (``record``), and every later write of the block, an undo
or redo of an answer among them, keeps what was recorded."""

from __future__ import annotations

from backprop_studio.gui.commands import _SetAttribute

SAME_EXERCISE = ("fields", "passes", "random", "student", "seal")


class SetExercise(_SetAttribute):
    def __init__(self, graph, block: dict | None, text: str) -> None:
        super().__init__(graph, text, block)

    def read(self):
        return self.graph.nx.graph.get("exercise")

    def write(self, value) -> None:
        if value is None:
            self.graph.nx.graph.pop("exercise", None)
            self.graph._emit("graph_changed", what="exercise")
        else:
            self.graph.set_graph_attr("exercise", keep_record(self.read(), value))


def keep_record(current: dict | None, block: dict) -> dict:
    """``block`` with the hints taken and Reveal of ``current`` kept (they never go away), when
    both are the same exercise (a new exercise made over this one starts afresh)."""
    if not current or any(block.get(k) != current.get(k) for k in SAME_EXERCISE):
        return block
    used = list(block.get("hints_used", []))
    used += [h for h in current.get("hints_used", []) if h not in used]
    return {**block, "hints_used": used,
            "revealed": bool(block.get("revealed")) or bool(current.get("revealed"))}


def record(window, block: dict) -> None:
    """Write a hint or Reveal into the block outside the undo history; the document is marked
    modified so autosave and Save keep it."""
    window.graph.set_graph_attr("exercise", keep_record(window.graph.nx.graph.get("exercise"),
                                                        block))
    window.files.note_unrecorded_edit()
