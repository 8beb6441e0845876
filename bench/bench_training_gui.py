"""Training speed with the GUI running, against the headless engine in the same run.

For xor_mlp.json and a 784-128-64-10 dense network (synthetic data, batch 64): ``Trainer.run``
alone (headless) and the Training dock in the real main window (training process, live loss /
data / gradient-norm plots, canvas refresh) take turns in one process, ``PAIRS`` times, in
segments of ``SEGMENT`` seconds (Pause and Resume between them) with ``GAP`` seconds idle
between segments. This machine's speed drifts over seconds, so each GUI segment is compared
with the mean of the headless segments on either side of it; the GUI's cost is the median over
the pairs, with its range (single pairs vary by ±10 %, so many short pairs, not a few long
ones). Also printed: how much of one core the GUI process used, and the plot's update rate.
Then the loss plot's frame cost (``setData`` + a synchronous repaint of its viewport) with
100,000 steps on it.

Run: python bench/bench_training_gui.py [graph …]   (offscreen by default; prints figures; not
part of the test run; PAIRS=n, GAP=seconds to change those). Targets (issue 5): GUI cost
≤ 10 %; ≤ 5 ms per loss-plot frame at 100,000 steps.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("BACKPROP_STUDIO_SETTINGS", str(ROOT / "bench" / "out" / "bench.ini"))

import numpy as np  # noqa: E402
from PySide6.QtCore import QEventLoop, QObject, QTimer, Slot  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from backprop_studio.engine import fileformat  # noqa: E402
from backprop_studio.engine.api import Graph  # noqa: E402
from backprop_studio.engine.datasets import Dataset, builtin  # noqa: E402
from backprop_studio.engine.train import Trainer  # noqa: E402
from backprop_studio.gui.app import serial_painting  # noqa: E402


def dense_784() -> tuple[Graph, Dataset]:
    g = Graph.mlp([784, 128, 64, 10], batch=64)
    rng = np.random.default_rng(0)
    X = rng.normal(0, 1, (4096, 784))
    labels = rng.integers(0, 10, 4096)
    ds = Dataset("synthetic", X, np.eye(10)[labels], tuple(f"p{i}" for i in range(784)),
                 tuple(f"c{i}" for i in range(10)), "classification")
    return g, ds


CASES = {
    "xor_mlp.json": dict(load=lambda: (fileformat.load(ROOT / "resources/examples/xor_mlp.json"),
                                       builtin("xor")),
                         optimizer="adam", lr=0.1, batch=4),
    "784-128-64-10": dict(load=dense_784, optimizer="adam", lr=0.001, batch=64),
}


PAIRS = int(os.environ.get("PAIRS", 30))
SEGMENT = 1.0               # seconds per measured segment
GAP = float(os.environ.get("GAP", 0.25))   # seconds idle between segments: numpy's BLAS
                            # threads spin for about 0.11 s after their last product (OpenBLAS)
                            # before they sleep. Without a gap, each GUI segment shared its
                            # first 0.11 s with the headless segment's spinning thread, which
                            # never happens in the app (2 points of the 784 network's "cost")


def headless_segment(tr, seconds: float) -> float:
    """Steps per second of ``Trainer.run`` over about ``seconds`` (chunks, so the end is near)."""
    steps, started, chunk = 0, time.perf_counter(), 50
    while (elapsed := time.perf_counter() - started) < seconds:
        tr.run(chunk)
        steps += chunk
        chunk = max(chunk, int(steps / max(elapsed, 1e-3) * 0.1))   # ~0.1 s per chunk
    return steps / (time.perf_counter() - started)


def open_window(case):
    from backprop_studio.gui.main_window import MainWindow
    window = MainWindow()
    window.files.ask_unsaved = lambda: "discard"
    window.resize(1500, 1000)
    window.show()
    graph, ds = case["load"]()
    window.set_graph(graph, None, "bench")
    c = window.training
    c.dock.raise_()
    p = c.panel
    if ds.name == "synthetic":
        p._csv = ds                                    # as if loaded from a CSV file
        p.dataset_box.insertItem(p.dataset_box.count() - 1, "CSV: synthetic", "csv")
        p.dataset_box.setCurrentIndex(p.dataset_box.findData("csv"))
    else:
        p.dataset_box.setCurrentIndex(p.dataset_box.findData(ds.name))
    p.optimizer.setCurrentIndex(p.optimizer.findData(case["optimizer"]))
    p.lr.set_value(case["lr"])
    p.batch.setValue(case["batch"])
    p.steps.setValue(100_000_000)                      # paused and resumed, never finished
    return window, c


class Recorder(QObject):
    """Times the controller's handler of each progress batch (plots, data view, canvas) and
    keeps what the batches say: (steps done in this run, seconds since it started)."""

    def __init__(self, controller):
        super().__init__()
        self.controller = controller
        self.frames: list[float] = []
        self.marks: list[tuple[int, float]] = []
        controller.worker.progress.disconnect(controller._on_progress)
        controller.worker.progress.connect(self.on_progress)    # a QObject slot: GUI thread

    @Slot(object)
    def on_progress(self, progress) -> None:
        t = time.perf_counter()
        self.controller._on_progress(progress)
        self.frames.append(time.perf_counter() - t)
        if progress.generation == self.controller.generation:
            self.marks.append((progress.done, progress.elapsed))


def gui_segment(c, rec: Recorder, seconds: float) -> tuple[float, float, int]:
    """Train (or resume) in the window for ``seconds``, then pause. Returns the child's steps per
    second after its first batch (the run's start-up excluded), the GUI process's CPU use over
    the segment, and the number of plot updates."""
    rec.marks.clear()
    frames = len(rec.frames)
    started, cpu = time.perf_counter(), time.process_time()
    c.train() if c.state != "paused" else c.pause_or_resume()
    _spin(int(1000 * seconds))
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    c.pause_or_resume()
    _wait(c)
    (d0, e0), (d1, e1) = rec.marks[0], rec.marks[-1]
    rate = (d1 - d0) / (e1 - e0) if e1 > e0 else float("nan")
    return rate, cpu / wall, len(rec.frames) - frames


def paired(case) -> tuple[list[dict], list[float]]:
    """Headless and GUI segments alternating in one window, H G H G … H; each GUI segment is
    compared with the mean of the headless ones on either side (the machine's speed drifts over
    seconds, so only neighbours compare fairly). Returns the pairs and the plot handler's
    times (seconds, sorted)."""
    graph, ds = case["load"]()
    tr = Trainer(graph, ds, case["optimizer"], case["lr"], case["batch"], 0)
    tr.run(200)                                        # warm-up: plan compiled, caches hot
    window, c = open_window(case)
    rec = Recorder(c)
    gui_segment(c, rec, 2.0)                           # warm-up: the child started, plan built
    _spin(int(1000 * GAP))
    heads, rows = [headless_segment(tr, SEGMENT)], []
    for _ in range(PAIRS):
        _spin(int(1000 * GAP))
        rate, cpu, frames = gui_segment(c, rec, SEGMENT)
        _spin(int(1000 * GAP))
        heads.append(headless_segment(tr, SEGMENT))
        base = (heads[-2] + heads[-1]) / 2
        rows.append({"headless": base, "gui": rate, "cost": 100 * (1 - rate / base),
                     "cpu": 100 * cpu, "hz": frames / SEGMENT})
    handler = sorted(rec.frames)
    c.shutdown()
    window.undo_stack.clear()
    window.close()
    return rows, handler


def _spin(ms: int) -> None:
    """Run Qt's event loop for ``ms`` (a real loop that sleeps when idle, as the app does)."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def _wait(c) -> None:
    while c.state in ("running", "pausing"):
        _spin(5)
    _spin(1)


def loss_plot_frames(app, n: int = 100_000, frames: int = 40) -> list[float]:
    """setData with one more batch of 400 losses, then a synchronous repaint, per frame."""
    from backprop_studio.gui.training.loss_plot import LossPlot
    plot = LossPlot()
    plot.resize(500, 320)
    plot.show()
    rng = np.random.default_rng(0)
    plot.append(0, np.exp(-np.arange(n) / 2e4) + 0.05 * rng.random(n))
    app.processEvents()
    times = []
    for _ in range(frames):
        batch = 0.01 + 0.05 * rng.random(400)
        t = time.perf_counter()
        plot.append(plot.count, batch)
        plot.plot.viewport().repaint()                 # a QGraphicsView paints its viewport
        times.append(time.perf_counter() - t)
    plot.close()
    return times


def main() -> None:
    serial_painting()                              # as the app does (gui/app.py)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    chosen = sys.argv[1:] or list(CASES)           # e.g. python bench/… 784-128-64-10
    for name in chosen:
        rows, handler = paired(CASES[name])
        print(f"{name}: {PAIRS} pairs of {SEGMENT:.1f} s segments, headless (mean of the two "
              f"around) against the GUI in one window")
        for r in rows:
            print(f"  headless {r['headless']:9,.0f}/s  with GUI {r['gui']:9,.0f}/s  "
                  f"GUI cost {r['cost']:6.1f}%  GUI CPU {r['cpu']:3.0f}%  plot {r['hz']:.0f} Hz")
        costs = sorted(r["cost"] for r in rows)
        print(f"{name}: GUI cost median {statistics.median(costs):.1f}% (range {costs[0]:.1f} "
              f"… {costs[-1]:.1f}; target ≤ 10 %); plot handler median "
              f"{1000 * statistics.median(handler):.1f} ms, max {1000 * handler[-1]:.1f} ms")
    times = loss_plot_frames(app)
    print(f"loss plot, 100,000 steps: setData + repaint best {1000 * min(times):.2f} ms, "
          f"median {1000 * statistics.median(times):.2f} ms, max {1000 * max(times):.2f} ms "
          f"(target ≤ 5 ms)")


if __name__ == "__main__":
    main()
