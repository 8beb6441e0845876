"""Every way into the window — File ▸ Open, Open Recent, ``python main.py FILE``, a file dropped
on the canvas or the window, Ctrl+V — goes through one guard: a refused file or text shows why
(a message box for files, the status bar for a paste) and the document on screen stays exactly
as it was. Nothing escapes as an exception (pytest-qt fails a test on one raised in Qt)."""

from __future__ import annotations

import pytest
from editor_helpers import CS231N, dumps
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import QApplication

from backprop_studio.engine import fileformat
from backprop_studio.gui import commands
from backprop_studio.gui import settings as app_settings

UNKNOWN_OP = ('{"format": "backprop-studio", "version": 1, "graph": {"directed": true, '
              '"multigraph": true, "nodes": [{"id": "a", "op": "nope"}], "edges": []}}')


def hostile_files(tmp_path):
    """name -> (path, words the message must contain)."""
    files = {}

    def write(name, data, words):
        path = tmp_path / name
        (path.write_bytes if isinstance(data, bytes) else path.write_text)(data)
        files[name] = (path, words)
    write("text.json", "hello, not a graph", "not valid JSON")
    write("binary.json", bytes(range(256)) * 16, "UTF-8")
    write("deep.json", "[" * 200_000 + "]" * 200_000, "")
    write("unknown_op.json", UNKNOWN_OP, "nope")
    write("empty.json", "", "not valid JSON")
    (tmp_path / "folder.json").mkdir()
    files["folder.json"] = (tmp_path / "folder.json", "folder.json")
    files["missing.json"] = (tmp_path / "missing.json", "no such file")
    return files


@pytest.fixture
def edited(cs_window):
    """A window with unsaved work: the document a refused open must leave alone."""
    w = cs_window
    commands.push(w.undo_stack, commands.SetLabel(w.graph, "q", "my work"))
    return w


def snapshot(w):
    return dumps(w), w.windowTitle(), w.undo_stack.count(), w.undo_stack.index(), \
        len(w.scene.node_items())


def assert_refused_and_kept(w, before, words, shown_before):
    assert snapshot(w) == before
    assert w.refusal_box.shown == shown_before + 1
    box = w.refusal_box.box
    assert box.isVisible() and box.textFormat() == Qt.TextFormat.PlainText
    assert box.text().startswith("Could not open")
    assert words.lower() in box.text().lower()
    assert "Traceback" not in box.text() and len(box.text()) < 600
    assert "Could not open" in w.statusBar().currentMessage()
    box.accept()


def test_file_open_refuses_every_hostile_file_and_keeps_the_document(tmp_path, edited,
                                                                     monkeypatch):
    w = edited
    for _name, (path, words) in hostile_files(tmp_path).items():
        monkeypatch.setattr("backprop_studio.gui.file_ops.QFileDialog.getOpenFileName",
                            lambda *a, p=path: (str(p), ""))
        before, shown = snapshot(w), w.refusal_box.shown
        w.actions["open"].trigger()
        assert_refused_and_kept(w, before, words, shown)


def test_open_recent_refuses_and_keeps_the_document(tmp_path, edited):
    w = edited
    for name, (path, words) in hostile_files(tmp_path).items():
        if name == "missing.json":
            continue
        app_settings.add_recent(str(path))
        w.refresh_recent_menu()
        action = w.recent_menu.actions()[0]
        assert action.text() == str(path.resolve())
        before, shown = snapshot(w), w.refusal_box.shown
        action.trigger()
        assert_refused_and_kept(w, before, words, shown)


def test_any_exception_on_the_load_path_is_a_message(tmp_path, edited, monkeypatch):
    """Not only GraphError: whatever a load raises (a bug, memory) is shown, not raised."""
    w = edited
    good = tmp_path / "good.json"
    good.write_text(CS231N.read_text())
    for exc, words in ((MemoryError(), "too large"), (RecursionError(), "nested too deeply"),
                       (UnicodeDecodeError("utf-8", b"\xff", 0, 1, "bad"), "UTF-8"),
                       (OSError(5, "Input/output error"), "Input/output error"),
                       (ValueError("a bad value"), "a bad value"),
                       (RuntimeError("boom"), "unexpected RuntimeError: boom")):
        def fail(*_a, _exc=exc, **_k):
            raise _exc
        monkeypatch.setattr(fileformat, "load", fail)
        before, shown = snapshot(w), w.refusal_box.shown
        assert not w.open_path(good)
        assert_refused_and_kept(w, before, words, shown)


def test_main_py_with_a_hostile_file_opens_an_empty_window_with_the_reason(
        qtbot, tmp_path, monkeypatch):
    import backprop_studio.gui.main_window as mw
    from backprop_studio import main as entry
    windows = []
    monkeypatch.setattr("PySide6.QtWidgets.QApplication.exec", lambda self=None: 0)
    real = mw.MainWindow

    class Spy(real):
        def __init__(self):
            super().__init__()
            windows.append(self)
            qtbot.addWidget(self)
    monkeypatch.setattr(mw, "MainWindow", Spy)
    for _name, (path, words) in hostile_files(tmp_path).items():
        assert entry.main([str(path)]) == 0
        w = windows[-1]
        assert w.isVisible() and len(w.graph) == 0 and w.files.path is None
        assert w.refusal_box.shown == 1 and words.lower() in w.refusal_box.box.text().lower()
        w.refusal_box.box.accept()
    assert entry.main([str(CS231N)]) == 0
    assert len(windows[-1].graph) == 5 and windows[-1].refusal_box.shown == 0


def drop(widget, paths, pos=None) -> tuple[bool, bool]:
    """Drag files from a 'file manager' onto ``widget``: (enter accepted, drop accepted)."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    pos = pos or QPoint(widget.width() // 2, widget.height() // 2)
    enter = QDragEnterEvent(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    event = QDropEvent(QPointF(pos), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)
    return enter.isAccepted(), event.isAccepted()


@pytest.mark.parametrize("target", ["canvas", "window"])
def test_a_dropped_file_opens_and_a_hostile_one_is_refused(qtbot, tmp_path, edited, target):
    w = edited
    widget = w.view.viewport() if target == "canvas" else w
    for _name, (path, words) in hostile_files(tmp_path).items():
        before, shown = snapshot(w), w.refusal_box.shown
        assert drop(widget, [path]) == (True, True)
        qtbot.waitUntil(lambda s=shown: w.refusal_box.shown > s)   # opened once the drop ends
        assert_refused_and_kept(w, before, words, shown)
    good = tmp_path / "good.json"
    good.write_text(CS231N.read_text())
    assert drop(widget, [good]) == (True, True)
    qtbot.waitUntil(lambda: w.files.path == good.resolve())
    assert len(w.graph) == 5
    assert w.graph.label("q") == "q" and not w.isWindowModified()


def test_a_palette_drop_still_adds_an_op(window):
    from backprop_studio.gui.palette import op_mime
    mime = op_mime("relu")
    pos = QPoint(200, 200)
    vp = window.view.viewport()
    QApplication.sendEvent(vp, QDragEnterEvent(pos, Qt.DropAction.CopyAction, mime,
                                               Qt.MouseButton.LeftButton,
                                               Qt.KeyboardModifier.NoModifier))
    QApplication.sendEvent(vp, QDropEvent(QPointF(pos), Qt.DropAction.CopyAction, mime,
                                          Qt.MouseButton.LeftButton,
                                          Qt.KeyboardModifier.NoModifier))
    assert [window.graph.node(n)["op"] for n in window.graph.nodes] == ["relu"]


def graph_text(pos="[1e400, 0]", extra="") -> str:
    return ('{"format": "backprop-studio", "version": 1, "graph": {"directed": true, '
            f'"multigraph": true, "nodes": [{{"id": "a", "op": "input", "pos": {pos}{extra}}}], '
            '"edges": []}}')


HOSTILE_TEXT = [
    "", "   ", "hello", "<b>x</b><img src=x>", "[" * 100_000 + "]" * 100_000, "{" * 50_000,
    '{"a": 1}', "\x00\x01\x02\x1b[31m", "NaN", "1e400", '"just a string"',
    graph_text(), graph_text("[NaN, 0]"), graph_text("[0, 0]", ', "tensors": {"value": 1e999}'),
    UNKNOWN_OP, "{" + "x" * 2_000_000,
]


def test_ctrl_v_of_hostile_text_is_refused_in_the_status_bar(edited):
    w = edited
    clipboard = QGuiApplication.clipboard()
    for text in HOSTILE_TEXT:
        before, shown = snapshot(w), w.refusal_box.shown
        clipboard.setText(text)
        w.actions["paste"].trigger()
        assert snapshot(w) == before, text[:40]
        message = w.statusBar().currentMessage()
        assert message.startswith("Cannot paste: ") and len(message) < 500, text[:40]
        assert w.refusal_box.shown == shown            # a status-bar message, not a box
    # what Copy puts there pastes
    w.scene.clearSelection()
    w.scene.node_item("x").setSelected(True)
    w.actions["copy"].trigger()
    w.actions["paste"].trigger()
    assert len(w.graph) == 6 and w.statusBar().currentMessage() == "Pasted 1 node"


def test_the_ctrl_v_key_on_the_canvas_goes_the_same_way(qtbot, edited):
    from PySide6.QtTest import QTest
    w = edited
    w.activateWindow()
    w.view.setFocus()
    qtbot.waitUntil(w.view.hasFocus)
    before = snapshot(w)
    QGuiApplication.clipboard().setText("[" * 100_000 + "]" * 100_000)
    QTest.keyClick(w.view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert snapshot(w) == before
    assert w.statusBar().currentMessage().startswith("Cannot paste: ")
