"""Files (save → open, examples, bad files, recent, unsaved changes, autosave and recovery,
export, settings) and running the engine (values, staleness, errors on the node)."""

from __future__ import annotations

import pytest
from editor_helpers import CS231N, dumps
from PySide6.QtCore import QByteArray
from PySide6.QtGui import QImage

from backprop_studio.engine import fileformat
from backprop_studio.gui import commands, recovery
from backprop_studio.gui import settings as app_settings
from backprop_studio.gui.file_ops import AUTOSAVE_DELAY_MS


def test_save_then_open_round_trip(tmp_path, cs_window, make_window):
    w = cs_window
    commands.push(w.undo_stack, commands.SetLabel(w.graph, "q", "sum"))
    assert w.isWindowModified() and w.windowTitle().startswith("cs231n[*]")
    path = tmp_path / "mine.json"
    assert w.files.save_to(path)
    assert not w.isWindowModified()
    assert w.windowTitle() == "mine.json[*] — Backprop Studio"
    assert path.read_text() == dumps(w)
    other = make_window()
    assert other.open_path(path)
    assert dumps(other) == dumps(w)
    assert other.graph.label("q") == "sum"
    assert app_settings.recent_files()[0] == str(path.resolve())
    assert [a.text() for a in other.recent_menu.actions()][0] == str(path.resolve())


@pytest.mark.parametrize("path", fileformat.example_paths(), ids=lambda p: p.stem)
def test_every_example_opens_and_runs(window, path):
    assert window.open_path(path)
    assert len(window.scene.node_items()) == len(fileformat.load(path))
    result = window.run_graph()
    assert result is not None and result.output is not None
    assert window.last_result is result
    item = window.scene.node_item(result.output)
    assert item.value_text and item.grad_text == "1"
    for node in result.values:
        assert window.scene.node_item(node).value_text       # every node shows its value


def test_examples_menu_lists_every_example_and_opens_as_untitled(window):
    window.examples_menu.aboutToShow.emit()
    names = [a.text() for a in window.examples_menu.actions()]
    assert names == [p.stem.replace("_", " ") for p in fileformat.example_paths()]
    window.examples_menu.actions()[0].trigger()
    assert window.files.path is None and "(example)" in window.windowTitle()


def test_bad_file_keeps_an_empty_window_and_shows_why(tmp_path, window):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "backprop-studio", "version": 1, "graph": {"nodes": [{"id": "a", '
                   '"op": "nope"}], "edges": []}}')
    assert not window.open_path(bad)
    assert len(window.graph) == 0
    assert "Could not open" in window.statusBar().currentMessage()
    assert not window.open_path(tmp_path / "missing.json")
    assert "no such file" in window.statusBar().currentMessage()


def test_unsaved_changes_are_asked_about(cs_window):
    w = cs_window
    commands.push(w.undo_stack, commands.SetLabel(w.graph, "q", "sum"))
    w.files.ask_unsaved = lambda: "cancel"
    assert not w.files.new()
    assert len(w.graph) == 5
    assert not w.close() and w.isVisible()
    w.files.ask_unsaved = lambda: "discard"
    assert w.files.new()
    assert len(w.graph) == 0 and not w.isWindowModified()


def test_new_edit_run_show_values_and_go_stale(cs_window):
    w = cs_window
    seen = []
    w.result_changed.connect(seen.append)
    result = w.run_graph()
    assert result.values["f"] == -12.0 and result.grads["x"] == -4.0
    f = w.scene.node_item("f")
    assert (f.value_text, f.grad_text, f.stale) == ("−12", "1", False)
    assert w.scene.node_item("z").grad_text == "3"
    assert "f = −12" in w.statusBar().currentMessage()
    commands.push(w.undo_stack, commands.SetTensor(w.graph, "x", "value", 1.0))
    assert w.last_result is None and f.stale and f.value_text == "−12"
    assert seen == [result, None]
    commands.push(w.undo_stack, commands.MoveNodes(w.graph, {"f": ((0, 0), (10, 10))}))
    w.run_graph()
    assert f.value_text == "−24" and not f.stale


def test_engine_error_is_shown_on_its_node(cs_window):
    w = cs_window
    commands.push(w.undo_stack, commands.Disconnect(w.graph, "f", "b"))
    assert w.run_graph() is None
    f = w.scene.node_item("f")
    assert f.error == "input port is not connected" and f.error_port == "b"
    assert "input port is not connected" in f.toolTip()
    assert "Cannot run: node f, port b" in w.statusBar().currentMessage()
    assert w.last_result is None
    commands.push(w.undo_stack, commands.Connect(w.graph, "z", "f", "b"))
    assert f.error is None                       # an edit clears the old error
    commands.push(w.undo_stack, commands.SetTensor(w.graph, "z", "value", 0.0))
    commands.push(w.undo_stack, commands.AddNode(w.graph, "divide", (900, 0), node_id="d"))
    commands.push(w.undo_stack, commands.Connect(w.graph, "f", "d", "a"))
    commands.push(w.undo_stack, commands.Connect(w.graph, "z", "d", "b"))
    assert w.run_graph() is None
    assert w.scene.node_item("d").error


def test_autosave_and_recovery_after_a_crash(isolated_settings, cs_window, make_window):
    w = cs_window
    assert not w.files.autosave()                    # nothing unsaved yet
    commands.push(w.undo_stack, commands.SetLabel(w.graph, "q", "recover me"))
    assert w.files.autosave()
    graph, document = recovery.read(w.files.recovery_file)
    assert fileformat.dumps(graph) == dumps(w) and document is None
    # pretend the process that wrote it has died
    dead = w.files.recovery_file.with_name("untitled-999999999-1.json")
    w.files.recovery_file.rename(dead)
    assert recovery.orphans() == [dead]
    fresh = make_window()
    asked = []
    fresh.files.ask_recover = lambda path, doc: asked.append((path, doc)) or True
    assert fresh.files.offer_recovery()
    assert asked == [(dead, None)]
    assert fresh.graph.label("q") == "recover me"
    assert fresh.isWindowModified()
    assert not dead.exists()
    assert w.files.timer.interval() == AUTOSAVE_DELAY_MS <= 5000


def test_clean_close_removes_the_recovery_file(cs_window):
    w = cs_window
    commands.push(w.undo_stack, commands.SetLabel(w.graph, "q", "x2"))
    w.files.autosave()
    assert w.files.recovery_file.exists()
    assert w.close()
    assert not w.files.recovery_file.exists()


def test_export_png_and_svg(tmp_path, cs_window):
    w = cs_window
    w.run_graph()
    assert w.files.export(tmp_path / "g.png")
    image = QImage(str(tmp_path / "g.png"))
    assert image.width() > 600 and image.height() > 300
    assert w.files.export(tmp_path / "g.svg")
    svg = (tmp_path / "g.svg").read_text()
    assert svg.startswith("<?xml") and "<svg" in svg and "−12" in svg


def test_geometry_and_docks_persist(qtbot, make_window):
    from backprop_studio.gui.main_window import MainWindow
    w = make_window()
    w.resize(701, 503)      # the offscreen screen is 800×600
    w.palette_dock.hide()
    w.close()
    s = app_settings.settings()
    assert isinstance(s.value("window/state"), QByteArray)
    again = MainWindow()              # not the fixture: it would resize the window
    qtbot.addWidget(again)
    assert again.palette_dock.isHidden()
    assert (again.width(), again.height()) == (701, 503)


def test_main_py_with_a_bad_file_opens_an_empty_window(qtbot, tmp_path, monkeypatch):
    from backprop_studio.gui import app as gui_app
    shown = {}
    monkeypatch.setattr("PySide6.QtWidgets.QApplication.exec", lambda self=None: 0)
    import backprop_studio.gui.main_window as mw
    real = mw.MainWindow

    class Spy(real):
        def __init__(self):
            super().__init__()
            shown["window"] = self
            qtbot.addWidget(self)
    monkeypatch.setattr(mw, "MainWindow", Spy)
    assert gui_app.run_app(str(tmp_path / "nope.json")) == 0
    w = shown["window"]
    assert w.isVisible() and len(w.graph) == 0
    assert "no such file" in w.statusBar().currentMessage()
    assert gui_app.run_app(str(CS231N)) == 0
    assert len(shown["window"].graph) == 5
