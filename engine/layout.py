"""Left-to-right layout by topological generation: inputs on the left, the loss on the right."""

from __future__ import annotations

import networkx as nx

from .graph import ComputationGraph

COLUMN = 300.0      # room between 164-wide nodes for the edge labels of the animation
ROW = 150.0


def layered_positions(graph: ComputationGraph) -> dict[str, tuple[float, float]]:
    """One column per topological generation, each column centred on y = 0."""
    positions = {}
    order = {node: i for i, node in enumerate(graph.nx)}
    for col, generation in enumerate(nx.topological_generations(graph.nx)):
        generation = sorted(generation, key=order.__getitem__)
        top = -(len(generation) - 1) * ROW / 2
        for row, node in enumerate(generation):
            positions[node] = (col * COLUMN, top + row * ROW)
    return positions


def apply_layout(graph: ComputationGraph) -> None:
    for node, pos in layered_positions(graph).items():
        graph.set_position(node, pos)
