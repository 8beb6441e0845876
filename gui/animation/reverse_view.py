"""Two optional ways of drawing the backward pass over the whole graph at once.

ReverseView is the seeds' figure of the reverse network: the same graph with every arrow
reversed, carrying ∂L/∂(output) from the loss back to the inputs, each edge multiplying by its
local gradient (its "weight" in the reverse network; for a dense layer, Wᵀ). MagnitudeView
widens and darkens each edge by |gradient| on a log scale, so vanishing gradients show as thin,
faint edges at a glance. Both read the engine's trace; neither computes anything.
"""

from __future__ import annotations

import math

import numpy as np
import shiboken6
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsPathItem

from backprop_studio.engine import explain
from backprop_studio.gui import plain_text, theme
from backprop_studio.gui.animation.edge_labels import SMALL, NodeBadge, Row, compact
from backprop_studio.gui.animation.placement import label_space, place, register_nodes

Z_MAGNITUDE, Z_REVERSE = -0.6, -0.4
DECADES = 4.0          # the magnitude scale spans four orders of magnitude below the largest


class _EdgeOverlay:
    """Items drawn per traced edge, rebuilt from a Result on demand."""

    def __init__(self, scene) -> None:
        self.scene = scene
        self.items: list = []
        self.enabled = False
        self.result = None

    def set_enabled(self, on: bool, result=None) -> None:
        self.enabled = bool(on)
        self.refresh(result if result is not None else self.result)

    def refresh(self, result=None) -> None:
        self.result = result
        self.clear()
        if self.enabled and result is not None and result.trace:
            self._build(result)

    def clear(self) -> None:
        space = label_space(self.scene)
        for item in self.items:
            space.remove(item)
            if shiboken6.isValid(item) and item.scene() is not None:
                item.scene().removeItem(item)
        self.items = []

    def forget(self) -> None:
        self.items, self.result = [], None

    def _add(self, item):
        self.scene.addItem(item)
        self.items.append(item)
        return item

    def _edge_steps(self, result, folded: bool = False):
        """The traced edges drawn on the canvas (and, with ``folded``, those of leaves drawn
        inside their consumer)."""
        for step in result.trace:
            if step.kind == "edge":
                edge = self.scene.edge_item(step.source, step.node, step.port)
                if edge is not None and (folded or not edge.folded):
                    yield step, edge

    def _build(self, result) -> None:
        raise NotImplementedError


class ReverseView(_EdgeOverlay):
    def refresh(self, result=None) -> None:
        super().refresh(result)
        self._neurons(self.enabled and result is not None)

    def clear(self) -> None:
        super().clear()
        self._neurons(False)

    def _neurons(self, on: bool) -> None:
        """Layers drawn as neurons show the reverse network inside: w × ∂C/∂z → ∂C/∂a."""
        for item in self.scene.node_items():
            if hasattr(item, "set_reverse"):
                item.set_reverse(on)

    def _build(self, result) -> None:
        pal, graph = theme.current(), self.scene.graph
        space = label_space(self.scene)
        register_nodes(space, self.scene)
        pen = QPen(pal.grad, 2.2, Qt.PenStyle.DashLine)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        for step, edge in self._edge_steps(result, folded=True):
            if edge.folded:
                self._folded_tag(graph, step, edge, space)
                continue
            path = edge.path()
            line = self._add(QGraphicsPathItem(path))
            line.setPen(pen)
            line.setZValue(Z_REVERSE)
            line.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            head = self._add(QGraphicsPathItem(_arrowhead(path)))
            head.setPen(QPen(pal.grad, 1.0))
            head.setBrush(pal.grad)
            head.setZValue(Z_REVERSE + 0.1)
            head.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            weight = _weight(graph, step)
            tag = self._add(NodeBadge("above"))
            tag.show_rows([Row(weight, "grad", SMALL)], border="grad")
            h = tag.boundingRect().height()
            place(tag, space, [path.pointAtPercent(t) + QPointF(0, dy)
                               for t in (0.25, 0.35, 0.15, 0.45, 0.6, 0.75)
                               for dy in (0, h + 10)])
            tag.tether_to(path.pointAtPercent(0.25))
            tag.setToolTip(plain_text.tooltip(
                f"Reverse network: ∂L/∂{explain.symbol(graph, step.source)} = "
                f"∂L/∂{explain.symbol(graph, step.node)} {weight}"))


    def _folded_tag(self, graph, step, edge, space) -> None:
        """A leaf drawn inside its consumer has no edge to reverse: its weight is tagged
        beside its rows, where its gradient arrives (∂L/∂W₁ = ∂L/∂W₁x₀ · bᵀ)."""
        rows = edge.source_item.sceneBoundingRect()
        weight = _weight(graph, step)
        tag = self._add(NodeBadge("above"))
        tag.show_rows([Row(weight, "grad", SMALL)], border="grad")
        w, h = tag.boundingRect().width(), tag.boundingRect().height()
        y = rows.center().y() + h / 2
        sides = (QPointF(rows.right() + 8 + w / 2, y), QPointF(rows.left() - 8 - w / 2, y))
        nodes = QRectF()
        for item in self.scene.node_items():
            nodes = nodes.united(item.sceneBoundingRect())
        place(tag, space, [side + QPointF(0, dy) for side in sides
                           for dy in (0, -h - 6, h + 6, -2 * h - 12)],
              within=nodes.adjusted(-8, -60, 8, 60))      # not past the outermost nodes
        tag.tether_to(QPointF(rows.right() if tag.pos().x() > rows.center().x() else
                              rows.left(), rows.center().y()))
        tag.setToolTip(plain_text.tooltip(
            f"Reverse network: ∂L/∂{explain.symbol(graph, step.source)} = "
            f"∂L/∂{explain.symbol(graph, step.node)} {weight}"))


class MagnitudeView(_EdgeOverlay):
    def _build(self, result) -> None:
        steps = list(self._edge_steps(result))
        sizes = [float(np.max(np.abs(s.downstream))) if np.size(s.downstream) else 0.0
                 for s, _ in steps]
        top = max(sizes, default=0.0)
        grad = theme.current().grad
        for (_step, edge), size in zip(steps, sizes):
            t = 0.0 if size <= 0 or top <= 0 else max(
                0.0, 1.0 + math.log10(size / top) / DECADES)
            color = QColor(grad)
            color.setAlpha(int(40 + 215 * t))
            pen = QPen(color, 1.0 + 9.0 * t)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            item = self._add(QGraphicsPathItem(edge.path()))
            item.setPen(pen)
            item.setZValue(Z_MAGNITUDE)
            item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            item.setToolTip(f"|gradient| up to {explain.num(size)}")
            item.setData(0, t)


def _weight(graph, step) -> str:
    """The reverse network's weight on an edge: × local gradient (·Wᵀ for a dense layer)."""
    op = graph.op(step.node).name
    if op == "dense":
        return f"· W{explain.layer_mark(graph, step.node)}ᵀ"
    if op == "matmul":
        return "· bᵀ" if step.port == "a" else "aᵀ ·"
    op_sign = "∘" if np.ndim(step.local) > 0 else "×"
    return f"{op_sign} {compact(step.local)}"


def _arrowhead(path: QPainterPath, size: float = 11.0) -> QPainterPath:
    """A filled triangle at the path's start (the producer), pointing at it."""
    tip = path.pointAtPercent(0.0)
    back = path.pointAtPercent(min(1.0, 14.0 / max(path.length(), 1.0)))
    angle = math.atan2(tip.y() - back.y(), tip.x() - back.x())
    left = QPointF(tip.x() - size * math.cos(angle - 0.45), tip.y() - size * math.sin(angle - 0.45))
    right = QPointF(tip.x() - size * math.cos(angle + 0.45),
                    tip.y() - size * math.sin(angle + 0.45))
    head = QPainterPath()
    head.addPolygon(QPolygonF([tip, left, right, tip]))
    return head

