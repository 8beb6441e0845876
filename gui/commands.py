"""One QUndoCommand per user edit. Each changes the engine graph only through its methods; the
canvas follows the graph's events, so a command never touches a graphics item.

A command that removes something re-adds it on undo and then restores the graph's recorded node
and edge order (``ComputationGraph.reorder``), so the saved JSON after an undo equals the one
before, byte for byte. A command whose first redo is refused by the engine marks itself obsolete
(Qt then drops it from the stack) and ``push`` re-raises the engine's GraphError to the caller.
"""

from __future__ import annotations

import copy
from contextlib import contextmanager

from PySide6.QtGui import QUndoCommand, QUndoStack

from backprop_studio.engine import ComputationGraph, GraphError, shapes


def push(stack: QUndoStack, command: GraphCommand) -> GraphCommand:
    """Push ``command``; raise its GraphError if the engine refused it (nothing is recorded)."""
    stack.push(command)
    if command.error is not None:
        raise command.error
    return command


@contextmanager
def macro(stack: QUndoStack, text: str):
    """Several commands as one undo step (delete a selection, paste, layout…), all or nothing:
    if the body raises (a refusal half-way through a paste), the steps it made are undone, the
    step is dropped from the history, and the exception goes on to the caller."""
    stack.beginMacro(text)
    try:
        yield
    except BaseException:
        stack.endMacro()
        drop_last(stack)
        raise
    stack.endMacro()


def drop_last(stack: QUndoStack) -> None:
    """Undo the newest step and remove it from the history (no redo brings it back). Qt drops
    a command that is obsolete when redo is asked of it, without running it."""
    if not stack.canUndo():
        return
    stack.undo()
    stack.command(stack.index()).setObsolete(True)
    stack.redo()


class GraphCommand(QUndoCommand):
    removes = False        # whether undo must restore the recorded node/edge order

    def __init__(self, graph: ComputationGraph, text: str) -> None:
        super().__init__(text)
        self.graph = graph
        self.error: GraphError | None = None
        self._order = None

    def redo(self) -> None:
        if self.removes and self._order is None:
            self._order = (self.graph.nodes, self.graph.edges())
        try:
            self.do()
        except GraphError as exc:
            self.error = exc
            self.setObsolete(True)
        except (ValueError, TypeError, OverflowError, MemoryError) as exc:
            self.error = GraphError(str(exc) or type(exc).__name__)
            self.setObsolete(True)

    def undo(self) -> None:
        self.undo_edit()
        if self._order is not None:
            self.graph.reorder(*self._order)

    def do(self) -> None:                     # pragma: no cover - abstract
        raise NotImplementedError

    def undo_edit(self) -> None:              # pragma: no cover - abstract
        raise NotImplementedError


class AddNode(GraphCommand):
    def __init__(self, graph, op: str, pos, label=None, config=None, tensors=None,
                 node_id=None) -> None:
        super().__init__(graph, f"Add {label or op}")
        self.args = dict(op=op, label=label, pos=tuple(pos), config=config, tensors=tensors)
        self.node = node_id

    def do(self) -> None:
        self.node = self.graph.add_node(node_id=self.node, **self.args)

    def undo_edit(self) -> None:
        self.graph.remove_node(self.node)


class RemoveNode(GraphCommand):
    removes = True

    def __init__(self, graph, node: str) -> None:
        super().__init__(graph, f"Delete {graph.label(node)}")
        self.node = node

    def do(self) -> None:
        g = self.graph
        data = g.node(self.node)
        self.data = copy.deepcopy({k: data[k] for k in ("op", "label", "pos", "config",
                                                          "tensors")})
        self.in_edges = [(s, self.node, p) for p, s in g.inputs_of(self.node).items()]
        self.out_edges = [(self.node, t, p) for t, p in g.consumers_of(self.node)]
        self.was_output = g.nx.graph.get("output") == self.node
        g.remove_node(self.node)

    def undo_edit(self) -> None:
        d = self.data
        self.graph.add_node(d["op"], d["label"], d["pos"], node_id=self.node,
                            config=d["config"], tensors=copy.deepcopy(d["tensors"]))
        for source, target, port in self.in_edges + self.out_edges:
            self.graph.connect(source, target, port)
        if self.was_output:
            self.graph.set_output(self.node)


class Connect(GraphCommand):
    removes = True    # connecting never removes, but undoing it must not disturb edge order

    def __init__(self, graph, source: str, target: str, port: str) -> None:
        super().__init__(graph, f"Connect {graph.label(source)} → {graph.label(target)}.{port}")
        self.edge = (source, target, port)
        self._checked = False

    def do(self) -> None:
        if not self._checked:              # the first time: shapes that cannot meet are
            self.graph.check_connect(*self.edge)          # refused (a redo replays as it was)
            shapes.check_edge(self.graph, *self.edge)
            self._checked = True
        self.graph.connect(*self.edge)

    def undo_edit(self) -> None:
        self.graph.disconnect(self.edge[1], self.edge[2])


class Disconnect(GraphCommand):
    removes = True

    def __init__(self, graph, target: str, port: str) -> None:
        source = graph.source_of(target, port)
        super().__init__(graph, f"Disconnect {graph.label(source) if source else '?'} → "
                                f"{graph.label(target)}.{port}")
        self.target, self.port, self.source = target, port, source

    def do(self) -> None:
        self.source = self.graph.disconnect(self.target, self.port)

    def undo_edit(self) -> None:
        self.graph.connect(self.source, self.target, self.port)


class MoveNodes(GraphCommand):
    """A whole drag (or a layout) as one step: {node: (old pos, new pos)}."""

    def __init__(self, graph, moves: dict, text: str | None = None) -> None:
        n = len(moves)
        super().__init__(graph, text or (f"Move {graph.label(next(iter(moves)))}" if n == 1
                                         else f"Move {n} nodes"))
        self.moves = {k: (tuple(a), tuple(b)) for k, (a, b) in moves.items()}

    def do(self) -> None:
        for node, (_, new) in self.moves.items():
            self.graph.set_position(node, new)

    def undo_edit(self) -> None:
        for node, (old, _) in self.moves.items():
            self.graph.set_position(node, old)


class _SetAttribute(GraphCommand):
    """Shared shape of rename, setting, tensor and output edits: remember the old, set the new."""

    def __init__(self, graph, text: str, new) -> None:
        super().__init__(graph, text)
        self.new = copy.deepcopy(new)
        self.old = None

    def do(self) -> None:
        self.old = copy.deepcopy(self.read())
        self.write(copy.deepcopy(self.new))

    def undo_edit(self) -> None:
        self.write(copy.deepcopy(self.old))


class SetLabel(_SetAttribute):
    def __init__(self, graph, node: str, label: str) -> None:
        super().__init__(graph, f"Rename {graph.label(node)} to {label}", label)
        self.node = node

    def read(self):
        return self.graph.node(self.node)["label"]

    def write(self, value) -> None:
        self.graph.set_label(self.node, value)


class SetConfig(_SetAttribute):
    def __init__(self, graph, node: str, key: str, value) -> None:
        super().__init__(graph, f"Set {graph.label(node)}.{key} = {value}", value)
        self.node, self.key = node, key

    def read(self):
        return self.graph.node(self.node)["config"].get(self.key)

    def write(self, value) -> None:
        self.graph.set_config(self.node, self.key, value)

    def do(self) -> None:
        # a setting that resizes W and b re-seeds them: keep what they were, for the undo
        self.tensors = copy.deepcopy(self.graph.node(self.node)["tensors"])
        super().do()

    def undo_edit(self) -> None:
        super().undo_edit()
        for name, value in self.tensors.items():
            self.graph.set_tensor(self.node, name, copy.deepcopy(value), check_shape=False)


class SetTensor(_SetAttribute):
    def __init__(self, graph, node: str, name: str, value) -> None:
        super().__init__(graph, f"Edit {graph.label(node)}.{name}", value)
        self.node, self.name = node, name

    def read(self):
        return self.graph.node(self.node)["tensors"][self.name]

    def write(self, value) -> None:
        self.graph.set_tensor(self.node, self.name, value)

    def undo_edit(self) -> None:
        # the value from before: in a reshape macro it goes back before the settings do
        self.graph.set_tensor(self.node, self.name, copy.deepcopy(self.old), check_shape=False)


class SetOutput(_SetAttribute):
    def __init__(self, graph, node: str | None) -> None:
        super().__init__(graph, f"Make {graph.label(node)} the output" if node
                         else "Clear the chosen output", node)

    def read(self):
        return self.graph.nx.graph.get("output")

    def write(self, value) -> None:
        self.graph.set_output(value)
