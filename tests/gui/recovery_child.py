"""The app as test_recovery_after_kill.py runs it: ``python recovery_child.py FILE|- LABEL``
opens FILE (or nothing); once started it renames node q (or the first node, adding one to an
empty graph) to LABEL through the window's own edit, then runs until it is killed."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
import main  # noqa: E402,F401  (makes the checkout importable as backprop_studio)


def edit(window, label: str) -> None:
    from PySide6.QtCore import QPointF
    if not len(window.graph):
        window.scene.add_op("relu", QPointF(0, 0))
    node = "q" if "q" in window.graph else window.graph.nodes[0]
    window.rename(node, label)
    print("edited", flush=True)


def run(path: str | None, label: str) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from backprop_studio.gui.app import open_window
    window = open_window(path)
    QTimer.singleShot(100, lambda: edit(window, label))
    return QApplication.instance().exec()


if __name__ == "__main__":
    sys.exit(run(None if sys.argv[1] == "-" else sys.argv[1], sys.argv[2]))
