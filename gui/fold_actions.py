"""The window's side of folding (gui/canvas/folds.py): View ▸ Fold Weights and Targets, and
leaves an edit unfolded moved off the nodes they stand on."""

from __future__ import annotations

from PySide6.QtCore import QTimer

from backprop_studio.gui import commands, edit_ops
from backprop_studio.gui.canvas import folds


def install(window) -> None:
    """After an edit has finished, its unfolded leaves get a place of their own."""
    window.scene.folds_changed.connect(
        lambda unfolded: QTimer.singleShot(0, window, lambda: place_unfolded(window, unfolded)))


def set_fold(window, on: bool) -> None:
    """View ▸ Fold; when the toggle leaves the graph wanting a new layout, the toggle and the
    layout are one undo step (folds.FoldToggle)."""
    if bool(on) == window.scene.fold:
        return
    if window.scene.set_fold(on):
        moves = edit_ops.layout_moves(window.scene)
        if moves:
            commands.push(window.undo_stack, folds.FoldToggle(
                window.scene, bool(on), moves, lambda shown: tick(window, shown)))
            window.show_message(("Folded" if on else "Unfolded") + " weights and targets and "
                                "laid the graph out again (Ctrl+Z undoes both)")
    window.view.fit()


def tick(window, on: bool) -> None:
    """The menu's tick follows an undo or redo of the toggle (without toggling again)."""
    action = window.actions["fold"]
    action.blockSignals(True)
    action.setChecked(on)
    action.blockSignals(False)
    window.view.fit()


def place_unfolded(window, unfolded: dict) -> None:
    """Leaves an edit unfolded go beside their old node when they stand on another (one undo
    step after the edit). Not while undoing or redoing: that would cut the redo history."""
    if window.undo_stack.canRedo():
        return
    scene, graph = window.scene, window.graph
    moves = {}
    for leaf, host in unfolded.items():
        item, host_item = scene.node_item(leaf), scene.node_item(host)
        if item is None or host_item is None or item.folded_into is not None:
            continue
        spot = folds.free_spot(scene, item, host_item)
        if spot is not None:
            moves[leaf] = (tuple(graph.node(leaf)["pos"]), spot)
    if moves:
        names = ", ".join(graph.label(n) for n in moves)
        commands.push(window.undo_stack, commands.MoveNodes(graph, moves,
                                                          f"Place {names} beside its node"))
