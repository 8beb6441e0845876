"""Random JSON through the loader: a GraphError is the only thing that may come out, and what the
published schema refuses the loader refuses too."""

import json

import jsonschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backprop_studio.engine import fileformat, schema
from backprop_studio.engine.errors import GraphError
from backprop_studio.engine.ops import REGISTRY

GOOD = json.loads((fileformat.EXAMPLES / "two_layer_sigmoid.json").read_text(encoding="utf-8"))

names = st.sampled_from(["id", "op", "label", "pos", "config", "tensors", "value", "W", "b",
                         "units", "in_features", "seed", "p", "shape", "feed", "source",
                         "target", "port", "key", "graph", "nodes", "edges", "training", "lr",
                         "output"]) | st.text(max_size=5)
scalars = (st.none() | st.booleans() | st.integers(-10**20, 10**20) |
           st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8) |
           st.sampled_from(sorted(REGISTRY)))
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) |
                           st.dictionaries(names, inner, max_size=4), max_leaves=25)


def load_or_refuse(doc) -> bool:
    """True if it loaded; a refusal must be a GraphError of one line."""
    try:
        fileformat.loads(json.dumps(doc))
        return True
    except GraphError as exc:
        assert "\n" not in str(exc) and len(str(exc)) < 2000
        return False


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_any_json_document_is_loaded_or_refused_with_a_graph_error(doc):
    load_or_refuse(doc)


def _paths(doc, prefix=()):
    yield prefix
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from _paths(v, prefix + (i,))


PATHS = [p for p in _paths(GOOD) if p]
VALIDATOR = jsonschema.Draft202012Validator(schema.build())


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(PATHS), json_values, st.booleans())
def test_a_mutated_good_file_loads_only_if_the_schema_allows_it(path, value, delete):
    doc = json.loads(json.dumps(GOOD))
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    if delete and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    loaded = load_or_refuse(doc)
    if not VALIDATOR.is_valid(doc):
        assert not loaded, "the schema refuses this document but the loader took it"
