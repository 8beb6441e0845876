"""The File menu's work: New, Open, Save, Save As, recent files, examples, export to PNG/SVG,
asking before unsaved changes are lost, and autosave with crash recovery (gui/recovery.py).

Every way of opening a file (Open, Open Recent, ``python main.py FILE``, a dropped file,
examples) ends in ``open_path``, which loads through ``refusals.guarded``: a refused file shows
why and leaves the current document as it was. Autosave writes a recovery copy
``AUTOSAVE_DELAY_MS`` after the first edit since the last copy, so a crash loses at most that
much work."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFileDialog, QMessageBox

from backprop_studio.engine import ComputationGraph, GraphError
from backprop_studio.gui import recovery, refusals
from backprop_studio.gui import settings as app_settings


def _fileformat():
    """engine.fileformat, imported on first use: it pulls in jsonschema (~0.1 s), which the
    window's first paint does not need."""
    from backprop_studio.engine import fileformat
    return fileformat

AUTOSAVE_DELAY_MS = 2_000      # a recovery copy at most this long after an edit (kill -9 loses
                               # at most this much, plus the write)
FILTER = "Backprop Studio graphs (*.json);;All files (*)"
OPEN_FILTER = "Backprop Studio graphs (*.json);;ONNX models (*.onnx);;All files (*)"


class FileController:
    def __init__(self, window) -> None:
        self.window = window
        self.path: Path | None = None
        self.display_name = "Untitled"
        self._autosaved_index = None
        self._written: Path | None = None      # the recovery file this window last wrote
        self.timer = QTimer(window)
        self.timer.setSingleShot(True)
        self.timer.setInterval(AUTOSAVE_DELAY_MS)
        self.timer.timeout.connect(self.autosave)
        window.undo_stack.indexChanged.connect(self._edited)

    @property
    def recovery_file(self) -> Path:
        return recovery.file_for(self.path, id(self.window))

    def _edited(self, _index: int = 0) -> None:
        """Every edit, undo and redo: a recovery copy soon. Not restarted by later edits, so
        steady editing still gets a copy every AUTOSAVE_DELAY_MS."""
        if not self.timer.isActive():
            self.timer.start()

    def note_unrecorded_edit(self) -> None:
        """A change kept outside the undo history (an exercise's hint or Reveal): the document
        is unsaved until Save, and the recovery copy is written again."""
        self.window.undo_stack.resetClean()
        self._autosaved_index = None
        self._edited()

    # ------------------------------------------------------------ asking
    def ask_unsaved(self) -> str:
        """'save', 'discard' or 'cancel'. Tests replace this method."""
        box = QMessageBox.question(
            self.window, "Unsaved changes",
            f"{self.display_name} has unsaved changes. Save them first?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
        return {QMessageBox.StandardButton.Save: "save",
                QMessageBox.StandardButton.Discard: "discard"}.get(box, "cancel")

    def confirm_discard(self) -> bool:
        """True when it is fine to replace the current graph (saved, or the user agreed)."""
        if self.window.undo_stack.isClean():
            return True
        answer = self.ask_unsaved()
        if answer == "save":
            return self.save()
        return answer == "discard"

    # ------------------------------------------------------------ new / open
    def new(self) -> bool:
        if not self.confirm_discard():
            return False
        self.window.set_graph(ComputationGraph(), None, "Untitled")
        return True

    def open_dialog(self) -> bool:
        if not self.confirm_discard():
            return False
        start = str(self.path.parent) if self.path else str(_fileformat().EXAMPLES)
        path, _ = QFileDialog.getOpenFileName(self.window, "Open graph", start, OPEN_FILTER)
        return bool(path) and self.open_path(path, confirm=False)

    def open_path(self, path, confirm: bool = True, as_example: bool = False) -> bool:
        """Open ``path``; a file that is refused (for any reason) leaves the current document
        as it was and says why. Offers unsaved work autosaved for ``path`` by a session that
        crashed, when it is newer than the file."""
        if confirm and not self.confirm_discard():
            return False
        path = Path(path)
        if path.suffix.lower() == ".onnx":      # a model (main.py FILE, a drop): imported
            from backprop_studio.gui import onnx_actions
            return onnx_actions.import_path(self.window, path)
        graph = refusals.guarded(self.window, f"Could not open {path.name}",
                                 lambda: _fileformat().load(path))
        if graph is None:
            return False
        if as_example:
            self.window.set_graph(graph, None, f"{path.stem} (example)")
        else:
            self.window.set_graph(graph, path.resolve(), path.name)
            app_settings.add_recent(str(path))
            self.window.refresh_recent_menu()
        self.window.show_message(f"Opened {path.name}: {len(graph)} nodes, "
                                 f"{len(graph.edges())} edges")
        if not as_example:
            self.offer_recovery_of(path.resolve())
        return True

    def open_dropped(self, paths: list[str]) -> bool:
        """Files dropped on the window or the canvas: the first is opened (one document per
        window); the others are named in the status bar."""
        if not paths:
            return False
        opened = self.open_path(paths[0])
        if opened and len(paths) > 1:
            self.window.show_message(f"Opened {Path(paths[0]).name}; a window holds one graph, "
                                     f"so {len(paths) - 1} other dropped file(s) were not opened")
        return opened

    def open_example(self, path) -> bool:
        """An example opens already Run: its values and gradients are on the canvas."""
        if not self.open_path(path, as_example=True):
            return False
        self.window.run_graph()
        return True

    # ------------------------------------------------------------ save
    def save(self) -> bool:
        if self.path is None:
            return self.save_as()
        return self.save_to(self.path)

    def save_as(self) -> bool:
        start = str(self.path or Path.home() / f"{self.display_name.split(' ')[0]}.json")
        path, _ = QFileDialog.getSaveFileName(self.window, "Save graph as", start, FILTER)
        if not path:
            return False
        if not Path(path).suffix:
            path += ".json"
        return self.save_to(Path(path))

    def save_to(self, path: Path) -> bool:
        try:
            _fileformat().save(self.window.graph, path)
        except GraphError as exc:
            self.window.show_refusal("Could not save", refusals.short(str(exc)))
            return False
        self.discard_recovery()
        self.path = Path(path).resolve()
        self.display_name = self.path.name
        self.window.undo_stack.setClean()
        app_settings.add_recent(str(self.path))
        self.window.refresh_recent_menu()
        self.window.update_title()
        self.window.show_message(f"Saved {self.path}")
        return True

    # ------------------------------------------------------------ export
    def export_dialog(self, kind: str) -> bool:
        from backprop_studio.gui import export_image
        start = str(self.path.with_suffix(f".{kind}") if self.path
                     else Path.home() / f"graph.{kind}")
        path, _ = QFileDialog.getSaveFileName(self.window, f"Export {kind.upper()}", start,
                                              f"{kind.upper()} (*.{kind})")
        options = export_image.ask_options(self.window, kind) if path else None
        return options is not None and self.export(path, kind, *options)

    def export(self, path, kind: str | None = None, scale: float | None = None,
               transparent: bool = False) -> bool:
        """The whole canvas (every node, with the values shown) as PNG or SVG, ``scale``
        pixels per canvas unit (None: 2, or 1 for a very large canvas; gui/export_image.py)."""
        from backprop_studio.gui import export_image
        scene = self.window.scene
        kind = kind or Path(path).suffix.lstrip(".").lower()
        selected = scene.selectedItems()
        scene.clearSelection()
        overview = scene.overview.active
        scene.overview.set_active(False)        # full detail in the file, whatever the zoom
        nodes = scene.node_items()
        for item in nodes:          # paint vectors, not cached pixmaps, into the file
            item.setCacheMode(item.CacheMode.NoCache)
        try:
            export_image.render(scene, path, kind, scale, transparent, self.display_name)
            if kind == "svg":
                _name_fonts_for_browsers(Path(path))
        except OSError as exc:
            self.window.show_message(f"Could not export {path}: {exc}", error=True)
            return False
        finally:
            for item in nodes:
                item.setCacheMode(item.CacheMode.DeviceCoordinateCache)
            scene.overview.set_active(overview)
            for item in selected:
                item.setSelected(True)
        self.window.show_message(f"Exported {path}")
        return True

    # ------------------------------------------------------------ autosave and recovery
    def autosave(self) -> bool:
        """Write the recovery copy if the graph changed since the last save/copy."""
        stack = self.window.undo_stack
        if stack.isClean():
            self.discard_recovery()
            self._autosaved_index = None
            return False
        target = self.recovery_file
        if stack.index() == self._autosaved_index and self._written == target:
            return False
        try:
            recovery.write(target, self.window.graph, self.path)
        except (GraphError, OSError) as exc:
            self.window.show_message(f"Autosave failed: {refusals.short(str(exc))}", error=True)
            return False
        if self._written is not None and self._written != target:
            self._written.unlink(missing_ok=True)
        self._written = target
        self._autosaved_index = stack.index()
        return True

    def discard_recovery(self) -> None:
        """The work is saved, or the user let it go: no recovery copy is kept."""
        self.timer.stop()
        for path in {self._written, self.recovery_file} - {None}:
            path.unlink(missing_ok=True)
        self._written = self._autosaved_index = None

    def ask_recover(self, path: Path, document: Path | None) -> bool:
        """Tests replace this method."""
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(recovery.mtime(path)))
        what = (f"Your changes to {document.name} were not saved" if document
                else "An untitled graph was not saved")
        box = QMessageBox(QMessageBox.Icon.Question, "Recover unsaved work?",
                          f"{what} when Backprop Studio last stopped unexpectedly.\n\n"
                          f"A copy was autosaved at {when}"
                          + (f" (in {document.parent})" if document else "") +
                          ". Recover it?", parent=self.window)
        box.setTextFormat(Qt.TextFormat.PlainText)
        recover = box.addButton("Recover", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(recover)
        box.exec()
        return box.clickedButton() is recover

    def offer_recovery(self) -> bool:
        """At a start without a file: offer the newest copy a crashed session left (untitled
        work, or changes to a file). Older untitled copies go; other files' copies stay until
        their file is opened."""
        files = recovery.orphans()
        stale = [p for p in files if recovery.superseded(p)]     # the file was saved since
        for path in stale:
            path.unlink(missing_ok=True)
        files = [p for p in files if p not in stale]
        if not files:
            return False
        offered = files[0]
        recovered = self._recover(offered, None)
        for path in files:
            if path == offered or path.name.startswith("untitled-"):
                path.unlink(missing_ok=True)
        return recovered

    def offer_recovery_of(self, document: Path) -> bool:
        """Just opened ``document``: offer a crashed session's copy of it if newer than it."""
        files = recovery.orphans(document)
        newest = files[0] if files else None
        recovered = False
        if newest is not None and recovery.mtime(newest) > recovery.mtime(document):
            recovered = self._recover(newest, document)
        for path in files:
            path.unlink(missing_ok=True)
        return recovered

    def _recover(self, path: Path, document: Path | None) -> bool:
        found = refusals.guarded(self.window, "Could not recover the autosaved graph",
                                 lambda: recovery.read(path))
        if found is None:
            return False
        graph, source = found
        source = document or source
        if not self.ask_recover(path, source):
            return False
        self.window.set_graph(graph, source, source.name if source else "Recovered")
        self.window.undo_stack.resetClean()         # unsaved until the user saves it
        self.window.update_title()
        self.autosave()                             # protected again at once, as our own copy
        self.window.show_message("Recovered the autosaved graph; save it to keep it")
        return True


def _name_fonts_for_browsers(path: Path) -> None:
    """Qt writes the families it asked for ("Sans Serif", an alias only fontconfig knows);
    a browser then falls back to a serif face of another width, and the labels no longer fit
    their cards. Name the face Qt actually used, then a generic family, so the file looks in
    a browser as it does on screen."""
    import re

    from PySide6.QtGui import QFont, QFontInfo

    text = path.read_text(encoding="utf-8")

    def real(match) -> str:
        font = QFont(match.group(1))
        info = QFontInfo(font)
        generic = "monospace" if info.fixedPitch() else "sans-serif"
        return f'font-family="{info.family()}, {generic}"'
    path.write_text(re.sub(r'font-family="([^",]+)"', real, text), encoding="utf-8")
