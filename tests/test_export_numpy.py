"""The NumPy export: every bundled example and random graphs, run as scripts in a subprocess,
give `run --json`'s numbers to 1e-9, and N training steps give the Trainer's parameters."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest
from export_graphs import GRAPHS, LINE_CSV, line_fit
from export_helpers import engine_json, max_difference, run_script
from hypothesis import given, settings
from test_random_dags import SETTINGS, build, dags

from backprop_studio.engine import REGISTRY, fileformat
from backprop_studio.engine.datasets import builtin, load_csv
from backprop_studio.engine.export import numpy_code, templates
from backprop_studio.engine.train import Trainer

EXAMPLES = sorted(Path(__file__).parents[1].joinpath("resources", "examples").glob("*.json"))
TOL = 1e-9


def test_every_op_has_a_numpy_and_a_pytorch_template():
    assert set(templates.NUMPY) == set(REGISTRY) == set(templates.TORCH)
    for name, spec in REGISTRY.items():
        for table in (templates.NUMPY, templates.TORCH):
            code = table[name]
            assert (code.forward is None) == (not spec.ports), name
            assert set(spec.ports) <= set(code.local), name


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_script_matches_run_json(path, tmp_path):
    graph = fileformat.load(path)
    script = tmp_path / "out.py"
    numpy_code.write(graph, script, source=str(path))
    text = script.read_text(encoding="utf-8")
    imports = {alias.name for node in ast.walk(ast.parse(text))
               if isinstance(node, (ast.Import, ast.ImportFrom)) for alias in node.names}
    assert imports == {"argparse", "json", "numpy"}          # no engine import
    assert f"from {path.name}" in text
    got, want = run_script(script), engine_json(graph)
    assert want["edges"], "every example has a backward pass"
    assert max_difference(got, want) <= TOL


def _backward_lines(text: str) -> list[str]:
    body = text.split("# backward pass")[1].split("    values = ")[0]
    return [line for line in body.splitlines()[1:] if line.strip()]


def test_cs231n_script_reads_as_the_backward_pass(tmp_path):
    graph = fileformat.load(EXAMPLES[0])
    assert EXAMPLES[0].stem == "cs231n_add_multiply"
    text = numpy_code.generate(graph, str(EXAMPLES[0]))
    lines = _backward_lines(text)
    assert [line.split("#")[0].strip() for line in lines] == [
        "grad_f = 1.0", "grad_q = grad_f * z", "grad_z = grad_f * q", "grad_x = grad_q",
        "grad_y = grad_q"]
    assert "∂f/∂q = z" in lines[1] and "∂q/∂x = 1.0" in lines[3]
    ast.parse(text)


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_graph_reaching_other_ops_matches_run_json(name, tmp_path):
    graph = GRAPHS[name]()
    numpy_code.write(graph, tmp_path / "g.py")
    assert max_difference(run_script(tmp_path / "g.py"), engine_json(graph)) <= TOL


def _training_graph(name):
    if name in GRAPHS:
        return GRAPHS[name]()
    return fileformat.load(next(p for p in EXAMPLES if p.stem == name))


@pytest.mark.parametrize("name", ["xor_mlp", "two_layer_sigmoid", "spirals_mlp",
                                  "scalar_regression"])
def test_training_steps_match_the_trainer(name, tmp_path):
    graph = _training_graph(name)
    block = graph.nx.graph["training"]
    steps = 25
    script = tmp_path / "train.py"
    numpy_code.write(graph, script)
    got = run_script(script, "--train", str(steps))
    data = builtin(block["dataset"], block.get("seed", 0)) if "dataset" in block else None
    trainer = Trainer(graph, data,
                      optimizer=block["optimizer"], lr=block["lr"],
                      batch_size=block.get("batch_size", 32), seed=block.get("seed", 0))
    trainer.run(steps)
    assert got["steps"] == steps
    assert np.allclose(got["losses"], trainer.history, rtol=0, atol=TOL)
    want = [{"node": n, "name": t, "value": np.asarray(p).tolist()}
            for (n, t), p in zip(trainer.names, trainer.params)]
    assert max_difference(got["params"], want) <= TOL
    assert trainer.history[-1] != trainer.history[0]          # it did train


@settings(max_examples=8, **SETTINGS)
@given(dags(vector=False))
def test_random_scalar_graph_script_matches_run_json(tmp_path_factory, dag):
    """Scalar graphs: the engine runs these on Python floats, the script on numpy."""
    leaves, ops, values, seed = dag
    graph, _, _ = build(leaves, ops, values, seed)
    script = tmp_path_factory.mktemp("dag") / "dag.py"
    numpy_code.write(graph, script)
    assert max_difference(run_script(script), engine_json(graph)) <= TOL


@settings(max_examples=12, **SETTINGS)
@given(dags(vector=True))
def test_random_graph_script_matches_run_json(tmp_path_factory, dag):
    leaves, ops, values, seed = dag
    kinds = ["parameter", "input", "constant", "parameter"][: len(leaves)]
    graph, _, _ = build(leaves, ops, values, seed, kinds=kinds)
    script = tmp_path_factory.mktemp("dag") / "dag.py"
    numpy_code.write(graph, script)
    assert max_difference(run_script(script), engine_json(graph)) <= TOL


def test_training_on_a_csv_reads_it_by_path(tmp_path):
    data = tmp_path / "line.csv"
    data.write_text("\ufeff" + LINE_CSV, encoding="utf-8")      # with Excel's byte-order mark
    graph = line_fit()
    script = tmp_path / "fit.py"
    numpy_code.write(graph, script, csv=(data, ["x"], ["y"]))
    assert str(data) in script.read_text(encoding="utf-8") and "-0.9" not in \
        script.read_text(encoding="utf-8")                       # read, not embedded
    got = run_script(script, "--train", "12")
    trainer = Trainer(graph, load_csv(data, ["x"], ["y"]), optimizer="sgd", lr=0.1,
                      batch_size=4, seed=0)                      # 6 rows, batches of 4: shuffled
    trainer.run(12)
    assert np.allclose(got["losses"], trainer.history, rtol=0, atol=TOL)
    want = [{"node": n, "name": t, "value": np.asarray(p).tolist()}
            for (n, t), p in zip(trainer.names, trainer.params)]
    assert max_difference(got["params"], want) <= TOL


def test_forward_only_and_a_vector_output(tmp_path):
    """No output chosen: values only, every gradient None. A vector output: seeded with ones."""
    from backprop_studio.engine.api import Graph
    g = Graph()
    a, b = g.input("a", np.array([1.0, 2.0])), g.input("b", 3.0)
    g.add(a, b)
    g.multiply(a, b)                          # two ends, none chosen
    numpy_code.write(g, tmp_path / "f.py")
    got = run_script(tmp_path / "f.py")
    assert got["output"] is None and got["edges"] == []
    assert all(n["grad"] is None for n in got["nodes"])
    assert max_difference(got, engine_json(g)) == 0.0
    g = Graph()
    w = g.parameter("w", np.array([1.0, -2.0]))
    g.set_output(g.tanh(g.multiply(w, g.input("b", 0.5))))
    numpy_code.write(g, tmp_path / "v.py")
    got = run_script(tmp_path / "v.py")
    assert got["loss"] is None
    assert max_difference(got, engine_json(g)) <= TOL
    assert "np.ones(np.shape(tanh))" in (tmp_path / "v.py").read_text(encoding="utf-8")
