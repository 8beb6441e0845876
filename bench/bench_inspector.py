"""GUI-thread cost of show_result on the 784-128-64-10 network with a dense node selected
(target: ≤ 100 ms per call while the animation is not playing; training calls show_result
about once a second). Prints the first call (which builds the inspector page) and the median of
the repeated calls that follow, traced (Run) and untraced (training), each including the queued
inspector refresh, with CPU time; also the cost of selecting the dense node, and as a baseline
the same call with nothing selected.

    QT_QPA_PLATFORM=offscreen python bench/bench_inspector.py
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def mnist_graph():
    from backprop_studio.engine.api import Graph
    return Graph.mlp([784, 128, 64, 10], batch=64)


def main(repeats: int = 10) -> None:
    import tempfile
    os.environ.setdefault("BACKPROP_STUDIO_SETTINGS",
                          str(Path(tempfile.mkdtemp()) / "studio.ini"))
    from PySide6.QtWidgets import QApplication

    from backprop_studio import engine
    from backprop_studio.gui.main_window import MainWindow
    app = QApplication.instance() or QApplication([])
    window = MainWindow()
    window.files.ask_unsaved = lambda: "discard"
    window.resize(1400, 900)
    window.show()
    app.processEvents()
    graph = mnist_graph()
    window.set_graph(graph, None, "mnist")
    app.processEvents()
    traced = engine.run(window.graph, trace=True)
    plain = engine.run(window.graph, trace=False)
    dense = next(n for n in window.graph.nodes if window.graph.op(n).name == "dense")

    def timed(fn) -> float:
        t = time.perf_counter()
        fn()
        app.processEvents()          # the inspector refresh is queued: count it too
        return (time.perf_counter() - t) * 1000

    first = timed(lambda: window.show_result(traced))
    window.scene.clearSelection()
    select = timed(lambda: window.scene.node_item(dense).setSelected(True))
    runs = {"traced": [], "untraced": []}
    cpus = {"traced": [], "untraced": []}
    for _ in range(repeats):
        for kind, result in (("traced", traced), ("untraced", plain)):
            c = time.process_time()
            runs[kind].append(timed(lambda result=result: window.show_result(result)))
            cpus[kind].append((time.process_time() - c) * 1000)
    window.scene.clearSelection()
    app.processEvents()
    baseline = []                    # the same call with nothing selected: no inspector page
    for _ in range(repeats):
        baseline.append(timed(lambda: window.show_result(plain)))
    print(f"784-128-64-10 network, dense node {dense!r} selected, animation idle")
    print(f"  first show_result (no selection):        {first:8.1f} ms")
    print(f"  select the dense node (build its page):  {select:8.1f} ms")
    for kind, times in runs.items():
        print(f"  show_result {kind:9s} median of {repeats}:    "
              f"{statistics.median(times):8.1f} ms  (max {max(times):.1f}; CPU median "
              f"{statistics.median(cpus[kind]):.1f})")
    print(f"  baseline: show_result untraced, nothing selected: "
          f"{statistics.median(baseline):.1f} ms")
    window.close()


if __name__ == "__main__":
    main()
