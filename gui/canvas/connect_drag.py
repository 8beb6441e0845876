"""Dragging a connection: from an output port to an input port, or picking up an edge's end
from an input port and dropping it elsewhere (or nowhere, which disconnects it).

While dragging, every input port that would accept the edge is highlighted: free, no cycle,
and shapes that can meet (``engine.shapes``). The rules are the engine's: a refused drop shows
the reason (``check_connect``'s, or both shapes in words) in the status bar and on the node.
"""

from __future__ import annotations

import networkx as nx
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QPen
from PySide6.QtWidgets import QGraphicsPathItem

from backprop_studio.engine import GraphError, shapes
from backprop_studio.gui import commands, theme
from backprop_studio.gui.canvas.edge_route import bezier


class ConnectDrag:
    def __init__(self, scene, source_item, detached=None) -> None:
        self.scene = scene
        self.graph = scene.graph
        self.source_item = source_item
        self.detached = detached            # (target, port) of the edge picked up, if any
        self.hidden_edge = None
        if detached is not None:
            self.hidden_edge = scene.edge_item(source_item.node, *detached)
            if self.hidden_edge is not None:
                self.hidden_edge.setVisible(False)
        self.valid = self._valid_targets()
        for node, ports in self.valid.items():
            scene.node_item(node).set_highlight(ports)
        self.line = QGraphicsPathItem()
        pen = QPen(theme.current().highlight, 2.5, Qt.PenStyle.DashLine)
        self.line.setPen(pen)
        self.line.setZValue(10)
        scene.addItem(self.line)

    @classmethod
    def start(cls, scene, item, hit):
        kind, port = hit
        if kind == "out":
            return cls(scene, item)
        source = scene.graph.source_of(item.node, port)
        if source is None:
            return None
        return cls(scene, scene.node_item(source), (item.node, port))

    def _valid_targets(self) -> dict[str, set[str]]:
        """Input ports that accept source → port: free (or the one picked up), not the source
        itself, and not upstream of the source (that would close a cycle)."""
        source = self.source_item.node
        blocked = nx.ancestors(self.graph.nx, source) | {source}
        known = shapes.infer(self.graph)
        valid = {}
        for node in self.graph.nodes:
            if node in blocked:
                continue
            taken = self.graph.inputs_of(node)
            ports = {p for p in self.graph.op(node).ports
                     if (p not in taken or (node, p) == self.detached)
                     and self._shapes_meet(source, node, p, known)}
            if ports:
                valid[node] = ports
        return valid

    def _shapes_meet(self, source: str, node: str, port: str, known: dict) -> bool:
        try:
            shapes.check_edge(self.graph, source, node, port, known)
        except GraphError:
            return False
        return True

    def move(self, pos: QPointF) -> None:
        item, hit = self.scene.port_under(pos, lenient=True)
        end = pos
        if item is not None and hit[0] == "in" and hit[1] in self.valid.get(item.node, ()):
            end = item.input_anchor(hit[1])
        self.line.setPath(bezier(self.source_item.output_anchor(), end))

    def finish(self, pos: QPointF) -> None:
        self._cleanup()
        item, hit = self.scene.port_under(pos, lenient=True)
        source = self.source_item.node
        stack = self.scene.undo_stack
        if item is None or hit[0] != "in":
            if self.detached is not None:
                commands.push(stack, commands.Disconnect(self.graph, *self.detached))
                self.scene.message.emit(f"Disconnected {self.graph.label(source)} → "
                                        f"{self.graph.label(self.detached[0])}.{self.detached[1]}")
            return
        target, port = item.node, hit[1]
        if (target, port) == self.detached:
            return
        if port not in self.valid.get(target, ()):
            try:
                self.graph.check_connect(source, target, port)
                shapes.check_edge(self.graph, source, target, port)
                reason = "not allowed"
            except GraphError as exc:
                reason = exc.reason
            self.scene.message.emit(f"Cannot connect {self.graph.label(source)} → "
                                    f"{self.graph.label(target)}.{port}: {reason}")
            self.scene.show_refusal(target, f"Cannot connect {self.graph.label(source)} "
                                            f"here: {reason}")
            return
        text = f"Connect {self.graph.label(source)} → {self.graph.label(target)}.{port}"
        with commands.macro(stack, text):
            if self.detached is not None:
                commands.push(stack, commands.Disconnect(self.graph, *self.detached))
            commands.push(stack, commands.Connect(self.graph, source, target, port))
        self.scene.message.emit(text)

    def _cleanup(self) -> None:
        self.scene.removeItem(self.line)
        for node in self.valid:
            item = self.scene.node_item(node)
            if item is not None:
                item.set_highlight(())
        if self.hidden_edge is not None:
            self.hidden_edge.setVisible(True)
