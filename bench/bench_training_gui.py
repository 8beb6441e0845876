"""Training speed with the GUI running, against the headless engine in the same run.

For xor_mlp.json and a 784-128-64-10 dense network (synthetic data, batch 64), measures steps per
second of ``Trainer.run`` alone, then of the Training dock in the real main window (training
process, live loss / boundary / gradient-norm plots, canvas refresh), and the GUI's cost in %,
plus how much of one core the GUI process itself used meanwhile. Each graph is measured
``ROUNDS`` times, headless and GUI alternating, so a busy machine shows as spread, not as a
verdict.
Then the loss plot's frame cost (``setData`` + a full repaint) with 100,000 steps on it.

Run: python bench/bench_training_gui.py   (offscreen by default; prints figures; not part of the
test run). Targets (issue 5): GUI cost ≤ 10 %; ≤ 5 ms per loss-plot frame at 100,000 steps.
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

from engine import fileformat  # noqa: E402
from engine.api import Graph  # noqa: E402
from engine.datasets import Dataset, builtin  # noqa: E402
from engine.train import Trainer  # noqa: E402


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
                         optimizer="adam", lr=0.1, batch=4, steps=60_000),
    "784-128-64-10": dict(load=dense_784, optimizer="adam", lr=0.001, batch=64, steps=3000),
}


ROUNDS = 3


def headless(case) -> float:
    graph, ds = case["load"]()
    tr = Trainer(graph, ds, case["optimizer"], case["lr"], case["batch"], 0)
    tr.run(min(200, case["steps"] // 10))               # warm-up: plan compiled, caches hot
    started = time.perf_counter()
    tr.run(case["steps"])
    return case["steps"] / (time.perf_counter() - started)


def with_gui(app, case) -> tuple[float, dict]:
    from gui.main_window import MainWindow
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
    p.steps.setValue(min(200, case["steps"] // 10))
    c.train()                                          # warm-up, as headless
    _wait(app, c)
    _spin(3000)                                        # let the window digest the result
    timer = FrameTimer(c)
    c.worker.progress.disconnect(c._on_progress)
    c.worker.progress.connect(timer.on_progress)        # a QObject slot: the GUI thread
    frames = timer.frames
    p.steps.setValue(case["steps"])
    started, cpu = time.perf_counter(), time.process_time()
    timer.until(case["steps"])
    c.train()
    timer.loop.exec()                                  # until the last batch is plotted (a
    ended = time.perf_counter()                        # loop that sleeps: no polling here)
    rate = case["steps"] / (ended - started)
    cpu = (time.process_time() - cpu) / (ended - started)
    _wait(app, c)                                      # write-back and the traced result
    pause_ms = 1000 * (time.perf_counter() - ended)
    c.shutdown()
    window.undo_stack.clear()
    window.close()
    return rate, {"frames": len(frames), "median_ms": 1000 * statistics.median(frames),
                  "max_ms": 1000 * max(frames), "pause_ms": pause_ms,
                  "hz": len(frames) / (ended - started), "cpu": 100 * cpu}


class FrameTimer(QObject):
    """Times the controller's handler of each progress batch (plots, data view, canvas)."""

    def __init__(self, controller):
        super().__init__()
        self.controller, self.frames, self.done = controller, [], 0
        self.loop, self.target = QEventLoop(), None

    def until(self, steps: int) -> None:
        self.target = steps

    @Slot(object)
    def on_progress(self, progress) -> None:
        t = time.perf_counter()
        self.controller._on_progress(progress)
        self.frames.append(time.perf_counter() - t)
        self.done = max(self.done, progress.done)     # batches may nest (flushes)
        if self.target is not None and self.done >= self.target:
            self.loop.quit()


def _spin(ms: int) -> None:
    """Run Qt's event loop for ``ms`` (a real loop that sleeps when idle, as the app does)."""
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def _wait(app, c) -> None:
    while c.state in ("running", "pausing"):
        _spin(5)
    _spin(1)


def loss_plot_frames(app, n: int = 100_000, frames: int = 40) -> list[float]:
    """setData with one more batch of 400 losses, then a synchronous repaint, per frame."""
    from gui.training.loss_plot import LossPlot
    plot = LossPlot()
    plot.resize(500, 320)
    plot.show()
    rng = np.random.default_rng(0)
    plot.append(0, np.exp(-np.arange(n) / 2e4) + 0.05 * rng.random(n))
    app.processEvents()
    times = []
    for i in range(frames):
        batch = 0.01 + 0.05 * rng.random(400)
        t = time.perf_counter()
        plot.append(plot.count, batch)
        plot.plot.repaint()
        times.append(time.perf_counter() - t)
    plot.close()
    return times


def main() -> None:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    print(f"{'graph':16} {'headless':>12} {'with GUI':>12} {'GUI cost':>9} {'GUI CPU':>8}  "
          f"plot updates (handler time); end of run (write-back, traced result on canvas)")
    for name, case in CASES.items():
        costs = []
        for _ in range(ROUNDS):
            base = headless(case)
            gui, info = with_gui(app, case)
            costs.append(100 * (1 - gui / base))
            print(f"{name:16} {base:9,.0f}/s {gui:9,.0f}/s {costs[-1]:8.1f}% {info['cpu']:7.0f}%  "
                  f"{info['hz']:.0f} Hz (median {info['median_ms']:.1f} ms, max "
                  f"{info['max_ms']:.1f} ms); end {info['pause_ms']:.0f} ms")
        print(f"{name:16} GUI cost median {statistics.median(costs):.1f}% over {ROUNDS} rounds "
              f"(target ≤ 10 %)")
    times = loss_plot_frames(app)
    print(f"loss plot, 100,000 steps: setData + repaint best {1000 * min(times):.2f} ms, "
          f"median {1000 * statistics.median(times):.2f} ms, max {1000 * max(times):.2f} ms "
          f"(target ≤ 5 ms)")


if __name__ == "__main__":
    main()
