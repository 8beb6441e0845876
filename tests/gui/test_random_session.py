"""1,000 random edits through the window's commands and actions: nothing escapes but refusals
shown in the status bar; Save accepts the result and loading it gives the same JSON; undoing
everything gives the starting JSON byte for byte, redoing everything the final JSON."""

from __future__ import annotations

import pytest
from editor_helpers import EXAMPLES, dumps
from random_session import ACTIONS, run

from backprop_studio.engine import fileformat


@pytest.mark.parametrize("seed", [1, 2])
def test_a_random_session_of_1000_actions(tmp_path, window, seed):
    w = window
    assert w.open_path(EXAMPLES / "xor_mlp.json")
    start = dumps(w)
    session = run(w, 1000, seed)
    assert sum(session.done.values()) == 1000
    assert all(session.done[a] > 30 for a in ACTIONS), session.done
    assert session.refused > 50              # bad values and bad text were offered and refused
    assert len(session.messages) == session.refused
    while w.undo_stack.canRedo():             # the session may end after some undos
        w.actions["redo"].trigger()
    final = dumps(w)
    saved = tmp_path / "session.json"
    assert w.files.save_to(saved)
    assert saved.read_text(encoding="utf-8") == final
    assert fileformat.dumps(fileformat.load(saved)) == final
    while w.undo_stack.canUndo():
        w.actions["undo"].trigger()
    assert dumps(w) == start
    while w.undo_stack.canRedo():
        w.actions["redo"].trigger()
    assert dumps(w) == final
    assert sorted(i.node for i in w.scene.node_items()) == sorted(w.graph.nodes)
    assert sorted(e.key for e in w.scene.edge_items()) == sorted(w.graph.edges())
