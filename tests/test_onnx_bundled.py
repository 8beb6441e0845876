"""The two ONNX models shipped in resources/examples: rebuilt byte for byte by their script,
imported with values equal to onnxruntime's and gradients that pass the gradient check."""

from __future__ import annotations

import importlib.util

import numpy as np
import onnx
import pytest
from onnx_helpers import ort_feeds, session

from backprop_studio.engine import run
from backprop_studio.engine.fileformat import EXAMPLES
from backprop_studio.engine.gradcheck import gradient_check
from backprop_studio.engine.onnx_io.importer import finish, read_model, translate

BUNDLED = sorted(EXAMPLES.glob("*.onnx"))


def test_both_models_are_shipped():
    assert [p.name for p in BUNDLED] == ["mlp_classifier.onnx", "regression_net.onnx"]


def test_the_script_rebuilds_them_byte_for_byte(tmp_path):
    spec = importlib.util.spec_from_file_location("build_onnx_examples",
                                                  EXAMPLES / "build_onnx_examples.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    script.HERE = tmp_path
    script.mlp_classifier()
    script.regression_net()
    for path in BUNDLED:
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name


@pytest.mark.parametrize("path", BUNDLED, ids=[p.stem for p in BUNDLED])
@pytest.mark.parametrize("batch", [1, 5])
def test_bundled_model_matches_onnxruntime_and_its_gradients_check(path, batch):
    m = onnx.load(path)
    t = translate(read_model(path), str(path), batch)
    g = finish(t, loss=None if t.losses else "mse")
    ours = run(g, trace=False)
    out_name = m.graph.output[0].name
    theirs = session(m).run([out_name], ort_feeds(m, t, g))[0]
    np.testing.assert_allclose(np.ravel(ours.values[t.outputs[out_name]]), np.ravel(theirs),
                               rtol=2e-6, atol=1e-6)
    report = gradient_check(g)
    assert report.passed, report.worst
    assert sum(r.checked for r in report.tensors) > 20


def test_the_classifier_ends_in_softmax_ce_with_one_hot_targets():
    path = EXAMPLES / "mlp_classifier.onnx"
    t = translate(read_model(path), str(path), 4)
    g = finish(t)
    assert sorted(g.node(n)["op"] for n in g.nodes) == \
        ["dense", "dense", "input", "input", "relu", "softmax_ce"]
    dense = {g.label(n): g.node(n) for n in g.nodes if g.node(n)["op"] == "dense"}
    assert sorted(dense) == ["fc1", "fc2"]          # named by their scope, as exported
    w = onnx.numpy_helper.to_array(next(i for i in onnx.load(path).graph.initializer
                                        if i.name == "fc1.weight"))
    assert np.array_equal(dense["fc1"]["tensors"]["W"], w.T.astype(float))
    target = np.asarray(g.node(t.inputs["target"])["tensors"]["value"])
    assert np.array_equal(target, np.eye(3)[[0, 1, 2, 0]])
