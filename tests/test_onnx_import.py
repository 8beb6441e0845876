"""Importing ONNX models: refusals (every unmapped op named at once, malformed and hostile
files, the size budget, a missing onnx package), choosing the output or adding a loss, the
layout, and the ``import`` command."""

from __future__ import annotations

import sys

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper
from onnx_helpers import compare_with_onnxruntime, model

from backprop_studio.engine import GraphError, cli, fileformat, run
from backprop_studio.engine.fileformat import EXAMPLES
from backprop_studio.engine.folding import folded_leaves
from backprop_studio.engine.gradcheck import gradient_check
from backprop_studio.engine.layout import fold_spot
from backprop_studio.engine.onnx_io import MISSING, budget
from backprop_studio.engine.onnx_io.importer import (
    finish,
    import_onnx,
    parse_model,
    read_model,
    translate,
)

N = helper.make_node
rng = np.random.default_rng(3)
W, B = rng.normal(size=(3, 2)), rng.normal(size=2)


def mlp(outputs=("y",)):
    nodes = [N("Gemm", ["x", "W", "b"], ["h"], name="fc1"), N("Tanh", ["h"], ["y"], name="act")]
    if "z" in outputs:
        nodes.append(N("Sigmoid", ["h"], ["z"], name="sig"))
    return model(nodes, {"x": ["N", 3]}, list(outputs), {"W": W, "b": B})


def refusal(data) -> str:
    with pytest.raises(GraphError) as err:
        translate(parse_model(data, "m.onnx"), "m.onnx")
    return str(err.value)


# ---------------------------------------------------------------- refusals


def test_every_unmapped_op_is_named_in_one_message():
    m = model([N("Conv", ["x", "k"], ["c"], name="conv1"), N("Relu", ["c"], ["r"]),
               N("Tanh", ["x"], ["t"]), N("Erf", ["t"], ["y1"], name="erf7"),
               N("ReduceSum", ["x"], ["y2"], axes=[1], keepdims=0, name="rowsum")],
              {"x": [1, 1, 4, 4]}, ["r", "y1", "y2"], {"k": rng.normal(size=(1, 1, 2, 2))},
              opset=12)
    text = refusal(m.SerializeToString())
    assert "cannot import 3 node(s)" in text
    assert "Conv (conv1)" in text and "Erf (erf7)" in text
    assert "ReduceSum (rowsum: only a reduction over all axes maps" in text
    assert "Relu" not in text.split("Ops that map")[0]      # downstream of conv: not named
    assert "\n" not in text


def test_a_custom_domain_op_is_refused_by_its_domain():
    m = helper.make_model(helper.make_graph(
        [N("Magic", ["x"], ["y"], domain="com.example", name="m1")], "g",
        [helper.make_tensor_value_info("x", TensorProto.DOUBLE, [2])],
        [helper.make_tensor_value_info("y", TensorProto.DOUBLE, [2])]),
        opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.example", 1)])
    assert "com.example.Magic (m1)" in refusal(m.SerializeToString())


def test_unmappable_uses_of_known_ops_say_why():
    m = model([N("Transpose", ["x"], ["t"], perm=[0, 2, 1], name="tp"),
               N("Pow", ["x", "x"], ["p"], name="pw"),
               N("Softmax", ["x"], ["s"], axis=1, name="sm")],
              {"x": [2, 3, 4]}, ["t", "p", "s"])
    text = refusal(m.SerializeToString())
    assert "Transpose (tp: only reversing the axes maps" in text
    assert "Pow (pw: the exponent must be one constant number)" in text
    assert "Softmax (sm: only a softmax along the last axis maps" in text


@pytest.mark.parametrize("data, why", [
    (b"", "holds no graph"),
    (b"\xff\xfe\x00garbage\x01\x02", "not an ONNX model"),
    (b'{"nodes": [], "edges": []}', "not an ONNX model"),
])
def test_malformed_bytes_are_refused_in_one_line(data, why):
    with pytest.raises(GraphError, match=why) as err:
        parse_model(data, "bad.onnx")
    assert "\n" not in str(err.value) and str(err.value).startswith("bad.onnx: ")


def test_a_truncated_model_is_refused():
    data = mlp().SerializeToString()
    with pytest.raises(GraphError, match="bad.onnx: not "):
        parse_model(data[: len(data) // 2], "bad.onnx")


def test_an_invalid_model_is_refused_by_the_checker():
    m = mlp()
    m.graph.node[0].input[1] = "nowhere"
    with pytest.raises(GraphError, match="not a valid ONNX model"):
        parse_model(m.SerializeToString(), "m.onnx")


def test_too_many_nodes_are_refused_before_anything_is_built():
    k = budget.MAX_ONNX_NODES + 1
    nodes = [N("Identity", [f"v{i}"], [f"v{i + 1}"]) for i in range(k)]
    m = model(nodes, {"v0": [2]}, [f"v{k}"])
    with pytest.raises(GraphError, match=f"{k:,} nodes; Backprop Studio imports at most"):
        parse_model(m.SerializeToString(), "big.onnx")


def test_imported_graph_budget_is_checked():
    k = budget.MAX_IMPORTED_NODES + 1          # fewer ONNX nodes, but each its own node of ours
    nodes = [N("Tanh", [f"v{i}"], [f"v{i + 1}"]) for i in range(k)]
    m = model(nodes, {"v0": [2]}, [f"v{k}"])
    assert f"would become {k + 1:,} nodes" in refusal(m.SerializeToString())


def test_a_tensor_declaring_too_many_numbers_is_refused_before_it_is_decoded():
    m = mlp()
    huge = TensorProto(name="W", data_type=TensorProto.DOUBLE, dims=[5000, 5000])
    m.graph.initializer[0].CopyFrom(huge)             # no data at all behind the dims
    with pytest.raises(GraphError, match="25,000,000 numbers; a tensor may hold at most"):
        parse_model(m.SerializeToString(), "m.onnx")


def test_external_data_is_refused_never_read(tmp_path):
    m = mlp()
    t = m.graph.initializer[0]
    t.data_location = TensorProto.EXTERNAL
    t.ClearField("raw_data")
    t.ClearField("double_data")
    entry = t.external_data.add()
    entry.key, entry.value = "location", "../../../../etc/passwd"
    with pytest.raises(GraphError, match="stored in a separate file"):
        parse_model(m.SerializeToString(), "m.onnx")


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path, monkeypatch):
    from backprop_studio.engine.onnx_io import importer
    path = tmp_path / "m.onnx"
    path.write_bytes(mlp().SerializeToString())
    monkeypatch.setattr(importer, "MAX_FILE_BYTES", 10)
    with pytest.raises(GraphError, match="bytes; a model file may have at most 10"):
        read_model(path)


def test_missing_onnx_package_gets_the_install_hint(monkeypatch, tmp_path, capsys):
    path = tmp_path / "m.onnx"
    path.write_bytes(mlp().SerializeToString())
    monkeypatch.setitem(sys.modules, "onnx", None)       # import onnx now fails
    with pytest.raises(GraphError, match=r"pip install 'backprop-studio\[onnx\]'"):
        read_model(path)
    assert cli.main(["import", str(path), "-o", str(tmp_path / "g.json")]) == 2
    assert capsys.readouterr().err.strip() == f"error: {MISSING}"


# ---------------------------------------------------------------- output and loss


def test_one_output_without_a_loss_is_the_output():
    _, g, _ = compare_with_onnxruntime(mlp())
    assert g.label(g.output) == "act" and gradient_check(g).passed


def test_several_outputs_need_a_choice():
    t = translate(parse_model(mlp(("y", "z")).SerializeToString()))
    assert t.needs_choice and list(t.outputs) == ["y", "z"]
    with pytest.raises(GraphError, match=r"2 outputs \(y, z\); choose which one"):
        finish(t)
    with pytest.raises(GraphError, match="no output 'w'; its outputs: y, z"):
        finish(t, output="w")
    g = finish(t, output="z")
    assert g.label(g.output) == "sig"


@pytest.mark.parametrize("loss", ["mse", "softmax_ce"])
def test_a_chosen_loss_is_added_against_a_new_target(loss):
    m = mlp()
    t = translate(parse_model(m.SerializeToString()), batch=3)
    g = finish(t, loss=loss)
    assert g.node(g.output)["op"] == loss
    target = g.source_of(g.output, "y")
    assert g.label(target) == "target" and g.node(target)["config"]["feed"] == "targets"
    assert g.node(t.inputs["x"])["config"]["feed"] == "features"
    y = np.asarray(g.node(target)["tensors"]["value"])
    assert y.shape == (3, 2)
    if loss == "softmax_ce":
        assert np.array_equal(y, np.eye(2)[[0, 1, 0]])
    # the loss by hand from the model's own output
    x = g.node(t.inputs["x"])["tensors"]["value"]
    out = np.tanh(x @ W + B)
    expected = 0.5 * np.sum((out - y) ** 2) / 3 if loss == "mse" else \
        -np.sum(y * (out - np.log(np.exp(out).sum(1, keepdims=True)))) / 3
    assert run(g).loss == pytest.approx(expected, rel=1e-12)
    assert gradient_check(g).passed


def test_a_loss_cannot_be_added_to_a_model_that_has_one():
    m = model([N("Gemm", ["x", "W", "b"], ["z"]),
               N("SoftmaxCrossEntropyLoss", ["z", "labels"], ["loss"])],
              {"x": ["N", 3], "labels": ["N"]}, ["loss"], {"W": W, "b": B}, labels={"labels"})
    with pytest.raises(GraphError, match="already ends in a loss"):
        finish(translate(parse_model(m.SerializeToString())), loss="mse")


def test_the_layout_puts_each_node_after_what_feeds_it():
    """Left to right, or in a band further down where a long chain wraps (layout.py)."""
    g = finish(translate(parse_model(mlp().SerializeToString())), loss="mse")
    pos = {n: g.node(n)["pos"] for n in g.nodes}
    folded = folded_leaves(g)
    assert [g.label(n) for n in folded] == ["target"]       # two rows of its loss
    for u, v, _ in g.edges():
        if u in folded:                     # at its spot under the loss's own rows
            assert tuple(pos[u]) == fold_spot(g, v, 0)
            continue
        assert pos[u][0] < pos[v][0] or pos[u][1] < pos[v][1], (u, v, pos[u], pos[v])
    labels = {g.label(n): pos[n] for n in g.nodes}
    assert labels["x"][0] < labels["fc1"][0] < labels["act"][0]
    assert len({tuple(p) for p in pos.values()}) == len(pos)      # no two nodes on one spot


def test_initializers_are_trainable_and_inputs_take_defaults_from_ir4():
    m = mlp()
    m.graph.initializer.append(numpy_helper.from_array(np.ones((2, 3)), "x"))
    t = translate(parse_model(m.SerializeToString()), batch=2)
    assert np.array_equal(t.graph.node(t.inputs["x"])["tensors"]["value"], np.ones((2, 3)))
    assert [t.graph.label(n) for n, _ in t.graph.trainable()] == ["fc1", "fc1"]


# ---------------------------------------------------------------- the command


def test_import_command_writes_a_graph_file_that_runs(tmp_path, capsys):
    path, out = tmp_path / "m.onnx", tmp_path / "g.json"
    onnx.save(mlp(), path)
    assert cli.main(["import", str(path), "-o", str(out), "--loss", "mse", "--batch", "2"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith(f"wrote {out}: 5 nodes (1 dense, 2 input, 1 mse, 1 tanh)")
    g = fileformat.load(out)
    assert g.node(g.output)["op"] == "mse"
    assert cli.main(["check", str(out)]) == 0
    assert import_onnx(path, loss="mse", batch=2).output == g.output


@pytest.mark.parametrize("args, message", [
    (["--loss", "hinge"], "invalid choice: 'hinge'"),
    (["--batch", "0"], "the batch size must be between 1 and 1024"),
    (["--output", "nope"], "no output 'nope'"),
])
def test_import_command_refuses_bad_flags_with_exit_2(tmp_path, capsys, args, message):
    path = tmp_path / "m.onnx"
    onnx.save(mlp(), path)
    assert cli.main(["import", str(path), "-o", str(tmp_path / "g.json"), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and not (tmp_path / "g.json").exists()


def test_import_command_refuses_a_malformed_file_with_exit_2(tmp_path, capsys):
    path = tmp_path / "m.onnx"
    path.write_bytes(b"\x08\x07garbage that is not protobuf \xff\xff")
    assert cli.main(["import", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "not an ONNX model" in err and err.count("\n") == 1


def _loss_with_ignore_index(ignore_index):
    return model([N("Gemm", ["x", "W", "b"], ["z"]),
                  N("SoftmaxCrossEntropyLoss", ["z", "labels"], ["loss"], name="ce",
                    ignore_index=ignore_index)],
                 {"x": ["N", 3], "labels": ["N"]}, ["loss"], {"W": W, "b": B},
                 labels={"labels"})


def test_pytorchs_ignore_index_of_minus_100_changes_nothing_and_maps():
    _, g, _ = compare_with_onnxruntime(_loss_with_ignore_index(-100))
    assert g.node(g.output)["op"] == "softmax_ce"


def test_an_ignore_index_that_is_a_class_is_refused():
    text = refusal(_loss_with_ignore_index(1).SerializeToString())
    assert "SoftmaxCrossEntropyLoss (ce: ignore_index 1 is a class" in text


def _length_delimited(field: int, payload: bytes) -> bytes:
    def varint(n):
        out = b""
        while True:
            out += bytes([(n & 0x7F) | (0x80 if n > 0x7F else 0)])
            n >>= 7
            if not n:
                return out
    return varint(field << 3 | 2) + varint(len(payload)) + payload


def test_a_model_nested_past_protobufs_depth_limit_is_refused_in_one_line():
    graph = b""
    for _ in range(300):            # GraphProto.node → NodeProto.attribute → AttributeProto.g
        graph = _length_delimited(1, _length_delimited(5, _length_delimited(6, graph)))
    with pytest.raises(GraphError, match="deep.onnx: not an ONNX model") as err:
        parse_model(_length_delimited(7, graph), "deep.onnx")
    assert "\n" not in str(err.value)


def test_import_command_writes_into_the_current_folder_by_default(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    model_path = EXAMPLES / "regression_net.onnx"
    assert cli.main(["import", str(model_path), "--loss", "mse"]) == 0
    assert (tmp_path / "regression_net.json").is_file()
    assert not (EXAMPLES / "regression_net.json").exists()
