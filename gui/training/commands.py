"""The undo step that puts trained parameters into the graph.

Training never edits the graph while it runs; when it pauses or finishes, the trained tensors go
in through one ``TrainParams`` command, so Ctrl+Z brings back the parameters from before training.
Consecutive training commands of the same session merge (Qt's ``id()`` / ``mergeWith()``), so
Train, Pause, Resume, Step … stays one undo step: "Train 1,500 steps".
"""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from backprop_studio.engine import ComputationGraph

MERGE_ID = 0x7472          # "tr"


def _copy(value):
    return value.copy() if hasattr(value, "copy") else value


class TrainParams(QUndoCommand):
    """Set many tensors at once; undo puts the earlier ones back."""

    def __init__(self, graph: ComputationGraph, after: dict, steps: int, session: int,
                 text: str | None = None) -> None:
        super().__init__()
        self.graph = graph
        self.before = {key: _copy(graph.node(key[0])["tensors"][key[1]]) for key in after}
        self.after = {key: _copy(value) for key, value in after.items()}
        self.steps = steps
        self.session = session
        self._fixed_text = text
        self._retitle()

    def _retitle(self) -> None:
        self.setText(self._fixed_text or f"Train {self.steps:,} step{'s' * (self.steps != 1)}")

    def redo(self) -> None:
        self.graph.set_tensors(self.after)

    def undo(self) -> None:
        self.graph.set_tensors(self.before)

    def id(self) -> int:
        return -1 if self._fixed_text else MERGE_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, TrainParams) or other.session != self.session \
                or other.graph is not self.graph or set(other.after) != set(self.after):
            return False
        self.after = other.after
        self.steps += other.steps
        self._retitle()
        return True
