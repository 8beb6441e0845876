"""The Gradient check button's verdict on the canvas: a ✓ or ✗ badge beside every parameter
and input (and each dense layer's W and b) with its worst relative error; a failure says so in
a title row. A badge that had to move away from its node has a dotted line back to it.

The check itself is the engine's (engine.gradcheck.gradient_check); the badges only show its
report. ✓/✗ carry the verdict as well as colour, so it reads in either palette.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QPointF, QRectF

from backprop_studio.engine.gradcheck import CheckReport, gradient_check
from backprop_studio.gui.animation.edge_labels import BOLD, SMALL, NodeBadge, Row
from backprop_studio.gui.animation.placement import label_space, place, register_nodes


def error_text(err: float) -> str:
    return "0" if err == 0 else f"{err:.1e}".replace("-", "−")


class GradCheckBadges:
    def __init__(self, scene) -> None:
        self.scene = scene
        self.badges: dict[str, NodeBadge] = {}
        self.report: CheckReport | None = None

    def run(self, graph) -> CheckReport:
        """Check ``graph`` (raises engine.GraphError if it cannot run) and badge every tensor."""
        report = gradient_check(graph, max_elements=200)
        self.show(report)
        return report

    def show(self, report: CheckReport) -> None:
        self.clear()
        self.report = report
        space = label_space(self.scene)
        register_nodes(space, self.scene)
        by_node: dict[str, list] = {}
        for t in report.tensors:
            by_node.setdefault(t.node, []).append(t)
        for node, checks in by_node.items():
            item = self.scene.node_item(node)
            if item is None:
                continue
            ok = all(t.passed for t in checks)
            rows = [] if ok else [Row("✗ gradient check FAILED", "fail", BOLD)]
            for t in checks:        # a pass is one short row per tensor, to fit beside a node
                name = "" if t.tensor == "value" else f"{t.tensor}: "
                rows.append(Row(f"{'✓' if t.passed else '✗'} {name}rel. error "
                                f"{error_text(t.max_rel_error)}", "ok" if t.passed else "fail",
                                SMALL))
            badge = NodeBadge("left")
            badge.setZValue(badge.zValue() + 1)
            badge.show_rows(rows, border="ok" if ok else "fail")
            self.scene.addItem(badge)
            rect, size = item.sceneBoundingRect(), badge.boundingRect()
            w, h = size.width(), size.height()
            spots = [QPointF(rect.left() - 4, rect.center().y()),
                     QPointF(rect.right() + w + 4, rect.center().y()),
                     QPointF(rect.left() + w, rect.bottom() + h / 2 + 2),
                     QPointF(rect.left() + w, rect.top() - h / 2 - 2)]
            place(badge, space, spots, within=self._seen())
            badge.tether_to(item)
            badge.setToolTip("Gradient check " + ("passed" if ok else "FAILED") + ": the "
                             "backward pass against central finite differences, worst relative "
                             "error")
            self.badges[node] = badge

    def _seen(self) -> QRectF | None:
        """The part of the scene the canvas shows, less a margin: badges stay in view."""
        views = self.scene.views()
        if not views:
            return None
        view = views[0]
        return view.mapToScene(view.viewport().rect().adjusted(4, 4, -4, -4)).boundingRect()

    def all_in_view(self) -> bool:
        seen = self._seen()
        return seen is None or all(seen.contains(r) for b in self.badges.values()
                                   for r in b.card_rects())

    def clear(self) -> None:
        space = label_space(self.scene)
        for badge in self.badges.values():
            space.remove(badge)
            if shiboken6.isValid(badge) and badge.scene() is not None:
                badge.scene().removeItem(badge)
        self.badges, self.report = {}, None

    def forget(self) -> None:
        """The scene was cleared with our items in it."""
        self.badges, self.report = {}, None

    def summary(self) -> str:
        r = self.report
        if r is None:
            return ""
        failed = [t for t in r.tensors if not t.passed]
        if not failed:
            return (f"Gradient check passed: {len(r.tensors)} tensors, worst relative error "
                    f"{error_text(r.max_rel_error)} (tolerance {r.tolerance:g})")
        names = ", ".join(f"{t.label}.{t.tensor}" for t in failed[:4])
        return (f"Gradient check FAILED for {len(failed)} of {len(r.tensors)} tensors ({names}); "
                f"worst relative error {error_text(r.max_rel_error)}")
