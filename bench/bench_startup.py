"""Startup: time from process start to the main window shown and painted, for
``python main.py`` and ``python main.py resources/examples/cs231n_add_multiply.json``.

Run: python bench/bench_startup.py   (prints figures; not part of the test run). Target (issue
3): ≤ 1.2 s. Uses $DISPLAY when set (e.g. under xvfb-run), else the offscreen platform.

The child process is main.py itself, with QMainWindow.show wrapped to note the window's first
paint event, and QApplication.exec replaced so the process ends once the file is open. The floor
beside it: the same child showing an empty QMainWindow. CPU is the child's CPU time when shown.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "resources" / "examples" / "cs231n_add_multiply.json"

CHILD = r"""
import sys, time
sys.path.insert(0, {root!r})
sys.argv = ["main.py"] + {args!r}
from PySide6.QtCore import QObject, QEvent
from PySide6.QtWidgets import QApplication, QMainWindow
_show = QMainWindow.show
class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and not hasattr(self, "seen"):
            self.seen = time.time()
        return False
probe = FirstPaint()
def _timed_show(self):
    self.installEventFilter(probe)
    _show(self)
    QApplication.processEvents()           # the first paint of the shown window
    print("SHOWN", getattr(probe, "seen", time.time()), flush=True)
    print("CPU", time.process_time(), flush=True)
QMainWindow.show = _timed_show
QApplication.exec = staticmethod(lambda *a: 0)   # stop once the file (if any) is open
if {floor!r}:
    app = QApplication(sys.argv[:1])
    QMainWindow().show()
else:
    import main
    main.main(sys.argv[1:])
print("OPENED", time.time(), flush=True)
"""


def once(args: list[str], env: dict, floor: bool = False) -> tuple[float, float, float]:
    """(window shown and painted, file opened, CPU time at shown) in seconds from process start;
    ``floor``: an empty QMainWindow instead of the app (Python + Qt alone)."""
    code = CHILD.format(root=str(ROOT), args=args, floor=floor)
    start = time.time()
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         timeout=60)
    marks = dict(line.split() for line in out.stdout.splitlines()
                 if line.startswith(("SHOWN", "OPENED", "CPU")))
    if "SHOWN" not in marks:
        raise RuntimeError(f"no timing from the child:\n{out.stdout}\n{out.stderr}")
    return (float(marks["SHOWN"]) - start, float(marks.get("OPENED", "nan")) - start,
            float(marks["CPU"]))


def main() -> None:
    env = dict(os.environ)
    if not env.get("DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    env["BACKPROP_STUDIO_SETTINGS"] = str(Path(tempfile.mkdtemp()) / "startup.ini")
    platform = env.get("QT_QPA_PLATFORM") or f"xcb on {env.get('DISPLAY')}"
    print(f"platform {platform}, load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    once([], env)                                   # warm the disk cache
    floor = [once([], env, floor=True) for _ in range(5)]
    print(f"floor, an empty QMainWindow (Python + PySide6 alone): shown after median "
          f"{statistics.median(r[0] for r in floor):.2f} s, CPU "
          f"{statistics.median(r[2] for r in floor):.2f} s")
    for label, args in (("python main.py", []), ("python main.py cs231n_add_multiply.json",
                                                  [str(EXAMPLE)])):
        runs = [once(args, env) for _ in range(5)]
        shown = [r[0] for r in runs]
        opened = [r[1] for r in runs]
        print(f"{label}: window shown after best {min(shown):.2f} s, median "
              f"{statistics.median(shown):.2f} s, CPU median "
              f"{statistics.median(r[2] for r in runs):.2f} s (target ≤ 1.2 s); ready with the "
              f"file after median "
              f"{statistics.median(opened):.2f} s")


if __name__ == "__main__":
    main()
