"""Hostile input, declared sizes: a small file cannot make the loader allocate big (counted in
bytes with tracemalloc, never timed), and a given tensor must have the shape its settings
declare."""

import json

import numpy as np
import pytest
from hostile_helpers import dense, doc_with, peak_bytes, refused

from backprop_studio.engine import fileformat, limits
from backprop_studio.engine.errors import GraphError

# ---------------------------------------------------------------- declared sizes


@pytest.mark.parametrize("node", [
    dense(in_features=1_000_000, units=1_000_000),              # 74.5 GiB, as in the issue
    dense(in_features=10**15, units=10**15),
    {"id": "w", "op": "parameter", "config": {"shape": [100000, 100000]}},
    {"id": "w", "op": "parameter", "config": {"shape": [2] * 64}},
])
def test_a_small_file_declaring_a_huge_tensor_allocates_nothing_big(capsys, tmp_path, node):
    content = json.dumps(doc_with(node))
    assert len(content) < 400
    line = refused(capsys, tmp_path, content)
    assert "4,194,304" in line or "16,777,216 elements in all" in line
    path = tmp_path / "hostile.json"
    assert peak_bytes(lambda: fileformat.load(path)) < 2_000_000


def test_a_given_tensor_is_measured_before_it_is_converted(capsys, tmp_path):
    ragged = {"id": "x", "op": "input", "tensors": {"value": [[1, 2], [3]]}}
    assert "rectangular" in refused(capsys, tmp_path, doc_with(ragged))
    strings = {"id": "x", "op": "input", "tensors": {"value": [[1, 2], [3, "4"]]}}
    assert "not a number" in refused(capsys, tmp_path, doc_with(strings))
    bools = {"id": "x", "op": "input", "tensors": {"value": [1.0, True]}}
    assert "not a number" in refused(capsys, tmp_path, doc_with(bools))


def test_a_given_tensor_must_match_the_shape_its_settings_declare(capsys, tmp_path):
    wrong_w = dense(in_features=2, units=3) | {"tensors": {"W": [[1, 2], [3, 4]]}}
    line = refused(capsys, tmp_path, doc_with(wrong_w))
    assert line.endswith("hostile.json: graph.nodes[0]: node d: W is 2×2 but the settings say 2×3")
    wrong_b = dense(in_features=1, units=2) | {"tensors": {"W": [[1, 2]], "b": [0.0]}}
    assert "b is 1 but the settings say 2" in refused(capsys, tmp_path, doc_with(wrong_b))
    # measured, not converted: a W far larger than declared is refused before numpy makes it
    big = dense(in_features=1, units=1) | {"tensors": {"W": [[0.5] * 2000] * 1000}}
    with pytest.raises(GraphError, match="W is 1000×2000 but the settings say 1×1"):
        fileformat.from_document(doc_with(big))
    right = dense(in_features=1, units=2) | {"tensors": {"W": [[1, 2]], "b": [0.0, 1.0]}}
    assert fileformat.from_document(doc_with(right)).node("d")["tensors"]["W"].shape == (1, 2)


def test_resizing_a_dense_layer_reseeds_w_and_b_so_its_file_loads(tmp_path):
    from backprop_studio.engine.api import Graph
    g = Graph()
    d = g.dense(g.input("x", [1.0, 2.0]), 2, 2)
    g.set_config(d, "units", 3)
    assert g.node(d)["tensors"]["W"].shape == (2, 3) and g.node(d)["tensors"]["b"].shape == (3,)
    fileformat.save(g, tmp_path / "g.json")
    assert fileformat.dumps(fileformat.load(tmp_path / "g.json")) == fileformat.dumps(g)


def test_an_edit_may_not_give_a_dense_layer_a_tensor_of_another_shape():
    from backprop_studio.engine.api import Graph
    g = Graph()
    d = g.dense(g.input("x", [1.0, 2.0]), 2, 3)
    before = g.node(d)["tensors"]["W"].copy()
    with pytest.raises(GraphError, match="W is a scalar but the settings say 2×3"):
        g.set_tensor(d, "W", 0.5)
    np.testing.assert_array_equal(g.node(d)["tensors"]["W"], before)
    g.set_tensor(d, "W", np.ones((2, 3)))
    assert g.node(d)["tensors"]["W"].sum() == 6


def test_the_total_of_a_files_tensors_is_budgeted():
    side = 2048                            # each W is exactly MAX_TENSOR_ELEMENTS
    assert side * side == limits.MAX_TENSOR_ELEMENTS
    count = limits.MAX_TOTAL_ELEMENTS // (side * side)          # these fit, but not their b's
    nodes = [dense(in_features=side, units=side) | {"id": f"d{i}"} for i in range(count)]
    with pytest.raises(GraphError, match=r"graph.nodes\[3\]: node d3: its tensors .* past "
                                         r"16,777,216 elements in all"):
        fileformat.from_document(doc_with(*nodes))
    with pytest.raises(GraphError, match="16,777,216"):
        fileformat.from_document(doc_with(*nodes[:count - 1], {
            "id": "x", "op": "input", "tensors": {"value": [[0.0] * side] * side}}, nodes[-1]))


def test_a_dense_layer_may_not_be_resized_past_the_budget_by_an_edit():
    from backprop_studio.engine.api import Graph
    g = Graph()
    d = g.dense(g.input("x", [1.0, 2.0]), 2, 3)
    g.set_config(d, "units", 2000)
    with pytest.raises(GraphError, match="would give W 4,000,000,000 elements"):
        g.set_config(d, "in_features", 2_000_000)
    assert g.node(d)["config"] == {"in_features": 2, "units": 2000, "seed": 0, "neurons": False}
