"""Exporting graphs as ONNX: every example and random graphs become models onnx.checker
accepts, onnxruntime computes the same output, and importing the model back gives the same
output, the same parameters and the same gradients."""

from __future__ import annotations

import networkx as nx
import numpy as np
import onnx
import pytest
from hypothesis import given, settings
from onnx_helpers import session
from test_random_dags import SETTINGS, build, dags

from backprop_studio.engine import GraphError, cli, fileformat, run
from backprop_studio.engine.api import Graph
from backprop_studio.engine.onnx_io.exporter import METADATA, export_onnx, to_model
from backprop_studio.engine.onnx_io.importer import finish, parse_model, translate

EXAMPLES = fileformat.example_paths()


def counterpart(g, back, node):
    """The imported node that stands for ``node``: an input or parameter is named after our
    id, an op after our label."""
    spec = g.op(node)
    key = node if spec.name in ("input", "parameter") else g.label(node)
    found = [n for n in back.nodes if back.label(n) == key and
             back.node(n)["op"] == spec.name]
    assert len(found) == 1, (node, key, found)
    return found[0]


def round_trip(g, rtol=1e-12, atol=1e-12):
    model = to_model(g)
    onnx.checker.check_model(model, full_check=True)
    ours = run(g, trace=False)
    theirs = session(model).run(None, {})
    out = g.output
    # onnxruntime sums and normalises in its own order: equal to float64 rounding, not bit for bit
    np.testing.assert_allclose(np.ravel(theirs[0]), np.ravel(ours.values[out]),
                               rtol=max(rtol, 1e-9), atol=max(atol, 1e-10), err_msg="onnxruntime")
    translation = translate(parse_model(model.SerializeToString(), "rt"))
    assert not translation.needs_choice          # ours: its one output is the output
    back = finish(translation)
    again = run(back, trace=False)
    np.testing.assert_allclose(np.ravel(again.values[back.output]), np.ravel(ours.values[out]),
                               rtol=rtol, atol=atol, err_msg="imported back")
    used = nx.ancestors(g.nx, out)           # what the forward pass to the output reads
    for node, name in g.trainable():
        if node not in used:
            continue
        twin = counterpart(g, back, node)
        assert np.array_equal(back.node(twin)["tensors"][name], g.node(node)["tensors"][name])
        np.testing.assert_allclose(again.tensor_grads[(twin, name)],
                                   ours.tensor_grads[(node, name)], rtol=1e-9, atol=1e-12,
                                   err_msg=f"∂/∂{node}.{name}")
    for node in used:
        if g.node(node)["op"] == "input":
            twin = counterpart(g, back, node)
            assert np.array_equal(back.node(twin)["tensors"]["value"],
                                  g.node(node)["tensors"]["value"])
            assert back.node(twin)["config"]["feed"] == g.node(node)["config"]["feed"]
    return model, back


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_example_round_trips(path):
    g = fileformat.load(path)
    _, back = round_trip(g)
    assert back.nx.graph.get("training") == g.nx.graph.get("training")


def test_examples_are_all_found():
    assert len(EXAMPLES) >= 8


def test_new_ops_round_trip():
    g = Graph()
    x = g.input("x", np.array([[0.3, -1.2, 2.0], [-0.5, 0.1, 0.7]]), feed="features")
    t = g.transpose(x, label="t")
    f = g.flatten(g.transpose(t), label="f", axis=1)
    lr = g.leaky_relu(f, label="lr", alpha=0.125)      # a float32 attribute: exact
    s = g.softmax(lr, label="s")
    ls = g.log_softmax(g.multiply(s, g.parameter("k", 3.0)), label="ls")
    g.set_output(g.sum(g.multiply(ls, g.constant(np.arange(6.0).reshape(2, 3))), label="L"))
    round_trip(g)


def test_a_vector_dense_layer_is_written_as_matmul_and_add():
    g = Graph()
    x = g.input("x", np.array([1.0, -2.0]))
    d = g.dense(x, 2, 3, label="layer", W=np.arange(6.0).reshape(2, 3) / 10, b=np.ones(3))
    g.set_output(g.mse(d, g.input("y", np.zeros(3), feed="targets")))
    model, back = round_trip(g)
    assert [n.op_type for n in model.graph.node][:2] == ["MatMul", "Add"]
    assert sorted(back.node(n)["op"] for n in back.nodes).count("dense") == 1


def test_only_the_forward_pass_to_the_output_is_written():
    g = Graph()
    x = g.input("x", 2.0)
    g.tanh(x, label="unused")
    g.set_output(g.exp(x, label="e"))
    model = to_model(g)
    assert [n.op_type for n in model.graph.node] == ["Exp"]
    assert [o.name for o in model.graph.output] == [g.output]
    assert next(p.value for p in model.metadata_props if p.key == METADATA)


def test_bce_with_a_fused_sigmoid_round_trips_away_from_the_extremes():
    g = Graph()
    z = g.parameter("z", np.array([[0.3], [-2.0], [4.0]]))
    g.set_output(g.bce(g.sigmoid(z), g.input("y", np.array([[1.0], [0.0], [1.0]]))))
    round_trip(g, rtol=1e-10)


@settings(max_examples=25, **SETTINGS)
@given(dags(vector=True))
def test_random_graphs_round_trip(dag):
    leaves, ops, values, seed = dag
    kinds = [("parameter", "input", "constant")[(seed + k) % 3] for k in range(len(leaves))]
    g, _, _ = build(leaves, ops, values, seed, kinds=kinds)
    round_trip(g, rtol=1e-10, atol=1e-10)


def test_export_to_onnx_writes_the_file_and_reports(tmp_path, capsys):
    src = EXAMPLES[0]
    out = tmp_path / "m.onnx"
    assert cli.main(["export", str(src), "--to", "onnx", "-o", str(out)]) == 0
    assert capsys.readouterr().out.startswith(f"wrote {out}: ")
    onnx.checker.check_model(onnx.load(out))
    assert cli.main(["import", str(out), "-o", str(tmp_path / "back.json")]) == 0


def test_export_refuses_an_unwritable_path(tmp_path):
    g = fileformat.load(EXAMPLES[0])
    with pytest.raises(GraphError, match="cannot write it"):
        export_onnx(g, tmp_path / "no" / "such" / "dir.onnx")
