"""Building small ONNX models with onnx.helper, and running one through onnxruntime and through
the importer, for the ONNX tests."""

from __future__ import annotations

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

from backprop_studio.engine import run
from backprop_studio.engine.onnx_io.importer import finish, parse_model, translate

DOUBLE, FLOAT, INT64 = TensorProto.DOUBLE, TensorProto.FLOAT, TensorProto.INT64


def model(nodes, inputs: dict, outputs: list, inits: dict | None = None, dtype=DOUBLE,
          opset: int = 17, ir_version: int = 8, labels=()):
    """inputs: name -> shape ("N" for an open batch axis); ``labels``: the inputs that hold
    class indices (int64). Float initializers take the model's float type."""
    np_type = np.float64 if dtype == DOUBLE else np.float32
    tensors = []
    for name, value in (inits or {}).items():
        value = np.asarray(value)
        tensors.append(numpy_helper.from_array(value.astype(np_type) if value.dtype.kind == "f"
                                               else value, name))
    ins = [helper.make_tensor_value_info(k, INT64 if k in labels else dtype, list(v))
           for k, v in inputs.items()]
    outs = [helper.make_tensor_value_info(o, dtype, None) for o in outputs]
    m = helper.make_model(helper.make_graph(nodes, "test", ins, outs, tensors),
                          opset_imports=[helper.make_opsetid("", opset)], ir_version=ir_version)
    m = onnx.shape_inference.infer_shapes(m)        # the outputs' shapes, as exporters write
    onnx.checker.check_model(m)
    return m


def imported(m, batch: int = 4, output=None, loss=None):
    t = translate(parse_model(m.SerializeToString(), "test"), "test", batch)
    return t, finish(t, output, loss)


def session(m):
    options = ort.SessionOptions()
    options.log_severity_level = 3
    return ort.InferenceSession(m.SerializeToString(), options,
                                providers=["CPUExecutionProvider"])


def ort_feeds(m, t, g) -> dict:
    """The values our import seeded for each model input, in the model's types (class
    indices for a one-hot target)."""
    feeds = {}
    for vi in m.graph.input:
        value = np.asarray(g.node(t.inputs[vi.name])["tensors"]["value"])
        elem = vi.type.tensor_type.elem_type
        if elem == INT64:
            feeds[vi.name] = value.argmax(axis=-1).astype(np.int64)
        else:
            feeds[vi.name] = value.astype(np.float64 if elem == DOUBLE else np.float32)
    return feeds


def compare_with_onnxruntime(m, batch: int = 4, rtol: float = 1e-12, atol: float = 1e-12):
    """Import ``m``, run both, assert every model output agrees; returns (translation, graph,
    our result)."""
    t, g = imported(m, batch)
    ours = run(g, trace=False)
    theirs = session(m).run(None, ort_feeds(m, t, g))
    for vi, value in zip(m.graph.output, theirs):
        mine = np.asarray(ours.values[t.outputs[vi.name]])
        assert mine.size == np.size(value), (vi.name, mine.shape, np.shape(value))
        np.testing.assert_allclose(mine.ravel(), np.ravel(value), rtol=rtol, atol=atol,
                                   err_msg=vi.name)
    return t, g, ours
