"""Edits of the selection — delete, duplicate, copy, paste, auto-layout — each one undo step
(a macro of single commands). Copy puts graph JSON (engine.fileformat) on the clipboard, so a
selection pastes into another window, or into a text editor."""

from __future__ import annotations

from PySide6.QtCore import QPointF
from PySide6.QtGui import QGuiApplication

from backprop_studio.engine import ComputationGraph, GraphError
from backprop_studio.engine.layout import layered_positions
from backprop_studio.gui import commands


def _fileformat():
    """engine.fileformat, imported on first use: it pulls in jsonschema (~0.1 s), which the
    window's first paint does not need."""
    from backprop_studio.engine import fileformat
    return fileformat

PASTE_OFFSET = 40.0


def delete_selection(scene) -> int:
    """Delete the selected nodes and edges; return how many items went."""
    graph, stack = scene.graph, scene.undo_stack
    nodes = scene.selected_with_folds()
    edges = [e.key for e in scene.selected_edges()
             if e.source not in nodes and e.target not in nodes]
    count = len(nodes) + len(edges)
    if not count:
        return 0
    with commands.macro(stack, f"Delete {count} item{'s' if count > 1 else ''}"
                        if count > 1 else f"Delete {graph.label(nodes[0]) if nodes else 'edge'}"):
        for _, target, port in edges:
            commands.push(stack, commands.Disconnect(graph, target, port))
        for node in nodes:
            commands.push(stack, commands.RemoveNode(graph, node))
    return count


def selection_graph(graph: ComputationGraph, nodes) -> ComputationGraph:
    """The selected nodes and the edges among them, as a graph of their own."""
    part = ComputationGraph()
    keep = set(nodes)
    for node in graph.nodes:
        if node in keep:
            d = graph.node(node)
            part.add_node(d["op"], d["label"], d["pos"], node_id=node, config=d["config"],
                          tensors=d["tensors"])
    for source, target, port in graph.edges():
        if source in keep and target in keep:
            part.connect(source, target, port)
    return part


def copy_selection(scene) -> str | None:
    nodes = scene.selected_with_folds()
    if not nodes:
        return None
    text = _fileformat().dumps(selection_graph(scene.graph, nodes))
    # Plain text only: a QMimeData made in Python and handed to the clipboard is destroyed by
    # Qt's exit handlers after Python has finalized, which crashes the process on quit
    # (tests/test_clipboard_exit.py). The text is the graph JSON, which paste recognises.
    QGuiApplication.clipboard().setText(text)
    return text


def clipboard_text() -> str:
    return QGuiApplication.clipboard().text()


def paste(scene, text: str | None = None, at: QPointF | None = None,
          name: str = "Paste") -> list[str]:
    """Add the graph in ``text`` (default: the clipboard) with fresh ids; return the new ids.

    Refuses (GraphError) anything that is not a valid graph file, or holds a number a file
    cannot store, before changing anything; one step, all or nothing.
    """
    text = clipboard_text() if text is None else text
    if not text.strip():
        raise GraphError("the clipboard holds no graph")
    if not text.lstrip().startswith("{"):
        raise GraphError("the clipboard holds text, not a graph (copy nodes to paste them)")
    part = _fileformat().loads(text, source="the clipboard")
    if not len(part):
        raise GraphError("the clipboard's graph has no nodes")
    _fileformat().dumps(part)        # what cannot be saved (an infinite number) is not let in
    xs = [part.node(n)["pos"][0] for n in part.nodes]
    ys = [part.node(n)["pos"][1] for n in part.nodes]
    if at is None:
        dx = dy = PASTE_OFFSET
    else:
        dx, dy = at.x() - min(xs), at.y() - min(ys)
    graph, stack = scene.graph, scene.undo_stack
    ids: dict[str, str] = {}
    with commands.macro(stack, f"{name} {len(part)} node{'s' if len(part) > 1 else ''}"):
        for node in part.nodes:
            d = part.node(node)
            cmd = commands.push(stack, commands.AddNode(
                graph, d["op"], (d["pos"][0] + dx, d["pos"][1] + dy), d["label"],
                d["config"], d["tensors"], node_id=graph.new_id(node)))
            ids[node] = cmd.node
        for source, target, port in part.edges():
            commands.push(stack, commands.Connect(graph, ids[source], ids[target], port))
    scene.clearSelection()
    for new in ids.values():
        scene.node_item(new).setSelected(True)
    return list(ids.values())


def duplicate_selection(scene) -> list[str]:
    nodes = scene.selected_with_folds()
    if not nodes:
        return []
    text = _fileformat().dumps(selection_graph(scene.graph, nodes))
    return paste(scene, text, name="Duplicate")


def layout_moves(scene) -> dict:
    """{node: (old, new)} for the layered layout (engine.layout) of the scene's graph, as the
    scene draws it (folded or not); only the nodes that move."""
    graph = scene.graph
    moves = {}
    for node, new in layered_positions(graph, fold=scene.fold).items():
        old = tuple(graph.node(node)["pos"])
        if tuple(map(float, new)) != old:
            moves[node] = (old, new)
    return moves


def auto_layout(scene) -> bool:
    """Left to right by topological generation (engine.layout), one undo step."""
    graph = scene.graph
    moves = layout_moves(scene)
    if not moves:
        return False
    commands.push(scene.undo_stack, commands.MoveNodes(graph, moves, "Auto-layout"))
    return True
