"""Canvas speed: repaint of a 500-node/800-edge graph at zoom 1 and whole-graph, 2,000 nodes
whole-graph (level of detail), and opening a 1,000-node file into the canvas.

Run: python bench/bench_gui.py   (QT_QPA_PLATFORM=offscreen by default; prints figures; not part
of the test run). Targets (issue 3): 500 nodes ≤ 16 ms at zoom 1 and ≤ 25 ms whole-graph;
2,000 nodes whole-graph ≤ 33 ms; opening a 1,000-node file ≤ 1 s.

"first" is the first paint after a zoom change (node pictures are cached per zoom, so it draws
everything); "repaint" is later full repaints (hover, selection, animation frames), best and
median of 25: on a shared machine the best is the cost, the median includes other load; CPU is
the process's CPU time for the median repaint (the steadier figure when the machine is busy).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtWidgets import QApplication  # noqa: E402

from backprop_studio.engine import fileformat  # noqa: E402
from backprop_studio.engine.api import Graph  # noqa: E402
from backprop_studio.engine.layout import COLUMN, ROW  # noqa: E402

UNARY = ("sigmoid", "tanh", "relu", "exp")
BINARY = ("add", "subtract", "multiply", "max")


def random_graph(nodes: int, edges: int, seed: int = 0) -> Graph:
    """``nodes`` nodes and exactly ``edges`` edges, laid out in columns of 20 like a real model:
    leaves first, then ops reading from the previous few columns."""
    rng = random.Random(seed)
    g = Graph()
    per_col = 20
    n_ops = nodes - max(1, nodes // 5)
    n_binary = max(0, min(n_ops, edges - n_ops))
    n_leaves = nodes - n_ops
    ids = []
    for i in range(n_leaves):
        ids.append(g.add_node("input", f"x{i}", (0, 0), tensors={"value": rng.uniform(-1, 1)}))
    kinds = ["b"] * n_binary + ["u"] * (n_ops - n_binary)
    rng.shuffle(kinds)
    for i, kind in enumerate(kinds):
        window = ids[max(0, len(ids) - 3 * per_col):]
        if kind == "b":
            a, b = rng.sample(window, 2)
            node = g.add_node(rng.choice(BINARY), f"n{i}", (0, 0))
            g.connect(a, node, "a")
            g.connect(b, node, "b")
        else:
            node = g.add_node(rng.choice(UNARY), f"n{i}", (0, 0))
            g.connect(rng.choice(window), node, g.op(node).ports[0])
        ids.append(node)
    for i, node in enumerate(ids):
        g.set_position(node, ((i // per_col) * COLUMN, (i % per_col) * ROW))
    return g


def whole(view) -> None:
    """The whole graph in view, zoomed out by hand: Fit stops at the readable zoom."""
    from PySide6.QtCore import Qt
    view.fitInView(view.scene().itemsBoundingRect(), Qt.AspectRatioMode.KeepAspectRatio)
    view.zoom_changed.emit(view.zoom)


def paint_times(window, repeats: int = 25) -> tuple:
    """(first, best, median) repaint in ms, and the median's CPU time (the process's)."""
    vp = window.view.viewport()
    t = time.perf_counter()
    vp.repaint()
    first = (time.perf_counter() - t) * 1000
    times, cpus = [], []
    for _ in range(repeats):
        t, c = time.perf_counter(), time.process_time()
        vp.repaint()
        times.append((time.perf_counter() - t) * 1000)
        cpus.append((time.process_time() - c) * 1000)
    return first, min(times), statistics.median(times), statistics.median(cpus)


def report(what: str, times, target: float) -> None:
    first, best, median, cpu = times
    print(f"{what}: first {first:.1f} ms, repaint best {best:.1f} ms, median {median:.1f} ms "
          f"(CPU {cpu:.1f} ms)   (target ≤ {target:g} ms)")


def main() -> None:
    app = QApplication.instance() or QApplication([])
    os.environ.setdefault("BACKPROP_STUDIO_SETTINGS",
                          str(Path(tempfile.mkdtemp()) / "bench.ini"))
    from backprop_studio.gui.main_window import MainWindow
    window = MainWindow()
    window.resize(1600, 1000)
    window.show()
    app.processEvents()
    vp = window.view.viewport()
    print(f"viewport {vp.width()}×{vp.height()} px, platform {app.platformName()}, "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")

    g500 = random_graph(500, 800)
    window.set_graph(g500, None, "bench500")
    window.run_graph()
    assert len(g500.edges()) == 800, len(g500.edges())
    window.view.set_zoom(1.0)
    window.view.centerOn(window.scene.itemsBoundingRect().center())
    shown = len(window.view.items(vp.rect()))
    report(f"500 nodes/800 edges, zoom 1 ({shown} items in view)", paint_times(window), 16)
    whole(window.view)
    report(f"500 nodes/800 edges, whole graph (zoom {window.view.zoom:.2f})",
           paint_times(window), 25)

    g2000 = random_graph(2000, 3200, seed=1)
    window.set_graph(g2000, None, "bench2000")
    window.run_graph()
    whole(window.view)
    report(f"2,000 nodes/3,200 edges, whole graph (zoom {window.view.zoom:.2f})",
           paint_times(window), 33)

    g1000 = random_graph(1000, 1600, seed=2)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.json"
        fileformat.save(g1000, path)
        window.files.open_path(path, confirm=False)        # warm caches (schema, fonts)
        times, cpus = [], []
        for _ in range(3):
            t, c = time.perf_counter(), time.process_time()
            window.files.open_path(path, confirm=False)
            app.processEvents()
            vp.repaint()
            times.append(time.perf_counter() - t)
            cpus.append(time.process_time() - c)
        t, c = time.perf_counter(), time.process_time()
        graph = fileformat.load(path)
        load_only, load_cpu = time.perf_counter() - t, time.process_time() - c
    print(f"open a 1,000-node/1,600-edge file into the canvas and paint it: "
          f"{min(times) * 1000:.0f} ms best, {max(times) * 1000:.0f} ms worst (CPU "
          f"{min(cpus) * 1000:.0f}–{max(cpus) * 1000:.0f} ms; baseline: the engine's load alone "
          f"{load_only * 1000:.0f} ms, CPU {load_cpu * 1000:.0f} ms)   (target ≤ 1000 ms)")
    assert len(graph) == 1000
    window.files.ask_unsaved = lambda: "discard"
    window.close()


if __name__ == "__main__":
    main()
