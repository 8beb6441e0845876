"""The undo step that changes the exercise block: an answer typed, a hint taken, Reveal. Going
through the undo stack marks the document modified, so autosave and Save apply to answers as
to any edit."""

from __future__ import annotations

from backprop_studio.gui.commands import _SetAttribute


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
            self.graph.set_graph_attr("exercise", value)
