"""Copying a selection and quitting must not crash: a Python-made QMimeData on the clipboard is
destroyed by Qt's exit handlers after Python finalizes (a segfault at every quit)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """
from PySide6.QtWidgets import QApplication
from backprop_studio.engine import fileformat
from backprop_studio.gui.main_window import MainWindow
from backprop_studio.gui import edit_ops
app = QApplication([])
window = MainWindow()
window.open_path(str(fileformat.EXAMPLES / "cs231n_add_multiply.json"))
for item in window.scene.node_items():
    item.setSelected(True)
text = edit_ops.copy_selection(window.scene)
assert text and '"op": "multiply"' in text
assert edit_ops.clipboard_text() == text
window.setWindowModified(False)
window.close()
print("copied", len(text))
"""


def test_copy_then_quit_exits_cleanly():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, (proc.returncode, proc.stderr[-2000:])
    assert proc.stdout.startswith("copied")
