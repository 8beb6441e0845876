"""How much an animation frame costs on a 500-node graph at zoom 1 (target: ≤ 16 ms).

A frame moves the active step's pulses and repaints what they dirtied, so its cost should follow
the number of animated edges, not the size of the graph. This prints, for graphs of 100 and 500
nodes: a frame (time advance + a synchronous repaint of the dirty region), the same without the
repaint, a step (labels of one step), a scrub (jump across the timeline, whole-state diff), and
a full-viewport repaint for comparison (the baseline a frame must stay well below); wall and
CPU time of each.

    QT_QPA_PLATFORM=offscreen python bench/bench_animation.py
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

OPS = ("add", "multiply", "sigmoid", "tanh", "add", "multiply")


def random_graph(n: int, seed: int = 0):
    """n scalar nodes: inputs, then ops on random earlier nodes, then adds down to one output."""
    from backprop_studio.engine.api import Graph
    rng = random.Random(seed)
    g = Graph()
    nodes = [g.input(f"x{i}", rng.uniform(-1, 1)) for i in range(max(4, n // 10))]
    while len(g) < n - n // 8:
        op = rng.choice(OPS)
        recent = nodes[-30:]
        if op in ("sigmoid", "tanh"):
            nodes.append(g.apply(op, rng.choice(recent)))
        else:
            a, b = rng.sample(recent, 2)
            nodes.append(g.apply(op, a, b))
    sinks = [v for v in g.nodes if g.nx.out_degree(v) == 0]
    while len(sinks) > 1:
        a, b = sinks.pop(), sinks.pop()
        sinks.insert(0, g.apply("add", a, b))
    g.layout()
    return g


def PaintWatch(widget):
    """Counts the widget's paint events and the largest region painted."""
    from PySide6.QtCore import QEvent, QObject

    class Watch(QObject):
        def __init__(self):
            super().__init__(widget)
            self.count, self.largest = 0, (0, 0)

        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint:
                self.count += 1
                r = event.region().boundingRect()
                if r.width() * r.height() > self.largest[0] * self.largest[1]:
                    self.largest = (r.width(), r.height())
            return False
    watch = Watch()
    widget.installEventFilter(watch)
    return watch


def timed(fn, repeat: int) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds of each of ``repeat`` calls."""
    wall, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return wall, cpu


def report(name: str, times: tuple[list[float], list[float]]) -> None:
    ms, cpu = sorted(times[0]), times[1]
    p95 = ms[int(0.95 * (len(ms) - 1))]
    print(f"  {name:<44} median {statistics.median(ms):7.3f} ms   p95 {p95:7.3f} ms   "
          f"max {ms[-1]:7.3f} ms   CPU median {statistics.median(cpu):7.3f} ms")


def bench(app, n: int) -> None:
    from backprop_studio.gui.animation import install
    from backprop_studio.gui.main_window import MainWindow
    window = MainWindow()
    window.resize(1920, 1080)
    anim = install(window)
    window.show()
    app.processEvents()
    graph = random_graph(n)
    window.set_graph(graph, None, f"bench{n}")
    window.run_graph()
    anim.home()
    ctl = anim.controller
    tl = ctl.timeline
    print(f"{len(graph)} nodes, {len(graph.edges())} edges, {len(tl)} steps "
          f"({tl.forward_count} forward)")
    mid = tl.forward_count + (len(tl) - tl.forward_count) // 2
    edge_step = next(s for s in tl.steps[mid:] if s.kind == "edge")
    ctl.seek(edge_step.index)                     # all labels up to here
    window.view.set_zoom(1.0)
    window.view.centerOn(window.scene.edge_item(*edge_step.edges[0]).path().pointAtPercent(0.5))
    app.processEvents()
    viewport = window.view.viewport()

    def step():
        ctl.seek(ctl.cursor + 1, animate=True)

    state = {"t": 0.0}

    def frame_logic():
        state["t"] = (state["t"] + 1 / 60) % 1.0
        ctl.progress = state["t"]
        ctl.progress_changed.emit(state["t"])

    def frame():
        frame_logic()
        app.processEvents()           # the view paints only the region the pulse dirtied

    ctl.seek(edge_step.index + 1, animate=True)
    ctl._timer.stop()
    app.processEvents()
    print(f"  animated edges this step: {len(ctl.active.edges)}; items moved per frame: "
          f"{anim.overlay._active_pulses}; overlay labels on the scene: "
          f"{len(anim.overlay.labels)}")
    painted = PaintWatch(viewport)
    report("frame: pulse + paint of its dirty region", timed(frame, 300))
    print(f"  paints during those frames: {painted.count}; largest painted area "
          f"{painted.largest[0]}×{painted.largest[1]} px of {viewport.width()}×{viewport.height()}")
    viewport.removeEventFilter(painted)
    report("frame: pulse only (no paint)", timed(frame_logic, 300))

    def full():
        viewport.repaint()            # QWidget.repaint: the whole viewport, synchronously
    report("full-viewport repaint (for comparison)", timed(full, 30))
    ctl.seek(tl.forward_count)
    steps = timed(step, min(200, len(tl) - ctl.cursor - 1))
    report("one step (labels of that step)", steps)
    rng = random.Random(1)
    report("scrub to a random step (whole-state diff)",
           timed(lambda: ctl.seek(rng.randrange(len(tl) + 1)), 30))
    ctl._timer.stop()
    window.close()


def main() -> None:
    from PySide6.QtWidgets import QApplication
    app = QApplication.instance() or QApplication(sys.argv[:1])
    for n in (100, 500):
        bench(app, n)


if __name__ == "__main__":
    main()
