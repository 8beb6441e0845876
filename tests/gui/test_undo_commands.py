"""Every command, undone, restores the graph JSON exactly (engine.fileformat.dumps), and redone,
gives exactly what the edit made; a random 1,000-step session with undo/redo never raises and
the canvas always mirrors the graph."""

from __future__ import annotations

import random

import numpy as np
import pytest
from editor_helpers import EXAMPLES, dumps
from PySide6.QtCore import QPointF

from backprop_studio.engine import GraphError
from backprop_studio.engine.ops import REGISTRY
from backprop_studio.gui import commands, edit_ops


def check_round_trip(window, edit, name_start: str | None = None) -> None:
    """Apply ``edit`` (one undo step); undo → the JSON before; redo → the JSON after."""
    before = dumps(window)
    index = window.undo_stack.index()
    edit()
    after = dumps(window)
    assert after != before
    assert window.undo_stack.index() == index + 1 == window.undo_stack.count()
    if name_start:
        assert window.undo_stack.undoText().startswith(name_start)
    window.undo_stack.undo()
    assert dumps(window) == before
    assert_mirrors(window)
    window.undo_stack.redo()
    assert dumps(window) == after
    assert_mirrors(window)
    window.undo_stack.undo()


def assert_mirrors(window) -> None:
    """The canvas shows exactly the graph: same nodes, edges and positions."""
    scene, graph = window.scene, window.graph
    assert sorted(i.node for i in scene.node_items()) == sorted(graph.nodes)
    assert sorted(e.key for e in scene.edge_items()) == sorted(graph.edges())
    for item in scene.node_items():
        assert [item.pos().x(), item.pos().y()] == graph.node(item.node)["pos"]
        assert item.label == graph.node(item.node)["label"]


@pytest.fixture
def xor(window):
    window.open_path(EXAMPLES / "xor_mlp.json")
    return window


def test_every_command_undoes_to_identical_json(xor):
    w, g, s = xor, xor.graph, xor.undo_stack
    push = lambda cmd: lambda: commands.push(s, cmd)               # noqa: E731
    check_round_trip(w, push(commands.AddNode(g, "relu", (10, 20))), "Add relu")
    check_round_trip(w, push(commands.RemoveNode(g, "dense_1")), f"Delete {g.label('dense_1')}")
    check_round_trip(w, push(commands.RemoveNode(g, "bce")),
                     f"Delete {g.label('bce')}")                  # the output
    check_round_trip(w, push(commands.RemoveNode(g, "x")))
    check_round_trip(w, push(commands.Disconnect(g, "dense_1", "x")), "Disconnect ")
    check_round_trip(w, push(commands.MoveNodes(g, {"x": (g.node("x")["pos"], (5.0, 7.0))})),
                     f"Move {g.label('x')}")
    check_round_trip(w, push(commands.SetLabel(g, "x", "inputs")),
                     f"Rename {g.label('x')} to inputs")
    check_round_trip(w, push(commands.SetConfig(g, "dense", "units", 3)))
    check_round_trip(w, push(commands.SetTensor(g, "dense", "b", [1.0, 2.0, 3.0, 4.0])),
                     f"Edit {g.label('dense')}.b")
    check_round_trip(w, push(commands.SetTensor(g, "x", "value", 3.5)))
    check_round_trip(w, push(commands.SetOutput(g, "sigmoid_2")),
                     f"Make {g.label('sigmoid_2')} the output")
    check_round_trip(w, push(commands.SetOutput(g, None)))


def test_connect_and_compound_edits_undo_to_identical_json(xor):
    w, g, s = xor, xor.graph, xor.undo_stack
    commands.push(s, commands.Disconnect(g, "bce", "p"))
    check_round_trip(w, lambda: commands.push(s, commands.Connect(g, "sigmoid_2", "bce", "p")),
                     f"Connect {g.label('sigmoid_2')} → {g.label('bce')}.p")
    before = dumps(w)               # the hidden layer's 4×4 into bce.p beside a 4×1 target:
    with pytest.raises(GraphError, match="p is a 4×4 matrix, y is a 4×1 matrix"):   # refused
        commands.push(s, commands.Connect(g, "sigmoid", "bce", "p"))
    assert dumps(w) == before
    w.undo_stack.undo()

    def select(*nodes):
        w.scene.clearSelection()
        for n in nodes:
            w.scene.node_item(n).setSelected(True)

    select("dense", "sigmoid")
    check_round_trip(w, lambda: edit_ops.delete_selection(w.scene), "Delete 2 items")
    select("dense", "sigmoid")
    check_round_trip(w, lambda: edit_ops.duplicate_selection(w.scene), "Duplicate 2 nodes")
    select("dense", "sigmoid", "dense_1")
    text = edit_ops.copy_selection(w.scene)
    check_round_trip(w, lambda: edit_ops.paste(w.scene, text, QPointF(900, 900)), "Paste 3")
    check_round_trip(w, lambda: edit_ops.auto_layout(w.scene) or
                     commands.push(s, commands.MoveNodes(g, {"x": ((0, 0), (1, 1))})))
    # a dense layer's width re-seeds W and b in the same step
    check_round_trip(w, lambda: w.set_config("dense", "units", 5),
                     f"Set {g.label('dense')}.units = 5")
    w.set_config("dense", "units", 5)
    assert np.shape(g.node("dense")["tensors"]["W"]) == (2, 5)
    assert np.shape(g.node("dense")["tensors"]["b"]) == (5,)
    check_round_trip(w, lambda: w.rename("dense", "hidden"), f"Rename {g.label('dense')} to hidden")


def test_refused_command_leaves_no_step(xor):
    w = xor
    count = w.undo_stack.count()
    with pytest.raises(GraphError, match="already connected"):
        commands.push(w.undo_stack, commands.Connect(w.graph, "bce", "dense", "x"))
    commands.push(w.undo_stack, commands.Disconnect(w.graph, "dense", "x"))
    with pytest.raises(GraphError, match="cycle"):
        commands.push(w.undo_stack, commands.Connect(w.graph, "bce", "dense", "x"))
    assert w.undo_stack.count() == count + 1
    assert w.undo_stack.undoText().startswith("Disconnect")


def test_random_session_of_1000_actions_with_undo_redo(xor):
    """1,000 random edits, undos and redos. The canvas mirrors the graph after every action;
    undoing everything gives the opened file's JSON and redoing everything the final JSON."""
    w, rng = xor, random.Random(1234)
    op_rng = random.Random(4321)     # its own stream: a new op in REGISTRY leaves the actions be
    start = dumps(w)
    ops = sorted(REGISTRY)
    refused = 0
    counts = dict.fromkeys(["add", "remove", "connect", "disconnect", "move", "rename", "tensor",
                            "output", "paste", "delete", "undo", "redo", "layout"], 0)

    def any_node():
        return rng.choice(w.graph.nodes) if len(w.graph) else None

    for step in range(1000):
        action = rng.choice(list(counts))
        node = any_node()
        g, s = w.graph, w.undo_stack
        try:
            if action == "add" or node is None:
                action = "add"
                w.scene.add_op(op_rng.choice(ops), QPointF(rng.uniform(-500, 500),
                                                        rng.uniform(-500, 500)))
            elif action == "remove":
                commands.push(s, commands.RemoveNode(g, node))
            elif action == "connect":
                target = any_node()
                ports = list(g.op(target).ports)
                if not ports:
                    continue
                commands.push(s, commands.Connect(g, node, target, rng.choice(ports)))
            elif action == "disconnect":
                if not g.edges():
                    continue
                _, target, port = rng.choice(g.edges())
                commands.push(s, commands.Disconnect(g, target, port))
            elif action == "move":
                commands.push(s, commands.MoveNodes(g, {node: (g.node(node)["pos"], (
                    rng.uniform(-800, 800), rng.uniform(-800, 800)))}))
            elif action == "rename":
                w.rename(node, f"n{step}")
            elif action == "tensor":
                owners = [n for n in g.nodes if g.op(n).tensors]
                if not owners:
                    continue
                node = rng.choice(owners)
                tensors = g.op(node).tensors
                value = rng.choice([rng.uniform(-3, 3), [rng.uniform(-1, 1) for _ in range(3)]])
                commands.push(s, commands.SetTensor(g, node, rng.choice(tensors), value))
            elif action == "output":
                w.set_output(rng.choice([node, None]))
            elif action in ("paste", "delete"):
                w.scene.clearSelection()
                for n in rng.sample(g.nodes, min(len(g), rng.randint(1, 3))):
                    w.scene.node_item(n).setSelected(True)
                if action == "paste":
                    edit_ops.paste(w.scene, edit_ops.copy_selection(w.scene))
                else:
                    edit_ops.delete_selection(w.scene)
            elif action == "undo":
                s.undo()
            elif action == "redo":
                s.redo()
            elif action == "layout":
                edit_ops.auto_layout(w.scene)
            counts[action] += 1
        except GraphError:
            refused += 1                  # the engine said no (a cycle, a taken port): fine
        if step % 50 == 0:
            assert_mirrors(w)
            if s.canUndo():
                here = dumps(w)
                s.undo()
                s.redo()
                assert dumps(w) == here
    assert_mirrors(w)
    assert min(counts.values()) > 20 and refused > 0
    final = dumps(w)
    while w.undo_stack.canUndo():
        w.undo_stack.undo()
    assert dumps(w) == start
    assert_mirrors(w)
    while w.undo_stack.canRedo():
        w.undo_stack.redo()
    assert dumps(w) == final
    assert_mirrors(w)
