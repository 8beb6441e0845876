"""The command line: output, JSON shape, exit codes, and never a traceback."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from backprop_studio.engine import fileformat

ROOT = Path(__file__).resolve().parent.parent
EX = fileformat.EXAMPLES


def cli(*args, cwd=ROOT):
    proc = subprocess.run([sys.executable, str(ROOT / "main.py"), *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=120)
    assert "Traceback" not in proc.stderr
    return proc


def test_run_prints_values_gradients_and_every_edge():
    proc = cli("run", EX / "cs231n_add_multiply.json")
    assert proc.returncode == 0
    assert "q → f.a  1         -4     -4" in proc.stdout
    assert "f = -12" in proc.stdout


def test_run_json_has_the_documented_shape():
    proc = cli("run", EX / "cs231n_add_multiply.json", "--json")
    assert proc.returncode == 0
    doc = json.loads(proc.stdout)
    assert set(doc) == {"output", "loss", "nodes", "edges", "params"}
    assert doc["output"] == "f" and doc["loss"] == -12.0
    nodes = {n["id"]: n for n in doc["nodes"]}
    assert nodes["x"] == {"id": "x", "op": "input", "label": "x", "value": -2.0, "grad": -4.0}
    assert doc["edges"][0] == {"source": "q", "target": "f", "port": "a", "upstream": 1.0,
                               "local": -4.0, "downstream": -4.0, "formula": "b"}
    assert doc["params"] == []


def test_run_json_params_are_nested_lists():
    doc = json.loads(cli("run", EX / "two_layer_sigmoid.json", "--json").stdout)
    W2 = [p for p in doc["params"] if p["name"] == "W"][1]
    assert W2["value"] == [[0.4, 0.5], [0.45, 0.55]]
    assert W2["grad"][0][0] == pytest.approx(0.082167041, abs=1e-9)


def test_check_passes_on_the_examples_and_fails_at_a_kink(tmp_path):
    proc = cli("check", EX / "sigmoid_neuron.json")
    assert proc.returncode == 0 and "gradient check passed" in proc.stdout
    doc = json.loads((EX / "max_gate.json").read_text())
    for node in doc["graph"]["nodes"]:
        if node["id"] == "x":
            node["tensors"]["value"] = 4.0          # a tie: max has a kink there
    tie = tmp_path / "tie.json"
    tie.write_text(json.dumps(doc))
    proc = cli("check", tie)
    assert proc.returncode == 1
    assert "MISMATCH" in proc.stdout and "gradient check FAILED" in proc.stdout


def test_train_writes_a_trained_graph_with_a_lower_loss(tmp_path):
    out = tmp_path / "trained.json"
    proc = cli("train", EX / "xor_mlp.json", "--steps", 300, "--lr", 0.1, "--optimizer", "adam",
               "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert "trained 300 steps" in proc.stdout and "step 300/300" in proc.stderr
    before = json.loads(cli("run", EX / "xor_mlp.json", "--json").stdout)["loss"]
    after = json.loads(cli("run", out, "--json").stdout)["loss"]
    assert after < before / 5


def test_train_on_a_csv(tmp_path):
    csv = tmp_path / "data.csv"
    csv.write_text("a,b,label\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n")
    out = tmp_path / "o.json"
    proc = cli("train", EX / "xor_mlp.json", "--csv", csv, "--features", "a,b",
               "--targets", "label", "--steps", 50, "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert out.exists()


@pytest.mark.parametrize("args, message", [
    (("run",), "required: file"),
    (("run", "missing.json"), "no such file"),
    (("frobnicate", "x"), "usage"),
    (("train", EX / "cs231n_add_multiply.json", "--steps", 5), "nothing to train"),
    (("train", EX / "xor_mlp.json", "--lr", "-1"), "learning rate must be a positive"),
    (("train", EX / "xor_mlp.json", "--steps", "0"), "--steps must be at least 1"),
    (("train", EX / "xor_mlp.json", "--optimizer", "rmsprop"), "invalid choice"),
    (("train", EX / "xor_mlp.json", "--csv", "d.csv"), "--csv needs --features"),
])
def test_bad_input_exits_2_with_one_line(args, message):
    proc = cli(*args)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]


def test_a_csv_with_a_bad_row_is_refused_with_its_line_number(tmp_path):
    csv = tmp_path / "data.csv"
    csv.write_text("a,b,label\n0,0,0\n0,oops,1\n")
    proc = cli("train", EX / "xor_mlp.json", "--csv", csv, "--features", "a,b",
               "--targets", "label")
    assert proc.returncode == 2
    assert "line 3: 'oops' is not a number" in proc.stderr


def test_help_exits_0():
    proc = cli("--help")
    assert proc.returncode == 0 and "run" in proc.stdout and "train" in proc.stdout
