"""A keyed digest of what a student must not change: the graph's maths and the teacher's part
of the exercise. Made by ``exercise make``, checked by ``exercise grade``.

It detects edits (a value changed, a node or edge added or removed, a blank taken away); it is
no protection against a determined forger, since the key ships with the app. Positions, labels
and display settings are left out, so moving a node on the canvas is not tampering.
"""

from __future__ import annotations

import hashlib
import hmac
import json

from ..fileformat import to_document
from .model import of_graph

KEY = b"backprop-studio exercise seal v1"


def _content(graph) -> bytes:
    doc = to_document(graph)["graph"]
    nodes = []
    for node in doc["nodes"]:
        display = graph.op(node["id"]).display
        nodes.append({"id": node["id"], "op": node["op"], "tensors": node["tensors"],
                      "config": {k: v for k, v in node["config"].items() if k not in display}})
    edges = sorted([e["source"], e["target"], e["port"]] for e in doc["edges"])
    ex = of_graph(graph)
    attrs = {k: v for k, v in doc["graph"].items() if k != "exercise"}
    return json.dumps({"nodes": nodes, "edges": edges, "attrs": attrs,
                       "exercise": ex.teacher_part() if ex else None},
                      sort_keys=True, ensure_ascii=True, allow_nan=False).encode()


def seal(graph) -> str:
    return hmac.new(KEY, _content(graph), hashlib.sha256).hexdigest()


def intact(graph) -> bool:
    ex = of_graph(graph)
    return ex is not None and ex.seal is not None and hmac.compare_digest(ex.seal, seal(graph))
