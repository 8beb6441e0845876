"""The shipped schema is what the registry generates, and its per-op settings are the registry's."""

import json

import jsonschema
import pytest

from backprop_studio.engine import fileformat, schema
from backprop_studio.engine.ops import REGISTRY


def test_the_shipped_schema_is_the_generated_one():
    on_disk = fileformat.SCHEMA_PATH.read_text(encoding="utf-8")
    assert on_disk == schema.text(), "run: python -m backprop_studio.engine.schema --write"


def _node_rules(op: str) -> dict:
    rules = schema.build()["$defs"]["node"]["allOf"]
    return next(r["then"] for r in rules if r["if"]["properties"]["op"]["const"] == op)


def test_each_op_config_lists_exactly_its_registered_settings():
    for name, op in REGISTRY.items():
        config = _node_rules(name)["properties"]["config"]
        assert sorted(config["properties"]) == sorted(s.name for s in op.settings)
        assert config["additionalProperties"] is False


@pytest.mark.parametrize("op, config, ok", [
    ("dense", {"units": 3, "in_features": 2, "seed": 0}, True),
    ("dense", {"units": "3"}, False),
    ("dense", {"units": -1}, False),
    ("dense", {"units": [3]}, False),
    ("power", {"p": 2.5}, True),
    ("power", {"p": "2"}, False),
    ("input", {"feed": "features"}, True),
    ("input", {"feed": "labels"}, False),
    ("parameter", {"shape": [2, 3]}, True),
    ("parameter", {"shape": [0]}, False),
    ("add", {"p": 1}, False),
])
def test_schema_and_graph_agree_on_settings(op, config, ok):
    doc = {"format": "backprop-studio", "version": 1, "graph": {
        "directed": True, "multigraph": True, "graph": {}, "edges": [],
        "nodes": [{"id": "n", "op": op, "config": config}]}}
    schema_ok = jsonschema.Draft202012Validator(schema.build()).is_valid(doc)
    try:
        fileformat.from_document(json.loads(json.dumps(doc)))
        loader_ok = True
    except fileformat.GraphError:
        loader_ok = False
    assert schema_ok == loader_ok == ok
