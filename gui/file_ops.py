"""The File menu's work: New, Open, Save, Save As, recent files, examples, export to PNG/SVG,
asking before unsaved changes are lost, and the 30-second autosave with crash recovery."""

from __future__ import annotations

import os
import time
from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QFileDialog, QMessageBox

from backprop_studio.engine import ComputationGraph, GraphError
from backprop_studio.gui import settings as app_settings
from backprop_studio.gui import theme


def _fileformat():
    """engine.fileformat, imported on first use: it pulls in jsonschema (~0.1 s), which the
    window's first paint does not need."""
    from backprop_studio.engine import fileformat
    return fileformat

AUTOSAVE_MS = 30_000
FILTER = "Backprop Studio graphs (*.json);;All files (*)"


class FileController:
    def __init__(self, window) -> None:
        self.window = window
        self.path: Path | None = None
        self.display_name = "Untitled"
        self._autosaved_index = None
        self.recovery_file = app_settings.recovery_dir() / f"autosave-{os.getpid()}-" \
                                                            f"{id(window):x}.json"
        self.timer = QTimer(window)
        self.timer.setInterval(AUTOSAVE_MS)
        self.timer.timeout.connect(self.autosave)
        self.timer.start()

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
        path, _ = QFileDialog.getOpenFileName(self.window, "Open graph", start, FILTER)
        return bool(path) and self.open_path(path, confirm=False)

    def open_path(self, path, confirm: bool = True, as_example: bool = False) -> bool:
        """Open ``path``; on a bad file keep the current graph and show why in the status bar."""
        if confirm and not self.confirm_discard():
            return False
        try:
            graph = _fileformat().load(path)
        except GraphError as exc:
            self.window.show_message(f"Could not open {path}: {exc}", error=True)
            return False
        path = Path(path)
        if as_example:
            self.window.set_graph(graph, None, f"{path.stem} (example)")
        else:
            self.window.set_graph(graph, path.resolve(), path.name)
            app_settings.add_recent(str(path))
            self.window.refresh_recent_menu()
        self.window.show_message(f"Opened {path.name}: {len(graph)} nodes, "
                                 f"{len(graph.edges())} edges")
        return True

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
            self.window.show_message(f"Could not save: {exc}", error=True)
            return False
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
        start = str(self.path.with_suffix(f".{kind}") if self.path
                     else Path.home() / f"graph.{kind}")
        path, _ = QFileDialog.getSaveFileName(self.window, f"Export {kind.upper()}", start,
                                              f"{kind.upper()} (*.{kind})")
        return bool(path) and self.export(path, kind)

    def export(self, path, kind: str | None = None) -> bool:
        """The whole canvas (every node, with the values shown) as PNG or SVG."""
        scene = self.window.scene
        kind = kind or Path(path).suffix.lstrip(".").lower()
        source = scene.itemsBoundingRect().adjusted(-30, -30, 30, 30)
        if source.isEmpty():
            source = QRectF(0, 0, 400, 300)
        selected = scene.selectedItems()
        scene.clearSelection()
        overview = scene.overview.active
        scene.overview.set_active(False)        # full detail in the file, whatever the zoom
        nodes = scene.node_items()
        for item in nodes:          # paint vectors, not cached pixmaps, into the file
            item.setCacheMode(item.CacheMode.NoCache)
        try:
            if kind == "svg":
                from PySide6.QtSvg import QSvgGenerator
                gen = QSvgGenerator()
                gen.setFileName(str(path))
                gen.setSize(QSize(int(source.width()), int(source.height())))
                gen.setViewBox(QRectF(0, 0, source.width(), source.height()))
                gen.setTitle(self.display_name)
                gen.setResolution(96)     # font sizes in the file as on screen: pt × 96/72
                painter = QPainter(gen)
            else:
                scale = 2.0 if source.width() * source.height() < 4e6 else 1.0
                image = QImage(int(source.width() * scale), int(source.height() * scale),
                               QImage.Format.Format_ARGB32)
                image.fill(theme.CANVAS_BG)
                painter = QPainter(image)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
            target = QRectF(0, 0, painter.device().width(), painter.device().height())
            scene.render(painter, target, source, Qt.AspectRatioMode.KeepAspectRatio)
            painter.end()
            if kind == "svg":
                _name_fonts_for_browsers(Path(path))
            elif not image.save(str(path)):
                raise OSError("the image could not be written")
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
        """Write the graph to the recovery file if it changed since the last save/autosave."""
        stack = self.window.undo_stack
        if stack.isClean():
            self.discard_recovery()
            self._autosaved_index = None
            return False
        if stack.index() == self._autosaved_index:
            return False
        try:
            self.recovery_file.parent.mkdir(parents=True, exist_ok=True)
            _fileformat().save(self.window.graph, self.recovery_file)
        except (GraphError, OSError) as exc:
            self.window.show_message(f"Autosave failed: {exc}", error=True)
            return False
        self._autosaved_index = stack.index()
        return True

    def discard_recovery(self) -> None:
        try:
            self.recovery_file.unlink()
        except FileNotFoundError:
            pass

    @staticmethod
    def orphaned_recovery_files() -> list[Path]:
        """Autosaves left by processes that are no longer running (they crashed)."""
        found = []
        for path in app_settings.recovery_dir().glob("autosave-*.json"):
            try:
                pid = int(path.name.split("-")[1])
            except (IndexError, ValueError):
                continue
            if pid != os.getpid() and not _alive(pid):
                found.append(path)
        return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)

    def ask_recover(self, path: Path) -> bool:
        """Tests replace this method."""
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(path.stat().st_mtime))
        answer = QMessageBox.question(
            self.window, "Recover unsaved work?",
            f"Backprop Studio did not close cleanly. Recover the graph autosaved at {when}?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def offer_recovery(self) -> bool:
        files = self.orphaned_recovery_files()
        if not files:
            return False
        newest = files[0]
        recovered = False
        if self.ask_recover(newest):
            try:
                graph = _fileformat().load(newest)
            except GraphError as exc:
                self.window.show_message(f"Could not recover: {exc}", error=True)
            else:
                self.window.set_graph(graph, None, "Recovered")
                self.window.undo_stack.resetClean()   # unsaved until the user saves it
                self.window.update_title()
                self.window.show_message("Recovered the autosaved graph; save it to keep it")
                recovered = True
        for path in files:
            path.unlink(missing_ok=True)
        return recovered


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


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
