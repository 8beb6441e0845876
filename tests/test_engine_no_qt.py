"""engine/ is Qt-free: importing all of it leaves PySide6 and pyqtgraph out of sys.modules."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_importing_the_engine_does_not_import_qt():
    modules = sorted(p.stem for p in (ROOT / "engine").glob("*.py") if p.stem != "__init__")
    code = ("import sys, backprop_studio.engine\n" +
            "".join(f"import backprop_studio.engine.{m}\n" for m in modules) +
            "bad = [m for m in sys.modules if m.split('.')[0] in "
            "('PySide6', 'shiboken6', 'pyqtgraph', 'PyQt5', 'PyQt6')]\n"
            "print(len(sys.modules)); assert not bad, bad\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT.parent, capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stderr
    assert "cli" in modules and "train" in modules
