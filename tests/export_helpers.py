"""Shared by the code-export tests: run an exported script, compare its JSON with the engine's."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np

from backprop_studio.engine.backprop import run
from backprop_studio.engine.cli import result_json


def engine_json(graph) -> dict:
    """What `python main.py run FILE --json` prints, through a JSON round trip."""
    return json.loads(json.dumps(result_json(graph, run(graph, trace=True))))


def run_script(path, *args) -> dict:
    done = subprocess.run([sys.executable, str(path), *args], capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def max_difference(got, want, where="") -> float:
    """The largest absolute difference between two results of the same structure; every key,
    list length, string and None must be equal."""
    if isinstance(want, dict):
        assert isinstance(got, dict) and got.keys() == want.keys(), (where, got, want)
        return max([max_difference(got[k], want[k], f"{where}.{k}") for k in want], default=0.0)
    if want is None or isinstance(want, str):
        assert got == want, (where, got, want)
        return 0.0
    if isinstance(want, list) and want and isinstance(want[0], dict):
        assert isinstance(got, list) and len(got) == len(want), (where, got, want)
        return max(max_difference(g, w, f"{where}[{i}]") for i, (g, w) in
                   enumerate(zip(got, want)))
    a, b = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    assert a.shape == b.shape, (where, a.shape, b.shape)
    return float(np.max(np.abs(a - b) / np.maximum(1.0, np.abs(b)), initial=0.0))
