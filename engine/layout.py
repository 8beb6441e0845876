"""Left-to-right layered layout: inputs on the left, the loss on the right, compact enough to be
read whole in a laptop window at a readable zoom.

Each node goes in the column after its latest input (an input or parameter in the first
column, or, when its consumer is further than two columns on, just before it, as y beside the
loss); columns are as wide as their widest node plus room for
the edge labels (the value above an edge, its gradient below). A chain longer than ``width``
wraps into bands, one below the other, like lines of text, and each band's spare width goes
to its gaps (up to MAX_EXTRA_ROOM more each) when the graph carries tensors, so that their
wide labels fit between the nodes rather than rising above them.

A leaf that folds into its consumer (engine.folding: W₁ inside W₁x₀, a target inside its loss)
gets no column: it sits in its consumer's two extra rows per folded leaf.
"""

from __future__ import annotations

import math

import networkx as nx

from .folding import folded_leaves, folds_of
from .graph import ComputationGraph

NODE_WIDTH = 164.0      # the canvas's narrowest node; a long label widens it
TENSOR_NODE_WIDTH = 184.0   # a node showing a small array, e.g. [[0.0038, 0.0047]]
CHAR_WIDTH = 7.2        # a label character in the node's bold header font, on average
HEADER_EXTRA = 92.0     # a header's op badge, op name and padding
ROW_GAP = 22.0          # between nodes of one column
LABEL_ROOM_SCALAR = 84.0    # between columns, for "−4" above and "3" below an edge
LABEL_ROOM_TENSOR = 140.0   # for "[[0.38, 0.39]]" or "1×16 ∈[−0.98, 0.97]"
PARAM_ROOM = 64.0       # under a layer, for its ∂L/∂W and ∂L/∂b
FOLD_ROWS = 36.0        # a folded leaf's value and gradient rows inside its consumer
BAND_GAP = 60.0         # between wrapped bands
MIN_ROOM = 120.0        # the narrowest gap a wrapped band packs to; its labels may rise
MAX_EXTRA_ROOM = 40.0   # how much wider than LABEL_ROOM a band's gaps may grow
WIDTH = 860.0           # the widest band, in scene units: a 1280×800 window's canvas at ~86 %
COLUMN = NODE_WIDTH + LABEL_ROOM_TENSOR     # a column's pitch, for code that spaces by hand
ROW = 150.0


def base_height(graph: ComputationGraph, node: str) -> float:
    """The node's box as node_item draws it: header, port rows, value and gradient rows."""
    return 26 + max(len(graph.op(node).ports), 1) * 19 + 2 * 17 + 6


def node_size(graph: ComputationGraph, node: str, folds: int = 0) -> tuple[float, float]:
    """The node's canvas size, as node_item draws it, with ``folds`` folded leaves' rows, plus
    the room its parameter badge takes underneath."""
    spec = graph.op(node)
    width = max(NODE_WIDTH, len(graph.label(node)) * CHAR_WIDTH + HEADER_EXTRA)
    height = base_height(graph, node) + folds * FOLD_ROWS
    if spec.name in ("dense",):
        height += PARAM_ROOM
    return width, height


def _has_tensors(graph: ComputationGraph) -> bool:
    import numpy as np
    for node in graph.nodes:
        if graph.op(node).name in ("dense", "matmul"):
            return True
        for value in graph.node(node).get("tensors", {}).values():
            if np.size(value) > 1:
                return True
    return False


def _columns(graph: ComputationGraph, folded=()) -> tuple[list[list[str]], set[str]]:
    """The nodes by column (folded leaves left out), and the leaves that go under their
    column's computed nodes."""
    g = graph.nx.subgraph([n for n in graph.nx if n not in folded]) if folded else graph.nx
    rank: dict[str, int] = {}
    for node in nx.topological_sort(g):
        preds = list(g.predecessors(node))
        rank[node] = 1 + max((rank[p] for p in preds), default=-1)
    under: set[str] = set()
    for node in reversed(list(nx.topological_sort(g))):
        succ = list(g.successors(node))       # a leaf far from its consumer (y at the loss)
        if list(g.predecessors(node)) or not succ:
            continue
        nearest = min(rank[s] for s in succ)
        if nearest > 2:
            rank[node] = nearest - 1                          # goes next to it
        elif nearest == 2:
            # a leaf one column short (z at CS231n's multiply): its edge would run behind
            # the node between and look like one of its inputs, so it goes beside its
            # consumer, under that column's node, as CS231n draws z under q
            rank[node] = 1
            under.add(node)
    order = {node: i for i, node in enumerate(g)}
    columns: list[list[str]] = [[] for _ in range(max(rank.values(), default=-1) + 1)]
    for node in sorted(rank, key=order.__getitem__):
        columns[rank[node]].append(node)
    return columns, under


def layered_positions(graph: ComputationGraph, width: float = WIDTH, fold: bool = True
                      ) -> dict[str, tuple[float, float]]:
    """Top-left corners for every node: layered columns, wrapped ``width`` wide; with ``fold``,
    each folded leaf at its rows inside its consumer.

    Columns are centred on one another, as in the CS231n figures, when the graph fits in one
    band; otherwise they hang from the band's top, and a column that would pass ``width``
    starts a new band, at the left or indented past the first column (the inputs, often the
    tallest), whichever lies higher, just below what is placed above it."""
    if not len(graph):
        return {}
    folded = folded_leaves(graph) if fold else {}
    folds = folds_of(graph, folded)
    columns, under = _columns(graph, folded)
    tensors = _has_tensors(graph)
    room = LABEL_ROOM_TENSOR if tensors else LABEL_ROOM_SCALAR
    sizes = {}
    for n in graph.nodes:
        if n in folded:
            continue
        w, h = node_size(graph, n, len(folds.get(n, ())))
        sizes[n] = (max(w, TENSOR_NODE_WIDTH) if tensors else w, h)
    g = graph.nx
    y_of: dict[str, float] = {}

    def ordered(col):
        def key(n):
            near = [y_of[p] for p in g.predecessors(n) if p in y_of]
            if n in under:
                return (math.inf, col.index(n))
            return (sum(near) / len(near) if near else col.index(n), col.index(n))
        return sorted(col, key=key)

    widths = [max(sizes[n][0] for n in col) if col else 0.0 for col in columns]
    indent = widths[0] + room if columns else 0.0
    positions: dict[str, tuple[float, float]] = {}
    skyline: list[tuple[float, float, float]] = []          # (left, right, bottom) placed

    def depth(left: float) -> float:
        return max((bottom for l0, r0, bottom in skyline if l0 < width and r0 > left),
                   default=0.0)

    wraps = sum(widths) + room * (len(widths) - 1) > width
    pack = min(room, MIN_ROOM) if wraps else room
    i, top = 0, 0.0
    while i < len(columns):
        if i == 0:
            start, top = 0.0, 0.0
        else:                   # wrap: under the shallower part of what is placed already
            start = min((0.0, indent), key=lambda x: (depth(x), x))
            top = depth(start) + BAND_GAP
        ks, x = [], start
        while i < len(columns) and (not ks or x + widths[i] <= width):
            ks.append(i)
            x += widths[i] + pack
            i += 1
        gap = room
        if wraps and tensors and len(ks) > 1:   # spare width to the gaps, for wide labels
            used = sum(widths[k] for k in ks)
            gap = min((width - start - used) / (len(ks) - 1), room + MAX_EXTRA_ROOM)
        band, x = [], start
        for k in ks:
            band.append((k, x))
            x += widths[k] + gap
        heights = {k: sum(sizes[n][1] for n in columns[k]) + ROW_GAP * (len(columns[k]) - 1)
                   for k, _ in band}
        band_h = max(heights.values())
        for k, x in band:
            col = columns[k] = ordered(columns[k])
            y = top + ((band_h - heights[k]) / 2 if not wraps else 0.0)
            for node in col:
                positions[node] = (round(x), round(y))
                y_of[node] = y + sizes[node][1] / 2
                y += sizes[node][1] + ROW_GAP
            skyline.append((x, x + widths[k], y - ROW_GAP))
    positions.update(fold_spots(graph, folded, positions))
    return positions


def fold_spot(graph: ComputationGraph, consumer: str, index: int, at=None
              ) -> tuple[float, float]:
    """Where the ``index``-th leaf folded into ``consumer`` sits (its rows' top-left), with
    the consumer at ``at`` (default: where the graph has it)."""
    cx, cy = at if at is not None else graph.node(consumer)["pos"]
    return (round(cx), round(cy + base_height(graph, consumer) + index * FOLD_ROWS))


def fold_spots(graph: ComputationGraph, folded: dict, at=None) -> dict:
    """{leaf: its spot} for the ``folded`` leaves ({leaf: (consumer, port)}), with the
    consumers at ``at`` ({node: position}; default: where the graph has them)."""
    spots = {}
    for consumer, leaves in folds_of(graph, folded).items():
        for j, leaf in enumerate(leaves):
            spots[leaf] = fold_spot(graph, consumer, j, at[consumer] if at else None)
    return spots


def glue_folded(graph: ComputationGraph) -> None:
    """Put every folded leaf at its spot in its consumer (after placing nodes by hand)."""
    for leaf, spot in fold_spots(graph, folded_leaves(graph)).items():
        graph.set_position(leaf, spot)


def apply_layout(graph: ComputationGraph, width: float = WIDTH, fold: bool = True) -> None:
    for node, pos in layered_positions(graph, width, fold).items():
        graph.set_position(node, pos)


def unfold_layout(graph: ComputationGraph) -> bool:
    """For a view that does not fold: a graph laid out folded (its leaves at their spots
    inside their consumers) is laid out again unfolded; True if it was."""
    for leaf, spot in fold_spots(graph, folded_leaves(graph)).items():
        if tuple(map(round, graph.node(leaf)["pos"])) == spot:
            apply_layout(graph, fold=False)
            return True
    return False
