"""Graph files: exact round trips, networkx compatibility, refusals that say where, atomic saves."""

import json
import os

import networkx as nx
import numpy as np
import pytest

from backprop_studio.engine import GraphError, fileformat, run
from backprop_studio.engine.api import Graph
from backprop_studio.engine.ops import REGISTRY


@pytest.mark.parametrize("path", fileformat.example_paths(), ids=lambda p: p.stem)
def test_save_load_save_is_identical_for_every_example(path, tmp_path):
    text = path.read_text(encoding="utf-8")
    graph = fileformat.loads(text)
    assert fileformat.dumps(graph) == text
    out = tmp_path / "again.json"
    fileformat.save(fileformat.load(path), out)
    assert out.read_text(encoding="utf-8") == text


def test_files_load_with_networkx_node_link_graph():
    doc = json.loads((fileformat.EXAMPLES / "cs231n_add_multiply.json").read_text())
    assert doc["format"] == "backprop-studio" and doc["version"] == 1
    g = nx.node_link_graph(doc["graph"], edges="edges")
    assert isinstance(g, nx.MultiDiGraph)
    assert sorted((u, v, d["port"]) for u, v, d in g.edges(data=True)) == [
        ("q", "f", "a"), ("x", "q", "a"), ("y", "q", "b"), ("z", "f", "b")]
    assert g.nodes["x"]["tensors"]["value"] == -2.0 and g.graph["output"] == "f"


def test_parameters_positions_output_and_training_survive_a_round_trip(tmp_path):
    g = Graph()
    x = g.input("x", [[1.0, 2.0]], feed="features")
    d = g.dense(x, 2, 3, W=np.arange(6.0).reshape(2, 3) / 7, b=[0.1, -0.2, 1e-300])
    g.set_position(d, (12.5, -3.25))
    g.set_output(d)
    g.training(dataset="xor", lr=0.05)
    g.save(tmp_path / "g.json")
    back = fileformat.load(tmp_path / "g.json")
    np.testing.assert_array_equal(back.node(d)["tensors"]["W"], np.arange(6.0).reshape(2, 3) / 7)
    assert back.node(d)["tensors"]["b"].tolist() == [0.1, -0.2, 1e-300]
    assert back.node(d)["pos"] == [12.5, -3.25]
    assert back.output == d and back.nx.graph["training"] == {"dataset": "xor", "lr": 0.05}
    assert back.node(x)["config"]["feed"] == "features"


def test_the_schema_lists_exactly_the_registered_ops():
    enum = fileformat.schema()["$defs"]["node"]["properties"]["op"]["enum"]
    assert enum == sorted(REGISTRY)


def good_doc():
    return json.loads((fileformat.EXAMPLES / "cs231n_add_multiply.json").read_text())


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d.update(format="other"), "format"),
    (lambda d: d.update(version=7), "version"),
    (lambda d: d["graph"]["nodes"][3].update(op="mulitply"), r"graph.nodes\[3\].op"),
    (lambda d: d["graph"]["nodes"][0].update(pos=[1]), r"graph.nodes\[0\]: node x: a position"),
    (lambda d: d["graph"]["nodes"][0]["tensors"].update(value="7"),
     r"nodes\[0\]: node x: value: not a number"),
    (lambda d: d["graph"]["nodes"][0]["tensors"].update(value=[[1, 2], [3]]), "rectangular"),
    (lambda d: d["graph"]["edges"][0].update(target="nowhere"), "no node 'nowhere'"),
    (lambda d: d["graph"]["edges"][0].update(port="c"), "no input port 'c'"),
    (lambda d: d["graph"]["edges"].append(dict(d["graph"]["edges"][0])), "already connected"),
    (lambda d: d["graph"]["edges"].append({"source": "f", "target": "q", "port": "b"}),
     "already connected|cycle"),
    (lambda d: d["graph"]["nodes"].append(dict(d["graph"]["nodes"][0])), "already exists"),
    (lambda d: d["graph"]["graph"].update(output="ghost"), "no node 'ghost'"),
    (lambda d: d["graph"].pop("edges"), "edges"),
])
def test_a_bad_file_is_refused_whole_saying_where_and_what(mutate, message, tmp_path):
    doc = good_doc()
    mutate(doc)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(GraphError, match=message) as err:
        fileformat.load(path)
    assert str(path) in str(err.value)


def test_a_cycle_in_a_file_is_refused():
    doc = good_doc()
    doc["graph"]["nodes"].append({"id": "s", "op": "sigmoid"})
    doc["graph"]["edges"].remove({"source": "x", "target": "q", "port": "a", "key": "a"})
    doc["graph"]["edges"] += [{"source": "f", "target": "s", "port": "z"},
                              {"source": "s", "target": "q", "port": "a"}]
    with pytest.raises(GraphError, match="cycle"):
        fileformat.loads(json.dumps(doc))


def test_not_json_gives_line_and_column(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"format": "backprop-studio",\n  "version": 1,,\n}')
    with pytest.raises(GraphError, match=r"not valid JSON \(line 2, column 16"):
        fileformat.load(path)
    with pytest.raises(GraphError, match="NaN is not a number"):
        fileformat.loads('{"format": NaN}')
    with pytest.raises(GraphError, match="no such file"):
        fileformat.load(tmp_path / "missing.json")


def test_nan_parameters_cannot_be_saved_and_the_old_file_survives(tmp_path):
    path = tmp_path / "g.json"
    g = Graph()
    w = g.parameter("w", 1.0)
    g.save(path)
    before = path.read_text()
    with pytest.raises(GraphError, match="NaN"):
        g.set_tensor(w, "value", float("nan"))          # an edit is refused…
    g.set_tensors({(w, "value"): float("nan")})          # …a diverged training run is not,
    with pytest.raises(GraphError, match="NaN"):         # and then saving is refused
        g.save(path)
    assert path.read_text() == before
    assert os.listdir(tmp_path) == ["g.json"]


def test_a_failed_write_leaves_the_old_file_intact(tmp_path, monkeypatch):
    path = tmp_path / "g.json"
    g = Graph()
    g.parameter("w", 1.0)
    g.save(path)
    before = path.read_text()
    g.parameter("v", 2.0)

    def refuse(src, dst):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(GraphError, match="No space left"):
        g.save(path)
    assert path.read_text() == before
    assert os.listdir(tmp_path) == ["g.json"]          # no temporary file left behind


def test_loaded_examples_run():
    for path in fileformat.example_paths():
        result = run(fileformat.load(path))
        assert result.output is not None and np.isfinite(result.loss)
