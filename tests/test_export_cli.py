"""`python main.py export FILE --to FORMAT -o OUT`: the formats registry, its exit codes and
one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from test_cli import EX, cli

from backprop_studio.engine.export import FORMATS, writer


def test_export_numpy_writes_a_script_that_runs(tmp_path):
    out = tmp_path / "cs231n.py"
    proc = cli("export", EX / "cs231n_add_multiply.json", "--to", "numpy", "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert str(out) in proc.stdout
    result = json.loads(subprocess.run([sys.executable, str(out)], capture_output=True,
                                       text=True, check=True).stdout)
    grads = {n["label"]: n["grad"] for n in result["nodes"]}
    assert grads == {"x": -4.0, "y": -4.0, "z": 3.0, "q": -4.0, "f": 1.0}
    assert result["loss"] == -12.0


def test_export_pytorch_writes_python(tmp_path):
    out = tmp_path / "xor.py"
    proc = cli("export", EX / "xor_mlp.json", "--to", "pytorch", "-o", out)
    assert proc.returncode == 0, proc.stderr
    compile(out.read_text(encoding="utf-8"), str(out), "exec")
    assert "class Model(nn.Module):" in out.read_text(encoding="utf-8")


def test_unknown_format_exits_2_with_the_list(tmp_path):
    proc = cli("export", EX / "xor_mlp.json", "--to", "fortran", "-o", tmp_path / "x.f")
    assert proc.returncode == 2
    line = proc.stderr.strip()
    assert "\n" not in line and "fortran" in line
    for name in FORMATS:
        assert name in line
    assert not (tmp_path / "x.f").exists()


@pytest.mark.parametrize("args, message", [
    (["export", "missing.json", "--to", "numpy"], "missing.json"),
    (["export", EX / "xor_mlp.json"], "--to"),
    (["export", EX / "xor_mlp.json", "--to", "numpy", "--csv", "d.csv"], "--features"),
    (["export", EX / "xor_mlp.json", "--to", "numpy", "--csv", "missing.csv", "--features",
      "a", "--targets", "b"], "missing.csv"),
])
def test_bad_export_input_exits_2_with_one_line(args, message):
    proc = cli(*args)
    assert proc.returncode == 2
    assert message in proc.stderr and proc.stderr.count("\n") == 1


def test_a_format_is_imported_only_when_chosen():
    """Other formats (a GIF writer needs Qt) are named by module path, not imported here."""
    for fmt in FORMATS.values():
        assert isinstance(fmt.writer, str) and ":" in fmt.writer
    code = ("import sys; from backprop_studio.engine.export import cli, FORMATS; "
            "print(any(m.endswith(('numpy_code', 'torch_code')) for m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "False"
    assert callable(writer("numpy"))
