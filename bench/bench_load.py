"""Loading graph files at the limits of engine/limits.py: how long the largest allowed files take.

Run: python bench/bench_load.py [REPEATS]   (prints figures; not part of the test run). Each
file is written to a temporary folder, then loaded REPEATS times (default 3) with
``fileformat.load``; the figures are wall and CPU time per load, min–max over the repeats, with
the time json.loads alone takes on the same text as the floor.

- nodes: MAX_NODES nodes (a chain of tanh and add nodes, MAX_NODES·1.5 edges), ~20 MB;
- bytes: a file just under MAX_FILE_BYTES of tensor numbers (random floats, 8 inputs);
- 50 MB: the size the issue reported as hanging past a minute.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT.parent))

from backprop_studio.engine import fileformat, limits  # noqa: E402


def _doc(nodes, edges):
    return {"format": "backprop-studio", "version": 1, "graph": {
        "directed": True, "multigraph": True, "graph": {"output": None},
        "nodes": nodes, "edges": edges}}


def many_nodes(n: int) -> str:
    nodes = [{"id": "n0", "op": "input", "label": "x", "pos": [0.0, 0.0], "config": {},
              "tensors": {"value": 0.5}}]
    edges = []
    for i in range(1, n):
        op = "add" if i % 2 else "tanh"
        nodes.append({"id": f"n{i}", "op": op, "label": f"{op} {i}", "pos": [i * 10.0, 0.0],
                      "config": {}, "tensors": {}})
        if op == "add":
            edges += [{"source": f"n{i - 1}", "target": f"n{i}", "port": "a", "key": "a"},
                      {"source": "n0", "target": f"n{i}", "port": "b", "key": "b"}]
        else:
            edges.append({"source": f"n{i - 1}", "target": f"n{i}", "port": "z", "key": "z"})
    return json.dumps(_doc(nodes, edges))


def many_bytes(target: int) -> str:
    rng = np.random.default_rng(0)
    per_number = len(json.dumps(rng.normal(size=1000).tolist())) / 1000
    total = int(target / per_number * 0.999)
    inputs = 8
    rows = max(1, total // inputs // 1000)
    nodes = [{"id": f"x{i}", "op": "input", "label": f"x{i}", "pos": [0.0, i * 50.0],
              "config": {}, "tensors": {"value": rng.normal(size=(rows, 1000)).tolist()}}
             for i in range(inputs)]
    text = json.dumps(_doc(nodes, []))
    while len(text.encode()) > target:           # trim a row at a time until it fits
        for node in nodes:
            node["tensors"]["value"].pop()
        text = json.dumps(_doc(nodes, []))
    return text


def measure(name: str, text: str, repeats: int, folder: Path) -> None:
    path = folder / f"{name}.json"
    path.write_text(text, encoding="utf-8")
    walls, cpus, floors = [], [], []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        graph = fileformat.load(path)
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
        c0 = time.process_time()
        json.loads(text)
        floors.append(time.process_time() - c0)
    size = path.stat().st_size
    elements = sum(np.size(v) for n in graph.nodes for v in graph.node(n)["tensors"].values())
    print(f"{name:>6}: {size / 1e6:6.1f} MB, {len(graph):,} nodes, {len(graph.edges()):,} edges, "
          f"{elements:,} numbers: load {min(walls):.2f}–{max(walls):.2f} s wall, "
          f"{min(cpus):.2f}–{max(cpus):.2f} s CPU (json.loads alone {min(floors):.2f}–"
          f"{max(floors):.2f} s CPU)")


def main() -> None:
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        measure("nodes", many_nodes(limits.MAX_NODES), repeats, folder)
        measure("bytes", many_bytes(limits.MAX_FILE_BYTES), repeats, folder)
        measure("50 MB", many_bytes(50_000_000), repeats, folder)


if __name__ == "__main__":
    main()
