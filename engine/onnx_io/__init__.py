"""ONNX in and out: a model made elsewhere becomes a graph whose backward pass can be watched
(importer.py, op_map.py), and a graph of ours becomes an ONNX model any tool opens (exporter.py).

The ``onnx`` package is an optional extra; everything here asks for it through ``require_onnx``
so a missing package is one clear message, never an ImportError traceback.
"""

from __future__ import annotations

from ..errors import GraphError

MISSING = "ONNX support needs the onnx package: pip install 'backprop-studio[onnx]'"


def require_onnx():
    """The onnx module, or GraphError saying how to install it."""
    try:
        import onnx
    except ImportError:
        raise GraphError(MISSING) from None
    return onnx
