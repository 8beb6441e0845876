"""The engine's one exception type: every failure names the node (label and id) and port."""

from __future__ import annotations


class GraphError(Exception):
    """A problem with the graph or its data, phrased for the person who built it.

    ``node`` and ``port`` let the GUI outline the node at fault and the CLI print one line.
    """

    def __init__(self, message: str, node: str | None = None, label: str | None = None,
                 port: str | None = None):
        self.reason = message
        self.node = node
        self.label = label
        self.port = port
        super().__init__(self._compose())

    def _compose(self) -> str:
        if self.node is None:
            return self.reason
        who = f"{self.label} ({self.node})" if self.label and self.label != self.node else self.node
        where = f"node {who}" + (f", port {self.port}" if self.port else "")
        return f"{where}: {self.reason}"
