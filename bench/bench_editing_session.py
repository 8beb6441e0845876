"""A random editing session of 10,000 actions through the window's own commands and widgets
(tests/gui/random_session.py, the one the test suite runs with 1,000): prints what was done,
what was refused, whether Save, reload, undo-all and redo-all held, and the time taken.

Run: python bench/bench_editing_session.py [ACTIONS] [SEED]   (offscreen by default)
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "gui"))
import main  # noqa: E402,F401  (the checkout as backprop_studio)


def main_bench(actions: int, seed: int) -> int:
    folder = tempfile.mkdtemp(prefix="bench-session-")
    os.environ["BACKPROP_STUDIO_SETTINGS"] = str(Path(folder) / "studio.ini")
    from PySide6.QtWidgets import QApplication
    from random_session import run

    from backprop_studio.engine import fileformat
    from backprop_studio.gui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    window = MainWindow()
    window.files.ask_unsaved = lambda: "discard"
    window.resize(1300, 820)
    window.show()
    app.processEvents()
    window.open_path(ROOT / "resources" / "examples" / "xor_mlp.json")
    start = fileformat.dumps(window.graph)
    wall, cpu = time.perf_counter(), time.process_time()
    session = run(window, actions, seed)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    while window.undo_stack.canRedo():
        window.actions["redo"].trigger()
    final = fileformat.dumps(window.graph)
    saved = Path(folder) / "session.json"
    save_ok = window.files.save_to(saved)
    reload_ok = save_ok and fileformat.dumps(fileformat.load(saved)) == final
    steps = window.undo_stack.count()
    t = time.perf_counter()
    while window.undo_stack.canUndo():
        window.actions["undo"].trigger()
    undo_ok = fileformat.dumps(window.graph) == start
    while window.undo_stack.canRedo():
        window.actions["redo"].trigger()
    redo_ok = fileformat.dumps(window.graph) == final
    t = time.perf_counter() - t
    print(f"{actions:,} actions, seed {seed}: {wall:.1f} s wall, {cpu:.1f} s CPU "
          f"({wall / actions * 1000:.2f} ms per action)")
    print("done:    " + ", ".join(f"{k} {v}" for k, v in session.done.items()))
    print(f"refused: {session.refused} (each shown in the status bar; none raised)")
    print(f"final graph: {len(window.graph)} nodes, {len(window.graph.edges())} edges; "
          f"{steps} undo steps")
    print(f"save {'ok' if save_ok else 'REFUSED'}; reload identical: {reload_ok}; "
          f"undo all → start: {undo_ok}; redo all → final: {redo_ok} ({t:.1f} s)")
    window.undo_stack.clear()
    return 0 if (save_ok and reload_ok and undo_ok and redo_ok) else 1


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    s = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    sys.exit(main_bench(n, s))
