"""The graph file's JSON Schema, generated from the op registry and the limits.

resources/graph.schema.json is this function's output, written by
``python -m backprop_studio.engine.schema --write`` and checked equal to it by
tests/test_schema.py, so each op's settings are declared once (engine/ops.py) and the file on
disk, which other tools can use, is always complete. The loader validates a document's frame with
jsonschema and leaves each node and edge to the graph's own checks, which enforce the same rules
(and more: finite numbers, sizes, cycles) about a hundred times faster than jsonschema, which
takes ~0.1 ms a node.
"""

from __future__ import annotations

import json
import sys

from .exercise.model import schema_defs as exercise_defs
from .limits import MAX_NAME_CHARS, MAX_NODES
from .ops import REGISTRY
from .settings import TRAINING

NAME = {"type": "string", "minLength": 1, "maxLength": MAX_NAME_CHARS}


def _config(op) -> dict:
    return {"type": "object", "properties": {s.name: s.schema() for s in op.settings},
            "additionalProperties": False}


def build() -> dict:
    ops = sorted(REGISTRY)
    per_op = [{"if": {"properties": {"op": {"const": name}}, "required": ["op"]},
               "then": {"properties": {"config": _config(REGISTRY[name]),
                                       "tensors": {"propertyNames": {
                                           "enum": list(REGISTRY[name].tensors)}}}}}
              for name in ops]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://backprop-studio.invalid/graph.schema.json",
        "title": "Backprop Studio graph file",
        "description": "A computation graph in networkx node-link form (edges under \"edges\"), "
                       "with each node's op, label, canvas position, settings and tensors. "
                       "Generated from the op registry (python -m backprop_studio.engine.schema "
                       "--write); limits beyond what JSON Schema can say (finite numbers, file "
                       "size, tensor sizes) are in README's File format section.",
        "type": "object",
        "required": ["format", "version", "graph"],
        "properties": {
            "format": {"const": "backprop-studio"},
            "version": {"const": 1},
            "graph": {
                "type": "object",
                "required": ["directed", "multigraph", "nodes", "edges"],
                "properties": {
                    "directed": {"const": True},
                    "multigraph": {"const": True},
                    "graph": {"type": "object", "properties": {
                        "output": {"type": ["string", "null"]},
                        "training": {"$ref": "#/$defs/training"},
                        "exercise": {"$ref": "#/$defs/exercise"}}},
                    "nodes": {"type": "array", "maxItems": MAX_NODES,
                              "items": {"$ref": "#/$defs/node"}},
                    "edges": {"type": "array", "items": {"$ref": "#/$defs/edge"}},
                },
            },
        },
        "$defs": {
            "tensor": {"oneOf": [{"type": "number"},
                                 {"type": "array", "items": {"$ref": "#/$defs/tensor"}}]},
            "node": {
                "type": "object",
                "required": ["id", "op"],
                "properties": {
                    "id": NAME,
                    "op": {"enum": ops},
                    "label": NAME,
                    "pos": {"type": "array", "items": {"type": "number"}, "minItems": 2,
                            "maxItems": 2},
                    "config": {"type": "object"},
                    "tensors": {"type": "object",
                                "additionalProperties": {"$ref": "#/$defs/tensor"}},
                },
                "allOf": per_op,
            },
            "edge": {
                "type": "object",
                "required": ["source", "target", "port"],
                "properties": {"source": {"type": "string"}, "target": {"type": "string"},
                               "port": {"type": "string"}, "key": {"type": "string"}},
            },
            "training": {"type": "object",
                         "properties": {s.name: s.schema() for s in TRAINING},
                         "additionalProperties": False},
            **exercise_defs(),
        },
    }


def frame(full: dict) -> dict:
    """The schema with node and edge items and the training block left out: what the loader
    gives jsonschema (the graph checks those, with the registry's messages)."""
    out = json.loads(json.dumps(full))
    graph = out["properties"]["graph"]["properties"]
    graph["nodes"] = {"type": "array"}
    graph["edges"] = {"type": "array"}
    graph["graph"]["properties"]["training"] = {}     # checked setting by setting, by the graph
    return out


def text() -> str:
    return json.dumps(build(), indent=1, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    if sys.argv[1:] == ["--write"]:
        from .resources import resource
        resource("graph.schema.json").write_text(text(), encoding="utf-8")
    else:
        sys.stdout.write(text())
