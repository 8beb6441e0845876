"""Generated code is named after the graph's labels: valid identifiers, unicode transliterated,
collisions resolved."""

from __future__ import annotations

import ast
import importlib

import numpy as np
import pytest
from export_helpers import engine_json, max_difference, run_script

from backprop_studio.engine.api import Graph
from backprop_studio.engine.export import numpy_code
from backprop_studio.engine.export.names import Namer, identifier


@pytest.mark.parametrize("label, name", [
    ("z¹ = W¹ᵀx⁰ + b¹", "z1"), ("Z₁ = X·W₁ + b₁", "Z1"), ("σ", "sigma"), ("hidden σ",
                                                                         "hidden_sigma"),
    ("∂L/∂x", "dL_dx"), ("w0·x0", "w0_x0"), ("max(x, y)", "max_x_y"), ("2nd layer", "n2nd_layer"),
    ("Δ", "Delta"), ("ŷ", "yhat"), ("", "node"), ("= 3", "n3"), ("café", "cafe"),
])
def test_identifier(label, name):
    assert identifier(label) == name
    assert name.isidentifier()


def test_namer_avoids_keywords_builtins_reserved_and_repeats():
    namer = Namer({"np"})
    assert [namer.node(x) for x in ("lambda", "sum", "np", "x", "x", "x¹", "x1")] == \
        ["lambda_2", "sum_2", "np_2", "x", "x_2", "x1", "x1_2"]


def test_clashing_and_unicode_labels_export_and_run(tmp_path):
    g = Graph()
    a, b = g.parameter("x", 1.5), g.parameter("x", -0.5)          # two nodes labelled x
    s = g.sigmoid(g.multiply(a, b, label="σ"), label="σ")           # two nodes labelled σ
    v = g.add(s, g.parameter("grad_σ", np.array([0.25, 0.5])), label="∂ = loss")
    g.set_output(g.sum(g.add(v, g.parameter("print", 2.0)), label="lambda"))
    text = numpy_code.generate(g)
    ast.parse(text)
    numpy_code.write(g, tmp_path / "g.py")
    assert max_difference(run_script(tmp_path / "g.py"), engine_json(g)) <= 1e-9
    assert "def backprop(x, x_2, grad_sigma, print_2, trace=False):" in text
    assert "    sigma = x * x_2" in text and "    sigma_2 = sigmoid(sigma)" in text
    assert "    lambda_2 = np.sum(" in text


HOSTILE = ['"""; import os; """', "x\nimport os", "\u202eevil", "'", "\\", "{g}", "∂L/∂x # no"]


@pytest.mark.parametrize("module", ["numpy_code", "torch_code"])
def test_hostile_labels_and_file_names_stay_data(module, tmp_path):
    """Labels and the file name reach the code only as string literals, identifiers and
    comments: the script still parses, and the NumPy one still gives the engine's numbers."""
    g = Graph()
    nodes = [g.parameter(label, float(k + 1)) for k, label in enumerate(HOSTILE)]
    total = nodes[0]
    for k, node in enumerate(nodes[1:]):
        total = g.add(total, node, label=HOSTILE[k])
    g.set_output(g.multiply(total, total, label='L"""'))
    writer = importlib.import_module(f"backprop_studio.engine.export.{module}")
    text = writer.generate(g, str(tmp_path / 'we"""ird\\name\x1b.json'))
    tree = ast.parse(text)
    assert "from we'''ird/name .json." in ast.get_docstring(tree)
    imports = {a.name for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))
               for a in n.names}
    assert "os" not in imports
    if module == "numpy_code":
        script = tmp_path / "h.py"
        script.write_text(text, encoding="utf-8")
        assert max_difference(run_script(script), engine_json(g)) <= 1e-9
