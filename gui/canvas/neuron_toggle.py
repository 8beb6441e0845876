"""Switching a dense layer between its neuron view and the matrix form: the context menu, the
inspector's checkbox, and the one undo step that redraws it and moves its neighbours."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox

from backprop_studio.engine import neurons as engine_neurons

SETTING = "neurons"


def toggle(scene, node: str) -> None:
    """Switch a dense layer between neurons and matrix form, moving the nodes to its right by
    as much as it grows or shrinks: one undo step."""
    from backprop_studio.engine import GraphError
    from backprop_studio.gui import commands
    graph = scene.graph
    on = not bool(graph.node(node)["config"].get(SETTING))
    old_w = scene.node_item(node).width
    x0 = graph.node(node)["pos"][0]
    right = [n for n in graph.nodes if n != node and graph.node(n)["pos"][0] >= x0 + old_w - 1]
    what = "neurons" if on else "matrix form"
    try:
        with commands.macro(scene.undo_stack, f"Draw {graph.label(node)} as {what}"):
            commands.push(scene.undo_stack, commands.SetConfig(graph, node, SETTING, on))
            new_w = scene.node_item(node).width        # as drawn now, with its numbers
            moves = {n: (tuple(graph.node(n)["pos"]),
                         (graph.node(n)["pos"][0] + new_w - old_w, graph.node(n)["pos"][1]))
                     for n in right}
            if moves and new_w != old_w:
                commands.push(scene.undo_stack, commands.MoveNodes(graph, moves))
    except GraphError as exc:
        scene.message.emit(f"Refused: {exc}")


def dense_menu(scene, node: str):
    """The dense layer's menu (neurons and weights, or the matrix form), or None for another
    op."""
    from PySide6.QtWidgets import QMenu
    graph = scene.graph
    if graph.op(node).name != "dense":
        return None
    menu = QMenu()
    act = menu.addAction("Draw as Neurons and Weights")
    act.setCheckable(True)
    act.setChecked(bool(graph.node(node)["config"].get(SETTING)))
    if not engine_neurons.fits(graph, node):
        act.setEnabled(False)
        act.setText(f"Draw as Neurons and Weights (up to {engine_neurons.MAX_UNITS} × "
                    f"{engine_neurons.MAX_UNITS})")
    act.triggered.connect(lambda: toggle(scene, node))
    return menu


def settings_checkbox(window, node: str, key: str, value: bool) -> QCheckBox:
    """The inspector's editor for a yes/no setting (a dense layer's ``neurons``)."""
    text = "As neurons" if key == SETTING else key          # the row is labelled "neurons"
    box = QCheckBox(text)
    box.setChecked(bool(value))
    if key == SETTING:
        box.setToolTip("Show every unit and every weight w_nm with a, ∂C/∂z and ∂C/∂w, as the "
                       "seeds draw networks (layers up to 8 × 8)")
        box.setEnabled(engine_neurons.fits(window.graph, node))
        box.toggled.connect(
            lambda on: toggle(window.scene, node)
            if bool(on) != bool(window.graph.node(node)["config"].get(key)) else None)
    else:
        box.toggled.connect(lambda on: window.set_config(node, key, bool(on)))
    return box
