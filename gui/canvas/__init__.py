"""The canvas: a QGraphicsScene that follows the engine graph's events, and its view."""

from .edge_item import EdgeItem
from .node_item import NodeItem
from .scene import GraphScene
from .view import GraphView

__all__ = ["EdgeItem", "NodeItem", "GraphScene", "GraphView"]
