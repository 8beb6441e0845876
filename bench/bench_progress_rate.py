"""How often training reports, and how late the window answers while it trains: the timing that
the tests do not assert (they check counts, order and values; a busy machine must not fail them).

1. The child's loop (engine.train_process.Loop) in this process with a real Trainer on
   spirals_mlp.json: the gaps between its progress batches (target: every gap ≤ 50 ms, ≥ 20 Hz),
   with the run's wall and CPU time.
2. The main window training spirals_mlp.json in its child process: 200 posted 5 ms timers, each
   posted by the one before, and how late each is answered (target: the second-worst < 50 ms,
   median < 15 ms), with the GUI process's CPU time over the same span.

Run: python bench/bench_progress_rate.py   (offscreen by default; prints figures; not part of the
test run). On a busy machine the figures get worse; the CPU time says how much of that is ours.
"""

from __future__ import annotations

import os
import statistics
import sys
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("BACKPROP_STUDIO_SETTINGS", str(ROOT / "bench" / "out" / "bench.ini"))

import numpy as np  # noqa: E402

from backprop_studio.engine import datasets, fileformat  # noqa: E402
from backprop_studio.engine.train import Trainer  # noqa: E402
from backprop_studio.engine.train_process import EMIT_INTERVAL, Loop  # noqa: E402

SPIRALS = ROOT / "resources" / "examples" / "spirals_mlp.json"


class Conn:
    def __init__(self):
        self.times = []

    def send(self, msg):
        if msg[0] == "progress":
            self.times.append(time.perf_counter())

    def poll(self):
        return False


def loop_cadence(steps: int = 3000) -> None:
    loop = Loop(Conn(), threading.Event())
    loop.trainer = Trainer(fileformat.load(SPIRALS), datasets.builtin("spirals"), "adam", 0.01,
                           32, 0)
    start, cpu = time.perf_counter(), time.process_time()
    loop.run(1, steps)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    gaps = np.diff([start, *loop.conn.times[:-1]]) * 1000     # the last batch is the run's end
    print(f"loop, spirals_mlp, {steps} steps: wall {wall:.2f} s, CPU {cpu:.2f} s; "
          f"{len(loop.conn.times)} batches, gap median {np.median(gaps):.1f} ms, max "
          f"{gaps.max():.1f} ms (cadence {1000 * EMIT_INTERVAL:.0f} ms; target max ≤ 50)")


def window_answers(events: int = 200) -> None:
    from PySide6.QtCore import QElapsedTimer, QEventLoop, Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from backprop_studio.gui.app import serial_painting
    from backprop_studio.gui.main_window import MainWindow

    serial_painting()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = MainWindow()
    window.files.ask_unsaved = lambda: "discard"
    window.resize(1300, 820)
    window.show()
    window.open_path(str(SPIRALS))
    controller = window.training
    controller.panel.steps.setValue(10_000_000)
    QTest.mouseClick(controller.panel.train_button, Qt.MouseButton.LeftButton)
    while controller.view.loss_plot.count < 300:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
    gaps, clock, loop = [], QElapsedTimer(), QEventLoop()

    def tick():
        gaps.append(clock.restart())
        if len(gaps) <= events:
            QTimer.singleShot(5, tick)
        else:
            loop.quit()
    clock.start()
    cpu, wall = time.process_time(), time.perf_counter()
    QTimer.singleShot(5, tick)
    loop.exec()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    controller.stop()
    controller.shutdown()
    window.undo_stack.clear()
    late = sorted(g - 5 for g in gaps[1:])
    print(f"window while training spirals_mlp: {events} events answered late by median "
          f"{statistics.median(late):.0f} ms, second-worst {late[-2]} ms, worst {late[-1]} ms "
          f"(targets < 15, < 50); GUI process CPU {cpu:.2f} s of {wall:.2f} s wall")


def main() -> None:
    for _ in range(3):
        loop_cadence()
    window_answers()


if __name__ == "__main__":
    main()
