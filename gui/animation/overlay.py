"""Puts the animation on the canvas: edge labels, node texts, Σ and ∂L/∂W badges, pulses and
a ring around the active node, all as overlay items of our own on helper-1's GraphScene.

The cursor decides what is shown (Timeline.state_at); the overlay only makes the items match.
Taking one step touches only that step's items; jumping or scrubbing compares the whole state
(items skip repaints when their content is unchanged). Per frame only the pulses move.
"""

from __future__ import annotations

import weakref

import numpy as np
import shiboken6
from PySide6.QtCore import QObject, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPen
from PySide6.QtWidgets import QGraphicsRectItem

from backprop_studio.engine import explain
from backprop_studio.gui import format as fmt
from backprop_studio.gui import theme
from backprop_studio.gui.animation.edge_labels import (
    BOLD,
    SMALL,
    EdgeLabel,
    NodeBadge,
    Row,
    compact,
)
from backprop_studio.gui.animation.placement import label_space, place, register_nodes
from backprop_studio.gui.animation.pulse import PulseItem, straight
from backprop_studio.gui.animation.timeline import DisplayState

Z_RING = 15.0


SIDE_ROOM = 8.0         # how far past the outermost nodes a label may reach


class Overlay(QObject):
    def __init__(self, scene, controller, parent=None) -> None:
        super().__init__(parent)
        self.scene, self.ctl = scene, controller
        self.labels: dict[tuple, EdgeLabel] = {}
        self.sum_badges: dict[str, NodeBadge] = {}
        self.param_badges: dict[str, NodeBadge] = {}
        self.pulses: list[PulseItem] = []
        self.ring: QGraphicsRectItem | None = None
        self.state: DisplayState | None = None
        self.shown_cursor = -1
        self.engaged = False
        self.figure = False          # engaged only to show the whole figure after a Run
        self.stale = False
        self._active_pulses = 0
        self.obstacles = label_space(scene)
        controller.cursor_changed.connect(self._on_cursor)
        controller.progress_changed.connect(self._on_progress)
        controller.timeline_changed.connect(lambda _: self.reset())
        scene.changed.connect(lambda _: self.follow_drag())
        me = weakref.ref(self)
        theme.on_change(lambda: me() is not None and me()._recolour())

    # ------------------------------------------------------------ engaging
    @property
    def timeline(self):
        return self.ctl.timeline

    def engage(self) -> None:
        """Take over the canvas's value and gradient texts and show the cursor's state."""
        if self.timeline is None or (self.engaged and not self.figure):
            return
        self.engaged, self.figure = True, False
        self._load_nodes()
        self._sync(self.ctl.cursor)

    def show_figure(self) -> None:
        """The CS231n figure after a Run: every edge's value above it (green) and gradient below
        it (red), every node's Σ and ∂L/∂W, with no step singled out. Stepping or playing the
        animation takes over from here."""
        if self.timeline is None or self.engaged:
            return
        self.engaged, self.figure = True, True
        self._load_nodes()
        self._sync(len(self.timeline))

    def _load_nodes(self) -> None:
        """Node rectangles, which labels keep clear of, and the nodes' left and right ends,
        which labels stay between (a label beyond them widens what Fit must show)."""
        register_nodes(self.obstacles, self.scene)
        self._update_extent()

    def _update_extent(self) -> None:
        self._runs = {e.key: e.run for e in self.scene.edge_items() if e.run is not None}
        rects = [item.sceneBoundingRect() for item in self.scene.node_items()]
        self._extent = (min(r.left() for r in rects) - SIDE_ROOM,
                        max(r.right() for r in rects) + SIDE_ROOM) if rects else None


    def redraw(self) -> None:
        """Leaves folded or unfolded: the nodes' boxes changed and some edges are no longer
        drawn; place everything again at the cursor shown."""
        if self.state is None or not self.engaged:
            return
        self._load_nodes()
        self._sync(self.shown_cursor)

    def reset(self) -> None:
        """A new timeline (or none): remove our items; the nodes show the window's Result."""
        self._remove_items()
        self.state, self.shown_cursor, self.engaged, self.stale = None, -1, False, False
        self.figure = False

    def forget(self) -> None:
        """The scene was cleared (a new graph): our items are gone already; drop them."""
        self.labels, self.sum_badges, self.param_badges, self.pulses = {}, {}, {}, []
        self.ring = None
        self.obstacles.clear()
        self.state, self.shown_cursor, self.engaged, self.stale = None, -1, False, False
        self.figure = False

    def mark_stale(self) -> None:
        """The graph changed under the animation: dim every label, hide the pulses."""
        self.stale = True
        self._hide_pulses()
        if self.ring is not None and shiboken6.isValid(self.ring):
            self.ring.hide()
        for item in self._all_items():
            item.set_stale(True)
        self.prune()

    def prune(self) -> None:
        """Drop labels of edges and nodes the graph no longer has."""
        edges = {(i.source, i.target, i.port) for i in self.scene.edge_items()}
        for key in [k for k in self.labels if k not in edges]:
            self._remove(self.labels.pop(key))
        nodes = {i.node for i in self.scene.node_items()}
        for badges in (self.sum_badges, self.param_badges):
            for node in [n for n in badges if n not in nodes]:
                self._remove(badges.pop(node))

    # ------------------------------------------------------------ following the cursor
    def _on_cursor(self, cursor: int) -> None:
        if not self.engaged or self.stale or self.timeline is None:
            return
        if self.state is not None and cursor == self.shown_cursor + 1:
            previous = self.timeline.steps[self.state.active] if self.state.active >= 0 else None
            self.timeline.apply(self.state, cursor - 1)
            self.shown_cursor = cursor
            step = self.timeline.steps[cursor - 1]
            for s in (previous, step):
                if s is not None:
                    self._update_step_items(s)
            self._update_active()
        else:
            self._sync(cursor)

    def _sync(self, cursor: int) -> None:
        self.state = self.timeline.state_at(cursor)
        self.shown_cursor = cursor
        graph = self.scene.graph
        for node in graph.nodes:        # badges first, by their nodes; edge labels fit around
            self._update_node(node)
        keys = set(self.labels) | set(self.state.edge_value) | set(self.state.edge_grad)
        for key in keys:
            self._update_edge(key)
        self._update_active()

    def _update_step_items(self, s) -> None:
        for key in s.edges:
            self._update_edge(key)
        self._update_node(s.node)
        if s.step is not None and s.step.source is not None:
            self._update_node(s.step.source)

    def _active_step(self):
        if self.state is None or self.state.active < 0 or self.figure:
            return None
        return self.timeline.steps[self.state.active]

    # ------------------------------------------------------------ items
    def _update_edge(self, key: tuple) -> None:
        item = self.scene.edge_item(*key)
        if item is None:
            return
        st = self.state
        value = st.edge_value.get(key)
        grad = st.edge_grad.get(key)
        active = self._active_step()
        is_active = active is not None and active.kind == "edge" and key in active.edges
        if item.folded and not is_active:   # the leaf's rows in its consumer show these
            label = self.labels.pop(key, None)
            if label is not None:
                self._remove(label)
            return
        label = self.labels.get(key)
        if label is None:
            if value is None and grad is None:
                return
            label = self.labels[key] = EdgeLabel()
            self.scene.addItem(label)
        label.setPos(_anchor(item))
        label.set_content(compact(value) if key in st.edge_value else None, grad,
                          self._names(active.step) if is_active else None, is_active,
                          lambda r: self._over_node(r, label), detail_only=item.folded)
        self._settle(label, item)
        label.set_stale(self.stale)
        if is_active:
            self._keep_in_view(label)

    def _keep_in_view(self, label) -> None:
        """The step's upstream × local = product card is what the student reads now: a view
        that does not show all of it scrolls just enough to."""
        rect = QRectF()
        for card in label.cards:
            rect = rect.united(card.rect.translated(label.pos()))
        for view in self.scene.views():
            seen = view.mapToScene(view.viewport().rect()).boundingRect()
            if not rect.isEmpty() and not seen.contains(rect):
                view.ensureVisible(rect, 16, 16)

    def _settle(self, label, edge) -> None:
        """Keep the label on its edge (no leader line) at the first anchor where it fits."""
        anchors = edge.label_anchors()
        blocked = lambda r: self._over_node(r, label)              # noqa: E731

        def on_edge_and_clear() -> bool:
            here = label.pos()
            return label.leader is None and not any(blocked(c.rect.translated(here))
                                                    for c in label.cards)
        if len(anchors) > 1 and not on_edge_and_clear():
            for point in anchors[1:]:
                label.setPos(point)
                label.arrange(blocked)
                if on_edge_and_clear():
                    break
            else:
                label.setPos(anchors[0])
                label.arrange(blocked)
        self._occupy(label)

    def _occupy(self, item) -> None:
        pos = item.pos()
        self.obstacles.set(item, [c.rect.translated(pos) for c in item.cards])

    def _over_node(self, rect: QRectF, me=None) -> bool:
        """Whether a scene rect would cover a node, another label or another edge's wrapped run,
        or lie beyond the nodes' left or right end."""
        extent = getattr(self, "_extent", None)
        if extent is not None and (rect.left() < extent[0] or rect.right() > extent[1]):
            return True
        for key, run in getattr(self, "_runs", {}).items():      # another edge's run
            if run.intersects(rect) and self.labels.get(key) is not me:
                return True
        return self.obstacles.blocked(rect, me)

    def _names(self, step) -> tuple:
        graph = self.scene.graph
        result = self.timeline.result
        out = explain.symbol(graph, result.output) if result.output else "L"
        me, src = explain.symbol(graph, step.node), explain.symbol(graph, step.source)
        return (explain.d(out, me), explain.d(me, src), src)

    def _update_node(self, node: str) -> None:
        item = self.scene.node_item(node)
        if item is None:
            return
        st = self.state
        value, grad = st.node_value.get(node), st.node_grad.get(node)
        item.set_values(fmt.short(value) if node in st.node_value else "",
                        fmt.short(grad) if node in st.node_grad else "", stale=self.stale)
        for box in (item, item.folded_into):    # it (or its host) may have grown: keep clear
            if box is not None:
                self.obstacles.set(("node", box.node), [box.sceneBoundingRect()])
        if hasattr(item, "show_state"):          # a layer drawn as neurons: unit by unit
            item.show_state(self.timeline.result, st, self._active_step(), self.ctl.progress,
                            self.stale)
        self._update_sum_badge(node, item)
        self._update_param_badge(node, item)

    def _update_sum_badge(self, node: str, item) -> None:
        st, rows = self.state, []
        if node in st.sums:
            step = st.sums[node]
            terms = " + ".join(explain.paren(c) if _scalar(c) else compact(c)
                               for _, _, c in step.parts)
            rows = [Row(f"Σ {terms}", "grad", SMALL),
                    Row(f"= {compact(step.downstream)}", "grad", BOLD)]
        elif node in st.partial:
            got = st.partial[node]
            n = self.timeline.arrivals(node)
            terms = " + ".join(compact(c) for c in got)
            more = " + …" if len(got) < n else ""
            rows = [Row(f"Σ {terms}{more}", "grad", SMALL),
                    Row(f"{len(got)} of {n} gradients back", "text", SMALL)]
        badge = self.sum_badges.get(node)
        if badge is None:
            if not rows:
                return
            badge = self.sum_badges[node] = NodeBadge("above")
            self.scene.addItem(badge)
        badge.show_rows(rows, border="grad" if node in st.sums else None)
        rect = item.sceneBoundingRect()
        h = badge.boundingRect().height()
        place(badge, self.obstacles, [QPointF(x, y) for y in (rect.top() - 2,
                                                              rect.bottom() + h + 2)
                                      for x in (rect.right() - 40, rect.center().x(),
                                                rect.left() + 40)])
        badge.tether_to(item)
        badge.set_stale(self.stale)

    def _update_param_badge(self, node: str, item) -> None:
        if getattr(item, "shows_param_grads", False):     # the neuron view: ∂C/∂w on each
            badge = self.param_badges.pop(node, None)      # weight, ∂C/∂b at each neuron
            if badge is not None:
                self._remove(badge)
            return
        st = self.state
        mark = explain.layer_mark(self.scene.graph, node)
        rows = []
        for (n, name), g in sorted(st.params.items()):
            if n != node:
                continue
            if np.ndim(g) == 2 and np.size(g) <= 4 and np.shape(g)[0] <= 2:   # row by row
                rows.append(Row(f"∂L/∂{name}{mark} {explain.shape(g)} =", "grad", SMALL))
                rows += [Row(explain.value(r), "grad", BOLD) for r in g]
            else:
                rows.append(Row(f"∂L/∂{name}{mark} = {compact(g)}", "grad", BOLD))
        badge = self.param_badges.get(node)
        if badge is None:
            if not rows:
                return
            badge = self.param_badges[node] = NodeBadge("below")
            self.scene.addItem(badge)
        badge.show_rows(rows)
        below = self._param_anchor(item)
        h = badge.boundingRect().height()
        place(badge, self.obstacles, [below + QPointF(dx, dy) for dy in (0, 18)
                                      for dx in (0, -70, 70)]
              + [below + QPointF(0, -item.sceneBoundingRect().height() - h - 4)])
        badge.tether_to(item)
        badge.set_stale(self.stale)

    @staticmethod
    def _param_anchor(item) -> QPointF:
        rect = item.sceneBoundingRect()
        return QPointF(rect.center().x(), rect.bottom())

    # ------------------------------------------------------------ the active step
    def _update_active(self) -> None:
        step = self._active_step()
        self._hide_pulses()
        if step is None or self.stale:
            if self.ring is not None:
                self.ring.hide()
            return
        pal = theme.current()
        color = pal.value if step.phase == "forward" else pal.grad
        self._place_ring(step.node, color)
        paths = []
        for key in step.edges:
            edge = self.scene.edge_item(*key)
            if edge is not None and not edge.folded:
                paths.append(edge.path())
        if step.kind == "param":
            item = self.scene.node_item(step.node)
            badge = self.param_badges.get(step.node)
            if item is not None:             # to the ∂L/∂W badge, wherever it was placed
                end = badge.sceneBoundingRect().center() if badge is not None and \
                    badge.isVisible() else self._param_anchor(item)
                paths.append(straight(item.output_anchor(), end))
        reverse = step.phase == "backward" and step.kind != "param"
        while len(self.pulses) < len(paths):
            pulse = PulseItem(color)
            self.scene.addItem(pulse)
            self.pulses.append(pulse)
        for pulse, path in zip(self.pulses, paths):
            pulse.follow(path, reverse, color)
        self._active_pulses = len(paths)
        self._on_progress(self.ctl.progress)

    def _on_progress(self, t: float) -> None:
        if not self.engaged or self.stale:
            return
        step = self._active_step()
        if step is not None:
            for node in {step.node, step.step.source if step.step else None} - {None}:
                item = self.scene.node_item(node)
                if hasattr(item, "show_state"):
                    item.show_state(self.timeline.result, self.state, step, t, self.stale)
        running = t < 1.0
        for i in range(self._active_pulses):
            pulse = self.pulses[i]
            pulse.setVisible(running)
            if running:
                pulse.set_progress(t)

    def _hide_pulses(self) -> None:
        for pulse in self.pulses[:self._active_pulses]:
            pulse.hide()
        self._active_pulses = 0

    def _place_ring(self, node: str, color: QColor) -> None:
        item = self.scene.node_item(node)
        if item is None:
            return
        if self.ring is None:
            self.ring = QGraphicsRectItem()
            self.ring.setZValue(Z_RING)
            self.ring.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            self.scene.addItem(self.ring)
        pen = QPen(color, 3.0)
        self.ring.setPen(pen)
        self.ring.setRect(QRectF(item.sceneBoundingRect()).adjusted(-3, -3, 3, 3))
        self.ring.show()

    # ------------------------------------------------------------ housekeeping
    def relayout(self, nodes=None) -> None:
        """Nodes moved: put labels back on their edges and badges on their nodes (only those
        touching ``nodes`` if given, so a drag costs what it moves)."""
        if self.state is None or not self.engaged:
            return
        moved = set(nodes) if nodes is not None else None
        for item in self.scene.node_items():
            if moved is None or item.node in moved:
                self.obstacles.set(("node", item.node), [item.sceneBoundingRect()])
        self._update_extent()
        for key, label in self.labels.items():
            if moved is not None and key[0] not in moved and key[1] not in moved:
                continue
            edge = self.scene.edge_item(*key)
            if edge is not None:
                label.setPos(_anchor(edge))
                label.arrange(lambda r, me=label: self._over_node(r, me))
                self._settle(label, edge)
        for node in set(self.sum_badges) | set(self.param_badges):
            item = self.scene.node_item(node)
            if item is not None and (moved is None or node in moved):
                self._update_sum_badge(node, item)
                self._update_param_badge(node, item)
        if not self.stale:
            self._update_active()

    def follow_drag(self) -> None:
        """Called on scene changes: while nodes are dragged, labels go with them."""
        grabber = self.scene.mouseGrabberItem()
        if grabber is None or not hasattr(grabber, "output_anchor") or not self.engaged:
            return
        self.relayout([i.node for i in self.scene.selectedItems() if hasattr(i, "node")]
                      + [grabber.node])

    def _all_items(self):
        yield from self.labels.values()
        yield from self.sum_badges.values()
        yield from self.param_badges.values()

    def _remove(self, item) -> None:
        self.obstacles.remove(item)
        if shiboken6.isValid(item) and item.scene() is not None:
            item.scene().removeItem(item)

    def _remove_items(self) -> None:
        for item in list(self._all_items()) + self.pulses + ([self.ring] if self.ring else []):
            self._remove(item)
        self.labels, self.sum_badges, self.param_badges, self.pulses = {}, {}, {}, []
        self.ring, self._active_pulses = None, 0

    def _recolour(self) -> None:
        if not (shiboken6.isValid(self) and shiboken6.isValid(self.scene)):
            return              # the window is gone; theme keeps its listeners for ever
        for item in self._all_items():
            if shiboken6.isValid(item):
                item.content = None
        if self.engaged and self.state is not None and not self.stale:
            self._sync(self.shown_cursor)


def _anchor(edge) -> QPointF:
    """Where an edge's label starts from: its midpoint; a folded leaf's edge is not drawn, so
    its step explains itself beside the leaf's rows."""
    return edge.source_item.output_anchor() if edge.folded else edge.label_anchors()[0]


def _scalar(x) -> bool:
    return np.ndim(x) == 0
