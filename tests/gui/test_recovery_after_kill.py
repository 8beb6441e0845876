"""Crash recovery against a real kill -9: the app, in its own process, makes an edit; the
recovery copy appears within seconds (the assertion waits for its content, not a time); the
process is killed with SIGKILL; a restart offers the work back and recovers it exactly. Also:
the offer when the file is opened later, and none when the file is newer than the copy."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from editor_helpers import CS231N

from backprop_studio.engine import fileformat
from backprop_studio.gui import recovery
from backprop_studio.gui import settings as app_settings
from backprop_studio.gui.file_ops import FileController

CHILD = Path(__file__).with_name("recovery_child.py")
ROOT = Path(__file__).resolve().parents[2]


def copy_with(path: Path, label: str) -> bool:
    """Whether a recovery copy in ``path`` holds a node labelled ``label``."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False                # not there yet (the write is atomic, so never half)
    return any(n.get("label") == label for n in doc["document"]["graph"]["nodes"])


def kill_after_autosave(qtbot, document: Path | None, label: str) -> Path:
    """Start the app on ``document``, wait for its recovery copy holding ``label``, kill -9."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    child = subprocess.Popen([sys.executable, str(CHILD), str(document or "-"), label],
                             cwd=ROOT, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    folder = app_settings.recovery_dir()
    found = []

    def copied() -> bool:
        assert child.poll() is None, child.communicate()
        found[:] = [p for p in folder.glob("*.json") if copy_with(p, label)]
        return bool(found)
    try:
        qtbot.waitUntil(copied, timeout=120_000)
    finally:
        child.send_signal(signal.SIGKILL)
        child.communicate()
    assert child.returncode == -signal.SIGKILL
    assert len(found) == 1 and str(child.pid) in found[0].name
    return found[0]


@pytest.fixture
def offers(monkeypatch):
    """Every recovery question asked (answered Recover)."""
    asked = []

    def answer(self, path, document):
        asked.append((path.name, document))
        return True
    monkeypatch.setattr(FileController, "ask_recover", answer)
    return asked


@pytest.fixture
def document(tmp_path):
    path = tmp_path / "work.json"
    path.write_text(CS231N.read_text())
    return path


def assert_recovered(window, label, path):
    assert label in [window.graph.label(n) for n in window.graph.nodes]
    assert window.files.path == (path.resolve() if path else None)
    assert window.isWindowModified()                     # unsaved until saved


def test_started_with_the_file_after_kill_9_offers_and_recovers_it(qtbot, document, offers,
                                                                  monkeypatch):
    original = document.read_text()
    copy = kill_after_autosave(qtbot, document, "edited before the kill")
    assert copy.name.startswith("doc-")
    from backprop_studio.gui.app import open_window
    window = open_window(str(document))                  # what `python main.py FILE` does
    qtbot.addWidget(window)
    window.files.ask_unsaved = lambda: "discard"
    assert offers == [(copy.name, document.resolve())]
    assert window.graph.label("q") == "edited before the kill"
    assert_recovered(window, "edited before the kill", document)
    assert document.read_text() == original               # the file itself is untouched
    assert not copy.exists()                              # now held as this process's own copy
    assert recovery.orphans() == []
    expected = fileformat.loads(original)
    expected.set_label("q", "edited before the kill")
    assert fileformat.dumps(window.graph) == fileformat.dumps(expected)


def test_opening_the_file_later_offers_it(qtbot, document, offers, make_window,
                                          monkeypatch):
    copy = kill_after_autosave(qtbot, document, "opened later")
    window = make_window()
    assert offers == []                                   # a document's copy waits for it
    monkeypatch.setattr("backprop_studio.gui.file_ops.QFileDialog.getOpenFileName",
                        lambda *a: (str(document), ""))
    window.actions["open"].trigger()
    assert offers == [(copy.name, document.resolve())]
    assert window.graph.label("q") == "opened later"
    assert_recovered(window, "opened later", document)


def test_untitled_work_is_offered_at_a_start_without_a_file(qtbot, offers):
    copy = kill_after_autosave(qtbot, None, "untitled work")
    assert copy.name.startswith("untitled-")
    from backprop_studio.gui.app import open_window
    window = open_window(None)
    qtbot.addWidget(window)
    window.files.ask_unsaved = lambda: "discard"
    assert offers == [(copy.name, None)]
    assert [window.graph.label(n) for n in window.graph.nodes] == ["untitled work"]
    assert_recovered(window, "untitled work", None)
