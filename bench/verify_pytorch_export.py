"""Verify the PyTorch export against a real PyTorch: every bundled example (and the tests'
graphs that reach the other ops, tests/export_graphs.py) is exported, run
under a Python that has torch, and compared with the engine (the loss and every value, gradient
and edge of `run --json`, then N training steps' parameters against engine.train.Trainer).

PyTorch's wheels are too large for the test run, so this lives here. In a venv of its own:

    python3 -m venv /tmp/torchvenv
    /tmp/torchvenv/bin/pip install torch==2.13.0 numpy networkx jsonschema
    python bench/verify_pytorch_export.py --python /tmp/torchvenv/bin/python [--steps 25]

Prints one line per example with the largest differences (for training, the NumPy export's
as well) (relative where |value| > 1) and
exits 1 if any is above 1e-9.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT.parent))
sys.path.insert(0, str(ROOT / "tests"))

from export_graphs import GRAPHS, LINE_CSV, line_fit  # noqa: E402
from export_helpers import engine_json, max_difference  # noqa: E402

from backprop_studio.engine import fileformat  # noqa: E402
from backprop_studio.engine.datasets import builtin, load_csv  # noqa: E402
from backprop_studio.engine.export import numpy_code, torch_code  # noqa: E402
from backprop_studio.engine.train import Trainer  # noqa: E402

TOL = 1e-9


def run(python: str, script: Path, *args) -> dict:
    done = subprocess.run([python, str(script), *args], capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{script.name} failed under {python}:\n{done.stderr}")
    return json.loads(done.stdout)


def trained(graph, steps: int, csv=None) -> tuple[list, list]:
    block = graph.nx.graph["training"]
    data = builtin(block["dataset"], block.get("seed", 0)) if block.get("dataset") else None
    data = load_csv(*csv) if csv else data
    trainer = Trainer(graph, data, optimizer=block["optimizer"], lr=block["lr"],
                      batch_size=block.get("batch_size", 32), seed=block.get("seed", 0))
    trainer.run(steps)
    params = [{"node": n, "name": t, "value": np.asarray(p).tolist()}
              for (n, t), p in zip(trainer.names, trainer.params)]
    return params, trainer.history


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", default="/tmp/torchvenv/bin/python",
                        help="a Python with torch installed")
    parser.add_argument("--steps", type=int, default=25,
                        help="training steps to compare (0: each file's own steps)")
    args = parser.parse_args()
    version = subprocess.run([args.python, "-c", "import torch; print(torch.__version__)"],
                             capture_output=True, text=True, check=True).stdout.strip()
    print(f"torch {version} at {args.python}; training steps compared: "
          f"{args.steps or 'each file' + chr(39) + 's own'}")
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        graphs = [(p.stem, fileformat.load(p), str(p))
                  for p in sorted((ROOT / "resources" / "examples").glob("*.json"))]
        graphs += [(name, make(), None) for name, make in GRAPHS.items()]
        line_csv = Path(tmp) / "line.csv"
        line_csv.write_text(LINE_CSV, encoding="utf-8")
        graphs.append(("line_fit (CSV)", line_fit(), None))
        for name, graph, source in graphs:
            script = Path(tmp) / f"{name.split()[0]}.py"
            csv = (line_csv, ["x"], ["y"]) if name.endswith("(CSV)") else None
            torch_code.write(graph, script, source=source, csv=csv)
            diff = max_difference(run(args.python, script), engine_json(graph))
            line = f"{name:28s} run --json: max difference {diff:.1e}"
            worst = max(worst, diff)
            if graph.nx.graph.get("training"):
                steps = args.steps or int(graph.nx.graph["training"].get("steps", 1000))
                want, history = trained(graph, steps, csv)
                got = run(args.python, script, "--train", str(steps))
                pdiff = max_difference(got["params"], want)
                ldiff = float(np.max(np.abs(np.array(got["losses"]) - history)))
                line += f"; {steps} steps: parameters {pdiff:.1e}, losses {ldiff:.1e}"
                worst = max(worst, pdiff, ldiff)
                numpy_code.write(graph, script, source=source, csv=csv)   # the NumPy one, too
                got = run(sys.executable, script, "--train", str(steps))
                line += (f" (NumPy export: parameters {max_difference(got['params'], want):.1e}"
                         f", losses {np.max(np.abs(np.array(got['losses']) - history)):.1e})")
            print(line)
    print(f"largest difference {worst:.1e} ({'within' if worst <= TOL else 'ABOVE'} {TOL:g})")
    return 0 if worst <= TOL else 1


if __name__ == "__main__":
    sys.exit(main())
