"""Which leaves the scene draws inside their consumer (the rule is engine.folding's), kept true
as the graph is edited.

Opening a graph, or switching View ▸ Fold weights and targets, folds every leaf the rule
names. After an edit a leaf that no longer qualifies (its edge moved, its consumer deleted, it
became a scalar) unfolds where its rows were; one folds anew only if it sits at its spot in
the consumer, as undo and paste put it back, so a parameter a user wires by hand never jumps
into a node.
"""

from __future__ import annotations

from backprop_studio.engine.folding import foldable, folded_leaves, folds_of
from backprop_studio.engine.layout import fold_spots
from backprop_studio.gui.commands import MoveNodes


def refold(scene, everything: bool = False, touched=()) -> bool:
    """Bring the scene's folded leaves in line with the rule; True if anything changed.
    ``everything``: fold every leaf that qualifies (a graph opened, the View toggle); else
    only the folded leaves and the ``touched`` nodes are looked at, so an edit costs what it
    touches, not the graph's size."""
    graph = scene.graph
    if not scene.fold:
        want = {}
    elif everything:
        want = folded_leaves(graph)
    else:
        want = {}
        for leaf in set(scene.folded) | set(touched):
            hit = foldable(graph, leaf) if leaf in graph.nx else None
            if hit is not None:
                want[leaf] = hit
    want = {leaf: hit for leaf, hit in want.items()
            if scene.node_item(leaf) is not None and scene.node_item(hit[0]) is not None}
    if not everything:
        want = {leaf: hit for leaf, hit in want.items()
                if leaf in scene.folded or _at_spot(graph, want, leaf)}
    if want == scene.folded:
        return False
    hosts = {c for c, _ in scene.folded.values()} | {c for c, _ in want.values()}
    changed = {leaf for leaf in set(scene.folded) | set(want)
               if scene.folded.get(leaf) != want.get(leaf)}
    scene.unfolded = {leaf: scene.folded[leaf][0] for leaf in set(scene.folded) - set(want)
                      if scene.node_item(leaf) is not None
                      and scene.node_item(scene.folded[leaf][0]) is not None}
    for leaf in set(scene.folded) - set(want):
        item = scene.node_item(leaf)
        if item is not None:
            item.set_folded_into(None)
    for leaf, (consumer, _) in want.items():
        scene.node_item(leaf).set_folded_into(scene.node_item(consumer))
    scene.folded = want
    grouped = folds_of(graph, want)
    for host in hosts:
        item = scene.node_item(host)
        if item is not None:
            item.set_folds([scene.node_item(leaf) for leaf in grouped.get(host, [])])
    for leaf in changed:
        item = scene.node_item(leaf)
        for edge in item.edges if item is not None else ():
            edge.folded = edge.source in want and want[edge.source][0] == edge.target
            edge.setVisible(not edge.folded)
    scene.reroute_now()                     # nodes grew or shrank: wrapped routes change too
    return True


def _at_spot(graph, want, leaf) -> bool:
    return tuple(map(round, graph.node(leaf)["pos"])) == fold_spots(graph, want)[leaf]


def free_spot(scene, item, host) -> tuple[float, float] | None:
    """A place for a leaf that an edit unfolded while its node stays (its edge moved, it
    became a scalar): where it stands if that is clear of every node, else left of its old
    host, then above or below that, then further out; None where it stands will do."""
    from PySide6.QtCore import QRectF

    from backprop_studio.gui.canvas.node_item import NodeItem

    w, h = item.width, item.height

    def clear(x: float, y: float) -> bool:
        box = QRectF(x - 16, y - 16, w + 32, h + 32)
        return not any(isinstance(o, NodeItem) and o is not item and o.folded_into is None
                       and o.mapRectToScene(o.body_rect()).intersects(box)
                       for o in scene.items(box))
    if clear(item.pos().x(), item.pos().y()):
        return None
    hx, hy, hw, hh = host.pos().x(), host.pos().y(), host.width, host.height
    for k in range(12):
        out = 60 + 40 * k
        for x, y in ((hx - w - out, hy), (hx - w - out, hy - h - out / 2),
                     (hx - w - out, hy + hh + out / 2), (hx, hy - h - out),
                     (hx, hy + hh + out), (hx + hw + out, hy)):
            if clear(x, y):
                return (round(x), round(y))
    return None


def overlapping(scene) -> bool:
    """Whether any two unfolded nodes' boxes overlap (after a toggle grew or shrank some);
    the scene's index finds each box's neighbours."""
    from backprop_studio.gui.canvas.node_item import NodeItem

    for item in scene.node_items():
        if item.folded_into is not None:
            continue
        box = item.mapRectToScene(item.body_rect())
        for other in scene.items(box):
            if isinstance(other, NodeItem) and other is not item and \
                    other.folded_into is None and \
                    other.mapRectToScene(other.body_rect()).intersects(box):
                return True
    return False


class FoldToggle(MoveNodes):
    """View ▸ Fold when it laid the graph out again: the drawing and the new places are one
    undo step, so Ctrl+Z gives back both (the menu's tick follows). Made after the drawing has
    changed, so its first redo only moves the nodes."""

    def __init__(self, scene, on: bool, moves: dict, tick) -> None:
        super().__init__(scene.graph, moves, "Fold weights and targets" if on
                         else "Unfold weights and targets")
        self.scene, self.on, self.tick = scene, on, tick
        self._applied = True

    def do(self) -> None:
        if not self._applied:
            self._show(self.on)
        self._applied = False
        super().do()

    def undo_edit(self) -> None:
        super().undo_edit()
        self._show(not self.on)

    def _show(self, on: bool) -> None:
        self.scene.set_fold(on)
        self.tick(on)
