"""Autosave: a recovery copy shortly after each edit (≤ 5 s, not pushed back by later edits),
one per document, gone once the work is saved or undone back to the saved state; a copy older
than its file is not offered."""

from __future__ import annotations

import os

import pytest
from editor_helpers import CS231N, dumps

from backprop_studio.engine import fileformat
from backprop_studio.gui import commands, recovery
from backprop_studio.gui.file_ops import AUTOSAVE_DELAY_MS


def test_a_copy_follows_each_edit_within_the_delay(qtbot, cs_window):
    w = cs_window
    assert AUTOSAVE_DELAY_MS <= 5000 and w.files.timer.isSingleShot()
    assert not w.files.timer.isActive()
    commands.push(w.undo_stack, commands.SetLabel(w.graph, "q", "one"))
    assert w.files.timer.isActive()
    remaining = w.files.timer.remainingTime()
    commands.push(w.undo_stack, commands.SetLabel(w.graph, "q", "two"))
    assert w.files.timer.remainingTime() <= remaining     # a later edit does not push it back
    qtbot.waitUntil(w.files.recovery_file.exists, timeout=30_000)
    graph, document = recovery.read(w.files.recovery_file)
    assert fileformat.dumps(graph) == dumps(w) and document is None
    commands.push(w.undo_stack, commands.SetLabel(w.graph, "q", "three"))
    qtbot.waitUntil(lambda: recovery.read(w.files.recovery_file)[0].label("q") == "three",
                    timeout=30_000)


def test_one_copy_per_document_and_none_once_saved(tmp_path, cs_window):
    w = cs_window
    commands.push(w.undo_stack, commands.SetLabel(w.graph, "q", "unsaved"))
    assert w.files.autosave()
    untitled = w.files.recovery_file
    assert untitled.name.startswith(f"untitled-{os.getpid()}-")
    path = tmp_path / "g.json"
    assert w.files.save_to(path)
    assert not untitled.exists()
    commands.push(w.undo_stack, commands.SetLabel(w.graph, "q", "after save"))
    assert w.files.autosave()
    doc = w.files.recovery_file
    assert doc.name == f"doc-{os.getpid()}-{recovery.key(path)}.json"
    assert recovery.read(doc)[1] == path.resolve()
    w.undo_stack.undo()                                  # back to the saved state
    assert not w.files.autosave() and not doc.exists()


def lost_edit(tmp_path, make_window, label: str):
    """A saved file and the recovery copy of an edit to it (q renamed ``label``) that a process
    which no longer runs left behind: (the file, the copy)."""
    path = tmp_path / "g.json"
    path.write_text(CS231N.read_text())
    w = make_window()
    assert w.open_path(path)
    commands.push(w.undo_stack, commands.SetLabel(w.graph, "q", label))
    assert w.files.autosave()
    dead = w.files.recovery_file.with_name(f"doc-999999999-{recovery.key(path)}.json")
    w.files.recovery_file.rename(dead)
    return path, dead


def test_a_copy_older_than_its_file_is_not_offered(tmp_path, make_window):
    path, dead = lost_edit(tmp_path, make_window, "old copy")
    os.utime(dead, (1_000_000, 1_000_000))               # the file was saved after the copy
    other = make_window()
    asked = []
    other.files.ask_recover = lambda p, d: asked.append(p) or True
    assert other.open_path(path)
    assert asked == [] and other.graph.label("q") == "q" and not dead.exists()


def test_declining_the_offer_opens_the_file_and_drops_the_copy(tmp_path, make_window):
    path, dead = lost_edit(tmp_path, make_window, "declined")
    other = make_window()
    other.files.ask_recover = lambda p, d: False
    assert other.open_path(path)
    assert other.graph.label("q") == "q" and not other.isWindowModified()
    assert not dead.exists()


def test_at_a_start_without_a_file_a_copy_older_than_its_file_is_dropped(tmp_path,
                                                                         make_window):
    path, dead = lost_edit(tmp_path, make_window, "superseded")
    os.utime(dead, (1_000_000, 1_000_000))
    other = make_window()
    other.files.ask_recover = lambda p, d: pytest.fail("offered a superseded copy")
    assert not other.files.offer_recovery()
    assert not dead.exists()
