"""The window's actions and menus (File, Edit, View, Run), with their shortcuts."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from backprop_studio.gui import theme


def _fileformat():
    """engine.fileformat, imported on first use: it pulls in jsonschema (~0.1 s), which the
    window's first paint does not need."""
    from backprop_studio.engine import fileformat
    return fileformat

K = QKeySequence


def _action(window, text, slot=None, shortcuts=(), tip="", checkable=False) -> QAction:
    action = QAction(text, window)
    if shortcuts:
        action.setShortcuts([K(s) if isinstance(s, str) else K(s) for s in shortcuts])
    if tip:
        action.setStatusTip(tip)
        action.setToolTip(tip)
    action.setCheckable(checkable)
    if slot is not None:
        (action.toggled if checkable else action.triggered).connect(slot)
    return action


def build(window) -> dict[str, QAction]:
    """Create every action and the menu bar; return the actions by name (for tests/others)."""
    f, w = window.files, window
    a: dict[str, QAction] = {}
    a["new"] = _action(w, "&New", f.new, [K.StandardKey.New])
    a["open"] = _action(w, "&Open…", f.open_dialog, [K.StandardKey.Open])
    a["save"] = _action(w, "&Save", f.save, [K.StandardKey.Save])
    a["save_as"] = _action(w, "Save &As…", f.save_as, ["Ctrl+Shift+S"])
    a["export_png"] = _action(w, "&PNG Image…", lambda: f.export_dialog("png"))
    a["export_svg"] = _action(w, "S&VG Image…", lambda: f.export_dialog("svg"))
    a["quit"] = _action(w, "&Quit", w.close, [K.StandardKey.Quit])

    a["undo"] = w.undo_stack.createUndoAction(w, "&Undo")
    a["undo"].setShortcuts([K("Ctrl+Z")])
    a["redo"] = w.undo_stack.createRedoAction(w, "&Redo")
    a["redo"].setShortcuts([K("Ctrl+Shift+Z"), K("Ctrl+Y")])
    a["cut"] = _action(w, "Cu&t", w.cut, [K.StandardKey.Cut])
    a["copy"] = _action(w, "&Copy", w.copy, [K.StandardKey.Copy],
                        "Copy the selected nodes as graph JSON")
    a["paste"] = _action(w, "&Paste", w.paste, [K.StandardKey.Paste])
    a["duplicate"] = _action(w, "&Duplicate", w.duplicate, ["Ctrl+D"])
    a["delete"] = _action(w, "&Delete", w.delete, ["Del", "Backspace"])
    a["select_all"] = _action(w, "Select &All", w.scene.select_all, [K.StandardKey.SelectAll])
    a["set_output"] = _action(w, "Make &Output", w.make_output, ["Ctrl+Shift+O"],
                              "Seed the backward pass at the selected node")
    a["layout"] = _action(w, "Auto-&layout", w.auto_layout, ["Ctrl+L"],
                          "Arrange left to right by topological generation")

    a["zoom_in"] = _action(w, "Zoom &In", lambda: w.view.zoom_by(1.25), ["Ctrl++", "Ctrl+="])
    a["zoom_out"] = _action(w, "Zoom &Out", lambda: w.view.zoom_by(0.8), ["Ctrl+-"])
    a["zoom_reset"] = _action(w, "Actual &Size", lambda: w.view.set_zoom(1.0), ["Ctrl+0"])
    a["fit"] = _action(w, "&Fit to View", w.view.fit, ["F"])
    a["snap"] = _action(w, "&Snap to Grid", w.set_snap, ["Ctrl+G"], checkable=True)
    a["fold"] = _action(w, "&Fold Weights and Targets into Their Node", w.set_fold,
                        checkable=True, tip="Draw a weight matrix inside the node it multiplies "
                        "and a target inside its loss, as two rows: its value and gradient")
    a["colorblind"] = _action(w, "Colour-blind Safe &Colours", w.set_colorblind,
                              checkable=True, tip="Blue values and orange gradients")
    a["colorblind"].setChecked(theme.current_name() == "colorblind")

    a["run"] = _action(w, "&Run Forward and Backward", w.run_graph, ["Ctrl+R"],
                       "Compute every value and gradient (Ctrl+R)")

    bar = w.menuBar()
    file_menu = bar.addMenu("&File")
    for name in ("new", "open"):
        file_menu.addAction(a[name])
    w.recent_menu = file_menu.addMenu("Open &Recent")
    w.examples_menu = file_menu.addMenu("&Examples")
    w.examples_menu.aboutToShow.connect(lambda: _fill_examples(w))      # filled when opened
    file_menu.addSeparator()
    for name in ("save", "save_as"):
        file_menu.addAction(a[name])
    file_menu.addSeparator()
    w.export_menu = file_menu.addMenu("&Export")       # more formats add themselves here
    for name in ("export_png", "export_svg"):
        w.export_menu.addAction(a[name])
    w.import_menu = file_menu.addMenu("&Import")
    w.import_menu.menuAction().setVisible(False)        # shown once an importer adds itself
    file_menu.addSeparator()
    file_menu.addAction(a["quit"])

    edit = bar.addMenu("&Edit")
    for name in ("undo", "redo"):
        edit.addAction(a[name])
    edit.addSeparator()
    for name in ("cut", "copy", "paste", "duplicate", "delete", "select_all"):
        edit.addAction(a[name])
    edit.addSeparator()
    for name in ("set_output", "layout"):
        edit.addAction(a[name])

    view = bar.addMenu("&View")
    w.view_menu = view
    for name in ("zoom_in", "zoom_out", "zoom_reset", "fit"):
        view.addAction(a[name])
    view.addSeparator()
    view.addAction(a["snap"])
    view.addAction(a["fold"])
    view.addAction(a["colorblind"])
    view.addSeparator()

    run = bar.addMenu("&Run")
    run.addAction(a["run"])
    for action in a.values():
        w.addAction(action)     # shortcuts work even with the menu bar hidden
    return a


def _fill_examples(window) -> None:
    menu: QMenu = window.examples_menu
    menu.clear()
    paths = _fileformat().example_paths()
    for path in paths:
        action = menu.addAction(path.stem.replace("_", " "))
        action.triggered.connect(lambda _=False, p=path: window.files.open_example(p))
    if not paths:
        menu.addAction("(no examples found)").setEnabled(False)


def fill_recent(window, files: list[str]) -> None:
    menu: QMenu = window.recent_menu
    menu.clear()
    for path in files:
        action = menu.addAction(path)
        action.triggered.connect(lambda _=False, p=path: window.files.open_path(p))
    if files:
        menu.addSeparator()
        menu.addAction("Clear List", window.clear_recent)
    else:
        menu.addAction("(none yet)").setEnabled(False)
