"""The PyTorch export without PyTorch (its wheels are gigabytes): the generated code compiles
and has the expected structure. bench/verify_pytorch_export.py runs it against real torch."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest
from export_graphs import GRAPHS

from backprop_studio.engine import fileformat
from backprop_studio.engine.api import Graph
from backprop_studio.engine.errors import GraphError
from backprop_studio.engine.export import torch_code

EXAMPLES = sorted(Path(__file__).parents[1].joinpath("resources", "examples").glob("*.json"))


def _tree(graph, source=None):
    text = torch_code.generate(graph, source)
    compile(text, "exported.py", "exec")
    return text, ast.parse(text)


def _calls(tree, dotted: str) -> list[ast.Call]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call) and ast.unparse(n.func) == dotted]


def _module_class(tree) -> ast.ClassDef:
    (cls,) = [n for n in tree.body if isinstance(n, ast.ClassDef)]
    assert [ast.unparse(b) for b in cls.bases] == ["nn.Module"]
    return cls


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_example_compiles_to_an_nn_module(path):
    graph = fileformat.load(path)
    text, tree = _tree(graph, str(path))
    cls = _module_class(tree)
    assert {f.name for f in cls.body if isinstance(f, ast.FunctionDef)} >= {"__init__",
                                                                             "forward"}
    dense = [n for n in graph.nodes if graph.node(n)["op"] == "dense"]
    linears = _calls(cls, "nn.Linear")
    assert len(linears) == len(dense)
    for node, call in zip(dense, linears):      # nn.Linear(in_features, units)
        w = graph.node(node)["tensors"]["W"]
        assert [ast.literal_eval(a) for a in call.args] == list(w.shape)
    params = [n for n in graph.nodes if graph.node(n)["op"] == "parameter"]
    assert len(_calls(cls, "nn.Parameter")) == len(params)
    imports = {alias.name for node in ast.walk(tree)
               if isinstance(node, (ast.Import, ast.ImportFrom)) for alias in node.names}
    assert "backprop_studio" not in " ".join(imports)
    assert f"from {path.name}" in text
    assert "torch.set_default_dtype(torch.float64)" in text


def test_dense_weight_is_stored_transposed_for_nn_linear():
    graph = fileformat.load(next(p for p in EXAMPLES if p.stem == "xor_mlp"))
    _, tree = _tree(graph)
    dense = next(n for n in graph.nodes if graph.node(n)["op"] == "dense")
    w = graph.node(dense)["tensors"]["W"]                # (in × units) = (2 × 4)
    copy = next(c for c in _calls(tree, "self.hidden_z1.weight.copy_"))
    stored = np.array(ast.literal_eval(copy.args[0].args[0]))
    assert stored.shape == (4, 2)
    np.testing.assert_array_equal(stored, w.T)


@pytest.mark.parametrize("name, optimizer", [("xor_mlp", "torch.optim.Adam"),
                                             ("two_layer_sigmoid", "torch.optim.SGD")])
def test_training_settings_give_a_torch_optim_loop(name, optimizer):
    path = next(p for p in EXAMPLES if p.stem == name)
    graph = fileformat.load(path)
    text, tree = _tree(graph)
    (train,) = [f for f in tree.body if isinstance(f, ast.FunctionDef) and f.name == "train"]
    (call,) = _calls(train, optimizer)
    lr = next(k for k in call.keywords if k.arg == "lr")
    assert ast.unparse(lr.value) == "TRAINING['lr']"
    settings = ast.literal_eval(next(n.value for n in tree.body if isinstance(n, ast.Assign)
                                     and ast.unparse(n.targets[0]) == "TRAINING"))
    assert settings["lr"] == graph.nx.graph["training"]["lr"]
    assert settings["batch_size"] == graph.nx.graph["training"]["batch_size"]
    assert _calls(train, "loss.backward") and _calls(train, "optimizer.step")


def test_losses_are_torch_functions_with_the_batch_mean():
    text, _ = _tree(GRAPHS["softmax_classifier"]())
    assert 'F.cross_entropy(logits_z, Y, reduction="sum") / rows(logits_z)' in text
    text, _ = _tree(GRAPHS["bce_not_fused"]())
    assert 'F.binary_cross_entropy(p, y, reduction="sum") / rows(p)' in text
    text, _ = _tree(GRAPHS["scalar_regression"]())
    assert '0.5 * F.mse_loss(yhat, t, reduction="sum") / rows(yhat)' in text
    assert "momentum=0.9" in text


def test_a_graph_without_an_output_is_refused():
    g = Graph()
    g.add(g.input("a", 1.0), g.input("b", 2.0))
    g.add(g.input("c", 1.0), g.input("d", 2.0))
    with pytest.raises(GraphError, match="output"):
        torch_code.generate(g)
