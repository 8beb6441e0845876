"""Hostile input: every class of bad file is refused with exit 2 and one line, memory bounded.

Each case goes through the command line's own entry (``cli.main``, in this process so that
tracemalloc can count what loading allocates); a few run as real subprocesses too. Allocation
bounds are counts of bytes, never times.
"""

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hostile_helpers import dense, doc_with, peak_bytes, refused, refused_path

from backprop_studio.engine import cli, fileformat, limits
from backprop_studio.engine.errors import GraphError

ROOT = Path(__file__).resolve().parent.parent
EX = fileformat.EXAMPLES


# ---------------------------------------------------------------- settings


@pytest.mark.parametrize("node, message", [
    (dense(units="3"), "node d: setting units must be a whole number, got '3'"),
    (dense(units=-1), "node d: setting units must be between 1 and"),
    (dense(units=[3]), "node d: setting units must be a whole number, got [3]"),
    (dense(in_features=2.5), "setting in_features must be a whole number, got 2.5"),
    (dense(units=True), "setting units must be a whole number, got True"),
    (dense(seed=-1), "setting seed must be between 0 and 2,147,483,647, got -1"),
    (dense(seed=None), "setting seed must be a whole number, got None"),
    ({"id": "p", "op": "power", "config": {"p": "2"}}, "node p: setting p must be a number"),
    ({"id": "p", "op": "power", "config": {"p": 1e7}}, "setting p must be between -1,000,000 and"),
    ({"id": "w", "op": "parameter", "config": {"shape": [-1]}}, "setting shape must be a list"),
    ({"id": "w", "op": "parameter", "config": {"shape": "2,3"}}, "setting shape must be a list"),
    ({"id": "w", "op": "parameter", "config": {"shape": [2.5]}}, "setting shape must be a list"),
    ({"id": "w", "op": "parameter", "config": {"scale": -1}}, "setting scale must be between 0"),
    ({"id": "x", "op": "input", "config": {"feed": "labels"}},
     "setting feed must be one of null, 'features', 'targets', got 'labels'"),
    ({"id": "a", "op": "add", "config": {"p": 1}}, "node a: add has no setting 'p'"),
    ({"id": "a", "op": "add", "config": [1]}, "graph.nodes[0].config: must be an object"),
    ({"id": 7, "op": "add"}, "graph.nodes[0].id: must be text, got 7"),
    ({"id": "a", "op": "add", "label": ["x"]}, "graph.nodes[0].label: must be text, got ['x']"),
    ({"id": "a", "op": "add", "label": "x" * 1001}, "a label must be text of 1 to 1000"),
    ({"id": "a", "op": ["add"]}, "graph.nodes[0].op: ['add'] is not one of the ops"),
])
def test_wrong_setting_types_and_ranges_are_refused_naming_node_and_setting(
        capsys, tmp_path, node, message):
    line = refused(capsys, tmp_path, doc_with(node))
    assert message in line
    assert "graph.nodes[0]" in line


@pytest.mark.parametrize("training, message", [
    ({"lr": -1}, "training setting lr must be above 0, got -1"),
    ({"lr": "fast"}, "training setting lr must be a number"),
    ({"steps": 0}, "training setting steps must be between 1"),
    ({"batch_size": 2.5}, "batch_size"),
    ({"optimizer": "rmsprop"}, "optimizer"),
    ({"turbo": True}, "training has no setting 'turbo'"),
])
def test_a_bad_training_block_is_refused(capsys, tmp_path, training, message):
    import re
    line = refused(capsys, tmp_path, doc_with({"id": "a", "op": "add"}, graph={
        "training": training}))
    assert re.search(message, line), line


# ---------------------------------------------------------------- finite numbers


GOOD = (EX / "sigmoid_neuron.json").read_text(encoding="utf-8")


@pytest.mark.parametrize("place, text", [
    ("tensor", '{"id": "x", "op": "input", "tensors": {"value": 1e400}}'),
    ("tensor in a list", '{"id": "x", "op": "input", "tensors": {"value": [1, -1e400]}}'),
    ("position", '{"id": "x", "op": "input", "pos": [1e400, 0]}'),
    ("setting", '{"id": "p", "op": "power", "config": {"p": 1e400}}'),
    ("setting", '{"id": "p", "op": "power", "config": {"p": -1E+999}}'),
    ("NaN literal", '{"id": "x", "op": "input", "tensors": {"value": NaN}}'),
    ("Infinity literal", '{"id": "x", "op": "input", "pos": [Infinity, 0]}'),
    ("huge integer", '{"id": "x", "op": "input", "pos": [1' + "0" * 400 + ', 0]}'),
    ("huge integer tensor", '{"id": "x", "op": "input", "tensors": {"value": 1' + "0" * 400
     + '}}'),
])
def test_infinite_numbers_are_refused_everywhere_in_a_file(capsys, tmp_path, place, text):
    content = ('{"format": "backprop-studio", "version": 1, "graph": {"directed": true, '
               '"multigraph": true, "graph": {}, "edges": [], "nodes": [' + text + ']}}')
    line = refused(capsys, tmp_path, content)
    assert any(w in line for w in ("infinite", "finite", "too large", "NaN", "Infinity")), line


def test_an_infinite_training_setting_is_refused(capsys, tmp_path):
    content = GOOD.replace('"output"', '"training": {"lr": 1e400}, "output"', 1)
    assert content != GOOD
    line = refused(capsys, tmp_path, content)
    assert "infinite" in line


def test_an_infinite_power_never_reaches_generated_code():
    from backprop_studio.engine.api import Graph
    g = Graph()
    x = g.input("x", 2.0)
    with pytest.raises(GraphError, match="setting p must be a finite number"):
        g.power(x, p=float("inf"))
    node = g.power(x, p=3.0)
    g.node(node)["config"]["p"] = float("inf")       # even written behind the graph's back
    with pytest.raises(GraphError, match="setting p is inf"):
        g.run()


# ---------------------------------------------------------------- depth


def nested(value, depth):
    for _ in range(depth):
        value = [value]
    return value


def test_a_tensor_as_deep_as_numpy_allows_loads():
    node = {"id": "x", "op": "input", "tensors": {"value": nested(2.5, limits.MAX_TENSOR_DIMS)}}
    graph = fileformat.loads(json.dumps(doc_with(node)))
    value = graph.node("x")["tensors"]["value"]
    assert value.ndim == 64 and value.sum() == 2.5


@pytest.mark.parametrize("depth", [limits.MAX_TENSOR_DIMS + 1, 300])
def test_a_deeper_tensor_is_refused_with_a_message(capsys, tmp_path, depth):
    node = {"id": "x", "op": "input", "tensors": {"value": nested(1.0, depth)}}
    line = refused(capsys, tmp_path, doc_with(node))
    assert "nests deeper than 64 levels" in line or "nests too deeply" in line


@pytest.mark.parametrize("depth", [2_000, 100_000, 1_000_000])
def test_an_absurdly_deep_document_is_refused_not_a_recursion_error(capsys, tmp_path, depth):
    line = refused(capsys, tmp_path, "[" * depth + "]" * depth)
    assert "nests too deeply" in line


def test_an_infinite_graph_attribute_is_refused(capsys, tmp_path):
    content = GOOD.replace('"output"', '"note": {"x": [1, 2e999]}, "output"', 1)
    assert "graph.graph.'note': holds an infinite number" in refused(capsys, tmp_path, content)


@pytest.mark.parametrize("where", ["format", "graph", "directed", "output", "nodes"])
def test_a_deep_value_anywhere_in_the_frame_is_refused_with_a_message(capsys, tmp_path, where):
    doc = doc_with({"id": "a", "op": "add"})
    deep = "DEEP"                                    # written as text: json.dumps would recurse
    if where in ("format", "graph"):
        doc[where] = deep
    elif where == "output":
        doc["graph"]["graph"]["output"] = deep
    else:
        doc["graph"][where] = deep
    text = json.dumps(doc).replace('"DEEP"', "[" * 990 + "1" + "]" * 990)
    line = refused(capsys, tmp_path, text)
    assert len(line) < 500


def test_a_deep_graph_attribute_is_refused(capsys, tmp_path):
    line = refused(capsys, tmp_path, doc_with({"id": "a", "op": "add"},
                                              graph={"note": nested(1, 40)}))
    assert "graph.graph.'note': nests deeper than 32 levels" in line


# ---------------------------------------------------------------- size


def test_a_file_over_the_byte_limit_is_refused_before_it_is_read(capsys, tmp_path):
    path = tmp_path / "big.json"
    with open(path, "wb") as handle:              # sparse: no disk used, nothing to read
        handle.truncate(limits.MAX_FILE_BYTES + 1)
    line = refused_path(capsys, path)
    assert "67,108,865 bytes; a graph file may have at most 67,108,864" in line
    assert peak_bytes(lambda: fileformat.load(path)) < 100_000


def test_too_many_nodes_are_refused_before_any_is_built(capsys, tmp_path):
    text = ('{"format": "backprop-studio", "version": 1, "graph": {"directed": true, '
            '"multigraph": true, "edges": [], "nodes": [' +
            ",".join(["{}"] * (limits.MAX_NODES + 1)) + "]}}")
    line = refused(capsys, tmp_path, text)
    assert "100,001 nodes; a graph file may hold at most 100,000" in line


def test_more_edges_than_input_ports_are_refused_at_once(capsys, tmp_path):
    edge = {"source": "a", "target": "b", "port": "a"}
    line = refused(capsys, tmp_path, doc_with({"id": "a", "op": "add"}, {"id": "b", "op": "add"},
                                              edges=[edge] * 5))
    assert "5 edges, more than the 2 nodes have input ports (4)" in line


def test_a_long_chain_loads_with_one_linear_cycle_check():
    n = 5_000
    nodes = [{"id": "n0", "op": "input", "tensors": {"value": 0.5}}] + [
        {"id": f"n{i}", "op": "tanh"} for i in range(1, n)]
    edges = [{"source": f"n{i - 1}", "target": f"n{i}", "port": "z"} for i in range(1, n)]
    graph = fileformat.from_document(doc_with(*nodes, edges=edges[::-1]))
    assert len(graph) == n and len(graph.edges()) == n - 1
    cyclic = copy.deepcopy(edges)
    nodes[0] = {"id": "n0", "op": "tanh"}
    cyclic.append({"source": f"n{n - 1}", "target": "n0", "port": "z"})
    with pytest.raises(GraphError, match="make a cycle"):
        fileformat.from_document(doc_with(*nodes, edges=cyclic))


# ---------------------------------------------------------------- paths


def test_a_directory_is_refused(capsys, tmp_path):
    assert "is a directory, not a graph file" in refused_path(capsys, tmp_path)


def test_a_device_is_refused_without_reading_it(capsys):
    assert "is a character device, not a graph file" in refused_path(capsys, Path("/dev/zero"))


def test_a_fifo_is_refused_at_once_never_waited_on(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    proc = subprocess.run([sys.executable, str(ROOT / "main.py"), "run", str(fifo)],
                          capture_output=True, text=True, timeout=120)   # a hang guard only
    assert proc.returncode == 2
    assert proc.stderr.strip().endswith("is a FIFO (named pipe), not a graph file")
    assert len(proc.stderr.splitlines()) == 1


def test_a_missing_file_is_refused(capsys, tmp_path):
    assert "no such file" in refused_path(capsys, tmp_path / "nothing.json")


# ---------------------------------------------------------------- text


def test_utf8_with_a_byte_order_mark_loads(tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode("utf-8"))
    assert fileformat.dumps(fileformat.load(path)) == GOOD
    assert fileformat.dumps(fileformat.loads("\ufeff" + GOOD)) == GOOD


def test_other_encodings_are_refused_with_the_line(capsys, tmp_path):
    content = GOOD.replace('"label": "x0"', '"label": "caf\xe9"', 1)
    assert content != GOOD
    line = refused(capsys, tmp_path, content.encode("latin-1", errors="replace"))
    assert ": not UTF-8 text (byte 0xe9); save the graph file as UTF-8" in line
    assert f", line {content[:content.index('caf')].count(chr(10)) + 1}:" in line


def test_control_characters_in_labels_are_escaped_in_terminal_output(capsys, tmp_path):
    label = "evil\x1b[2J\rlabel\nline\u202e"
    doc = json.loads(GOOD)
    doc["graph"]["nodes"][0]["label"] = label
    path = tmp_path / "labels.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert cli.main(["run", str(path)]) == 0
    out = capsys.readouterr().out
    assert "evil\\x1b[2J\\x0dlabel\\x0aline\\u202e" in out
    assert "\x1b" not in out and "\r" not in out and "\u202e" not in out
    doc["graph"]["nodes"][0]["tensors"]["value"] = "x"
    path.write_text(json.dumps(doc), encoding="utf-8")
    line = refused_path(capsys, path)
    assert "\\x1b" in line


def test_a_refused_document_is_never_echoed_whole(capsys, tmp_path):
    huge = "x" * 1_000_000
    # the last one is just over the file size limit (69 MB, not 1 GB: the same refusal)
    over_the_limit = limits.MAX_FILE_BYTES // len(huge) + 2
    for node in ({"id": "x", "op": "input", "tensors": {"value": huge}},
                 {"id": "x", "op": "input", "label": huge},
                 {"id": "x", "op": "input", "config": {"feed": huge}},
                 {"id": "x", "op": huge},
                 {"id": huge, "op": "input", "tensors": {"value": [huge] * over_the_limit}}):
        assert len(refused(capsys, tmp_path, doc_with(node))) < 500
    assert len(refused(capsys, tmp_path, {"format": huge})) < 500


# ---------------------------------------------------------------- CSV


def csv_refused(capsys, tmp_path, data: bytes):
    path = tmp_path / "data.csv"
    path.write_bytes(data)
    return refused_path(capsys, EX / "xor_mlp.json", "train",
                        ["--csv", str(path), "--features", "a,b", "--targets", "y",
                         "--steps", "2", "--out", str(tmp_path / "out.json")])


def test_a_csv_with_excels_byte_order_mark_trains(capsys, tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes(b"\xef\xbb\xbfa,b,y\r\n0,0,0\r\n0,1,1\r\n1,0,1\r\n1,1,0\r\n")
    code = cli.main(["train", str(EX / "xor_mlp.json"), "--csv", str(path), "--features", "a,b",
                     "--targets", "y", "--steps", "3", "--out", str(tmp_path / "out.json")])
    assert code == 0, capsys.readouterr().err
    assert (tmp_path / "out.json").exists()


@pytest.mark.parametrize("data, message", [
    ("a,b,y\n0,0,0\ncafé,1,1\n".encode("latin-1"), "line 3: not UTF-8 text (byte 0xe9)"),
    ("a,b,y\n0,0,0\n".encode("utf-16"), "line 1: UTF-16 text; save the CSV file as UTF-8"),
    (b"a,b,y\n0,0,0\n\x89PNG\x00\x00\x1a", "line 3: a binary file (it holds NUL bytes)"),
    (b"a,b,y\n0,0,0\n" + b"1" * 5000 + b",1,1\n",
     "line 3: a field of 5,000 characters; a CSV field may have at most 1,000"),
    (b'a,b,y\n0,0,0\n"' + b"1" * 200_000 + b'",1,1\n', "line 3"),
    (b'a,b,y\n0,0,0\n"unterminated\n', "line"),
    (b"a,b,y\n0,0,0\n1,0\n", "line 3: 2 fields, expected 3"),
    (b"a,b,y\n0,0,0\n1,0,1e999\n", "line 3: NaN or infinite values are not allowed"),
    (b"", "the file is empty"),
])
def test_a_bad_csv_gets_a_message_with_its_line_never_exit_3(capsys, tmp_path, data, message):
    line = csv_refused(capsys, tmp_path, data)
    assert message in line, line


def test_a_csv_directory_is_refused(capsys, tmp_path):
    line = refused_path(capsys, EX / "xor_mlp.json", "train",
                        ["--csv", str(tmp_path), "--features", "a", "--targets", "y"])
    assert "is a directory, not a CSV file" in line


# ---------------------------------------------------------------- the same refusals in code


def test_the_builder_api_refuses_bad_settings():
    from backprop_studio.engine.api import Graph
    g = Graph()
    x = g.input("x", [1.0, 2.0])
    with pytest.raises(GraphError, match="setting units must be a whole number, got '3'"):
        g.dense(x, 2, "3")
    with pytest.raises(GraphError, match="setting shape must be a list"):
        g.parameter("w", shape=[-1])
    with pytest.raises(GraphError, match="setting scale must be a finite number"):
        g.parameter("w", scale=float("nan"))
    with pytest.raises(GraphError, match="training setting lr must be above 0"):
        g.training(lr=0)
    with pytest.raises(GraphError, match="node w: not a rectangular array"):
        g.parameter("w", [[1.0, 2.0], [3.0]])
    assert g.nodes == ["x"]


def test_the_graph_methods_the_editor_calls_refuse_bad_values():
    from backprop_studio.engine.api import Graph
    g = Graph()
    x = g.input("x", 2.0)
    p = g.power(x, p=2.0)
    before = fileformat.dumps(g)
    for key, value, message in [("p", float("inf"), "must be a finite number"),
                                ("p", "3", "must be a number"),
                                ("p", [3], "must be a number"),
                                ("q", 1, "no setting 'q'")]:
        with pytest.raises(GraphError, match=message) as err:
            g.set_config(p, key, value)
        assert err.value.node == p
    for value, message in [(float("nan"), "NaN"), ([[1], [2, 3]], "rectangular"),
                           ("7", "not a number"), (np.array(["a"]), "not an array of numbers"),
                           (np.full(3, np.inf), "NaN or an infinite")]:
        with pytest.raises(GraphError, match=message):
            g.set_tensor(x, "value", value)
    with pytest.raises(GraphError, match="two finite numbers"):
        g.set_position(x, (float("inf"), 0))
    with pytest.raises(GraphError, match="a label must be text"):
        g.set_label(x, None)
    with pytest.raises(GraphError, match="setting p must be between"):
        g.add_node("power", config={"p": -1e9})
    with pytest.raises(GraphError, match="training setting steps"):
        g.set_graph_attr("training", {"steps": -5})
    assert fileformat.dumps(g) == before                 # nothing half-changed
    g.set_config(p, "p", 3)                               # an int where a float goes: stored
    assert g.node(p)["config"]["p"] == 3.0 and isinstance(g.node(p)["config"]["p"], float)


def test_paste_text_goes_through_the_same_checks():
    bad = json.loads(GOOD)
    bad["graph"]["nodes"][0]["pos"] = [0, 12345.5]
    text = json.dumps(bad).replace("12345.5", "1.5e309")
    with pytest.raises(GraphError, match="the clipboard: graph.nodes\\[0\\]: .*two finite"):
        fileformat.loads(text, source="the clipboard")
    bad["graph"]["nodes"][0]["pos"] = [0, "1"]
    with pytest.raises(GraphError, match="the clipboard: graph.nodes\\[0\\]: .*position"):
        fileformat.loads(json.dumps(bad), source="the clipboard")
