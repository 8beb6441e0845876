"""The scene follows the engine graph: one NodeItem per node, one EdgeItem per edge, updated from
the graph's events (never the other way round). User gestures on the scene — connecting,
moving, adding — become undo commands; the resulting graph events then move the items.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QLineF, QPointF, QRectF, QTimer, Signal
from PySide6.QtGui import QPainter, QPen, QUndoStack
from PySide6.QtWidgets import QGraphicsScene

from backprop_studio.engine import ComputationGraph, GraphError
from backprop_studio.gui import commands, theme
from backprop_studio.gui import format as fmt
from backprop_studio.gui.canvas import error_badge, folds, neuron_toggle, neuron_view
from backprop_studio.gui.canvas.connect_drag import ConnectDrag
from backprop_studio.gui.canvas.edge_item import EdgeItem
from backprop_studio.gui.canvas.edge_route import MAX_NODES
from backprop_studio.gui.canvas.node_item import NodeItem
from backprop_studio.gui.canvas.overview import Overview


class GraphScene(QGraphicsScene):
    message = Signal(str)                 # for the status bar
    graph_event = Signal(str, object)     # the engine graph's events, re-emitted as a Qt signal
    folds_changed = Signal(object)        # after an edit: {leaf unfolded: its old host}

    def __init__(self, graph: ComputationGraph | None = None,
                 undo_stack: QUndoStack | None = None, parent=None) -> None:
        super().__init__(parent)
        self.setSceneRect(QRectF(-50000, -50000, 100000, 100000))
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.BspTreeIndex)
        self.undo_stack = undo_stack or QUndoStack(self)
        self.snap_to_grid = False
        self.graph: ComputationGraph | None = None
        self._nodes: dict[str, NodeItem] = {}
        self._edges: dict[tuple[str, str, str], EdgeItem] = {}
        self._drag: ConnectDrag | None = None
        self._press_positions: dict[str, tuple[float, float]] = {}
        # Features add their items to a node's context menu: f(menu, node) for each.
        self.node_menu_extras: list = []
        self.overview = Overview(self)
        self.edge_width = theme.EDGE_WIDTH
        self.result = None                # the Result shown, for layers drawn as neurons
        self.fold = True                  # View ▸ Fold weights and targets (gui/canvas/folds)
        self.folded: dict[str, tuple[str, str]] = {}      # leaf → (consumer, port) drawn in
        self.unfolded: dict[str, str] = {}    # the last refold's unfolded leaves → old hosts
        self._reroute_pending = False
        self.set_graph(graph if graph is not None else ComputationGraph())

    # ------------------------------------------------------------ model ↔ items
    def set_graph(self, graph: ComputationGraph) -> None:
        """Show ``graph`` (replacing any other), building all items in one pass."""
        if self.graph is not None:
            self.graph.unsubscribe(self._on_graph_event)
        self.clear()
        self._nodes, self._edges = {}, {}
        self.graph, self.result, self.folded = graph, None, {}
        for node in graph.nodes:
            self._add_node_item(node)
        for edge in graph.edges():
            self._add_edge_item(*edge)
        folds.refold(self, everything=True)
        graph.subscribe(self._on_graph_event)
        self._choose_edge_width()
        self.overview.active = False
        self.overview.invalidate()

    def _add_node_item(self, node: str) -> NodeItem:
        kind = neuron_view.NeuronNodeItem if neuron_view.wanted(self.graph, node) else NodeItem
        item = kind(self.graph, node)
        item.setFlag(item.GraphicsItemFlag.ItemHasNoContents, self.overview.active)
        self._nodes[node] = item
        self.addItem(item)
        return item

    def _add_edge_item(self, source: str, target: str, port: str) -> EdgeItem:
        item = EdgeItem(self._nodes[source], self._nodes[target], port)
        item.setFlag(item.GraphicsItemFlag.ItemHasNoContents, self.overview.active)
        self._edges[(source, target, port)] = item
        item.source_item.edges.append(item)
        item.target_item.edges.append(item)
        self.addItem(item)
        if item.source_item.output_anchor().x() > item.target_item.input_anchor(port).x():
            item.update_path()          # a wrapped chain routes around what the scene holds
        if self.edge_width != theme.EDGE_WIDTH:
            item.restyle()
        return item

    def _on_graph_event(self, event: str, data: dict) -> None:
        self.overview.invalidate()
        if event == "node_added":
            self._add_node_item(data["node"])
        elif event == "node_removed":
            item = self._nodes.pop(data["node"])
            self.removeItem(item)
        elif event == "edge_added":
            self._add_edge_item(data["source"], data["target"], data["port"])
            self._nodes[data["target"]].update()
            self._choose_edge_width()
        elif event == "edge_removed":
            item = self._edges.pop((data["source"], data["target"], data["port"]))
            for end in (item.source_item, item.target_item):
                end.edges.remove(item)
                end.update()
            self.removeItem(item)
        elif event in ("node_changed", "node_moved"):
            if not self._swap_neuron_view(data["node"]):
                self._nodes[data["node"]].refresh()
        elif event == "graph_changed":
            for item in self._nodes.values():
                item.prepareGeometryChange()        # the output's tag may have moved
                item.update()
        if event in self._REROUTE_ON:
            self.reroute_later()
        if event in self._REFOLD_ON and (self.folded or event in ("edge_added", "node_changed")):
            if folds.refold(self, touched=[data.get("source") or data.get("node")]):
                self.graph_event.emit("folds_changed", {})
                if self.unfolded:
                    self.folds_changed.emit(dict(self.unfolded))
        self.graph_event.emit(event, data)

    _REFOLD_ON = ("edge_added", "edge_removed", "node_removed", "node_changed")
    _REROUTE_ON = ("node_added", "node_removed", "node_moved", "node_changed", "edge_added",
                   "edge_removed")

    def reroute_later(self) -> None:
        """Nodes came, went, moved or changed size: a wrapped edge elsewhere may now run
        through one, so every wrapped route is found again, once, when the event loop next
        runs (an edit of many nodes costs one pass)."""
        if not self._reroute_pending and len(self._nodes) <= MAX_NODES:
            self._reroute_pending = True
            QTimer.singleShot(0, self, self.reroute_now)

    def reroute_now(self) -> None:
        """Find every wrapped route again (a straight edge is a bezier of its two ends)."""
        self._reroute_pending = False
        if len(self._nodes) > MAX_NODES:
            return
        for edge in self._edges.values():
            if edge.run is not None or edge.source_item.output_anchor().x() > \
                    edge.target_item.input_anchor(edge.port).x():
                edge.update_path()

    def set_fold(self, on: bool) -> bool:
        """Fold (or unfold) every leaf the rule names; True when the graph wants laying out
        again: unfolded leaves sit where their rows were, under their consumer, and folding
        may leave grown nodes overlapping."""
        self.fold = bool(on)
        if not folds.refold(self, everything=True):
            return False
        self.overview.invalidate()
        self.graph_event.emit("folds_changed", {})
        return not self.fold or folds.overlapping(self)

    def _swap_neuron_view(self, node: str) -> bool:
        """A dense layer switched between matrix form and neurons gets the other kind of item,
        with its edges, selection and shown numbers; False if nothing had to change."""
        old = self._nodes[node]
        if isinstance(old, neuron_view.NeuronNodeItem) == neuron_view.wanted(self.graph, node):
            return False
        selected = old.isSelected()
        edges = list(old.edges)
        for edge in edges:
            self._edges.pop(edge.key, None)
            for end in (edge.source_item, edge.target_item):
                if edge in end.edges:
                    end.edges.remove(edge)
            self.removeItem(edge)
        self.removeItem(old)
        item = self._add_node_item(node)
        for edge in edges:
            self._add_edge_item(*edge.key)
        item.set_values(old.value_text, old.grad_text, old.stale)
        if old.error:
            item.set_error(old.error, old.error_port)
        if isinstance(item, neuron_view.NeuronNodeItem) and self.result is not None:
            item.show_layer(neuron_view.layer_of(self.graph, self.result, node),
                            stale=old.stale)
        item.setSelected(selected)
        return True

    def _choose_edge_width(self) -> None:
        """Thin edges once a graph is large: a 1 px antialiased line takes the raster engine's
        fast path, which keeps a 500-node graph within a frame at zoom 1."""
        width = theme.EDGE_WIDTH_LARGE if len(self._edges) > theme.LARGE_GRAPH_EDGES \
            else theme.EDGE_WIDTH
        if width != self.edge_width:
            self.edge_width = width
            for edge in self._edges.values():
                edge.restyle()

    # ------------------------------------------------------------ the integration API
    def node_item(self, node_id: str) -> NodeItem | None:
        return self._nodes.get(node_id)

    def edge_item(self, source: str, target: str, port: str) -> EdgeItem | None:
        return self._edges.get((source, target, port))

    def node_items(self) -> list[NodeItem]:
        return list(self._nodes.values())

    def edge_items(self) -> list[EdgeItem]:
        return list(self._edges.values())

    def selected_nodes(self) -> list[str]:
        return [i.node for i in self.selectedItems() if isinstance(i, NodeItem)]

    def selected_with_folds(self) -> list[str]:
        """The selected nodes and the leaves folded into them (their rows are part of the
        node as drawn): what Copy, Cut, Duplicate and Delete take."""
        picked = set(self.selected_nodes())
        picked |= {leaf.node for n in list(picked) for leaf in self._nodes[n].folds}
        return [n for n in self.graph.nodes if n in picked]

    def selected_edges(self) -> list[EdgeItem]:
        return [i for i in self.selectedItems() if isinstance(i, EdgeItem)]

    # ------------------------------------------------------------ results and errors
    def show_result(self, result) -> None:
        """Values green and gradients red on every node the Result knows."""
        self.result = result
        for node, item in self._nodes.items():
            if isinstance(item, neuron_view.NeuronNodeItem):
                item.show_layer(neuron_view.layer_of(self.graph, result, node))
            value = result.values.get(node) if result is not None else None
            grad = result.grads.get(node) if result is not None else None
            item.set_values(fmt.short(value) if value is not None else "",
                            fmt.short(grad) if grad is not None else "", stale=False)

    def mark_stale(self) -> None:
        for item in self._nodes.values():
            item.set_stale(True)

    def show_error(self, error: GraphError) -> None:
        """Outline the node at fault and put the reason under it (error_badge.py)."""
        self.clear_errors()
        item = self._nodes.get(error.node) if error.node else None
        if item is not None:
            item.set_error(error.reason, error.port)
            error_badge.attach(item, error.reason, theme.current().error)

    def show_refusal(self, node: str, text: str) -> None:
        """A refused edit, said at the node it concerns for a few seconds."""
        item = self._nodes.get(node)
        if item is not None:
            error_badge.attach(item, text, theme.current().error, error_badge.REFUSAL_MS)

    def clear_errors(self) -> None:
        for item in self._nodes.values():
            if item.error:
                item.set_error(None)
            error_badge.detach(item)

    # ------------------------------------------------------------ edits from gestures
    def add_op(self, op: str, pos: QPointF) -> str | None:
        """Add a node of ``op`` centred at ``pos`` (one undo step); select it."""
        x, y = pos.x() - 82, pos.y() - 30
        if self.snap_to_grid:
            x, y = (round(v / theme.GRID) * theme.GRID for v in (x, y))
        try:
            cmd = commands.push(self.undo_stack, commands.AddNode(self.graph, op, (x, y)))
        except GraphError as exc:
            self.message.emit(f"Cannot add {op}: {exc}")
            return None
        self.clearSelection()
        self._nodes[cmd.node].setSelected(True)
        self.message.emit(f"Added {op} node {cmd.node}")
        return cmd.node

    def select_all(self) -> None:
        for item in self._nodes.values():
            item.setSelected(True)

    def port_under(self, scene_pos: QPointF, lenient: bool = False):
        """(NodeItem, ("in", port) | ("out", None)) under ``scene_pos``, or (None, None)."""
        for item in self.items(QRectF(scene_pos - QPointF(12, 12), scene_pos + QPointF(12, 12))):
            if isinstance(item, NodeItem):
                hit = item.port_at(scene_pos, lenient)
                if hit is not None:
                    return item, hit
        return None, None

    def mousePressEvent(self, event) -> None:
        from PySide6.QtCore import Qt
        if event.button() == Qt.MouseButton.LeftButton:
            item, hit = self.port_under(event.scenePos())
            if item is not None:
                drag = ConnectDrag.start(self, item, hit)
                if drag is not None:
                    self._drag = drag
                    event.accept()
                    return
        super().mousePressEvent(event)
        self._press_positions = {n: tuple(self.graph.node(n)["pos"])
                                 for n in self.selected_with_folds()}

    def contextMenuEvent(self, event) -> None:
        for item in self.items(event.scenePos()):
            if isinstance(item, NodeItem):
                menu = self.node_menu(item.node)
                if menu is not None:
                    menu.exec(event.screenPos())
                    event.accept()
                    return
                break
        super().contextMenuEvent(event)

    def node_menu(self, node: str):
        """A node's context menu: a dense layer's own items, then the features' (None if
        empty)."""
        from PySide6.QtWidgets import QMenu
        menu = neuron_toggle.dense_menu(self, node)
        if self.node_menu_extras:
            menu = menu or QMenu()
            if not menu.isEmpty():
                menu.addSeparator()
            for add in self.node_menu_extras:
                add(menu, node)
        return menu

    def mouseMoveEvent(self, event) -> None:
        if self._drag is not None:
            self._drag.move(event.scenePos())
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        if self._drag is not None:
            drag, self._drag = self._drag, None
            drag.finish(event.scenePos())
            event.accept()
            return
        super().mouseReleaseEvent(event)
        self._commit_moves()

    def _commit_moves(self) -> None:
        """A whole drag of the selection becomes one MoveNodes command, pushed on release."""
        moves = {}
        for node, old in self._press_positions.items():
            item = self._nodes.get(node)
            if item is None:
                continue
            new = (item.pos().x(), item.pos().y())
            if new != old:
                moves[node] = (old, new)
        self._press_positions = {}
        if moves:
            commands.push(self.undo_stack, commands.MoveNodes(self.graph, moves))

    # ------------------------------------------------------------ background
    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        if getattr(self, "transparent_export", False):
            return                  # an image with a transparent background: no fill, no grid
        painter.fillRect(rect, theme.CANVAS_BG)
        scale = painter.worldTransform().m11()
        step = theme.GRID if scale >= 0.6 else theme.GRID * theme.MAJOR_EVERY
        if scale * step < 6:
            return
        left = math.floor(rect.left() / step) * step
        top = math.floor(rect.top() / step) * step
        major = theme.GRID * theme.MAJOR_EVERY
        minor_lines, major_lines = [], []
        x = left
        while x < rect.right():
            (major_lines if x % major == 0 else minor_lines).append(
                QLineF(x, rect.top(), x, rect.bottom()))
            x += step
        y = top
        while y < rect.bottom():
            (major_lines if y % major == 0 else minor_lines).append(
                QLineF(rect.left(), y, rect.right(), y))
            y += step
        painter.setPen(QPen(theme.GRID_MINOR, 0))
        painter.drawLines(minor_lines)
        painter.setPen(QPen(theme.GRID_MAJOR, 0))
        painter.drawLines(major_lines)

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        if self.overview.active:
            self.overview.paint(painter)
