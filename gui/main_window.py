"""The main window: palette (left), canvas (centre), inspector (right), a tabbed bottom dock
area for the animation and training views, and the status bar. It owns the undo stack and the
current engine graph, runs the engine on Ctrl+R and shows the Result it returns.

Integration API (used by the animation and training views): ``graph``, ``scene``, ``view``,
``undo_stack``, ``last_result``; signals ``graph_replaced(graph)``, ``graph_edited()``,
``result_changed(result | None)``; ``add_bottom_dock``, ``run_graph``, ``show_result``,
``open_path``, ``view_menu``.
"""

from __future__ import annotations

import math
from pathlib import Path

import shiboken6
from PySide6.QtCore import QByteArray, QSize, Qt, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QUndoView

from backprop_studio import engine
from backprop_studio.engine import ComputationGraph, GraphError
from backprop_studio.engine.layout import unfold_layout
from backprop_studio.gui import (
    actions,
    commands,
    edit_ops,
    file_drops,
    fold_actions,
    icons,
    refusals,
    theme,
)
from backprop_studio.gui import format as fmt
from backprop_studio.gui import settings as app_settings
from backprop_studio.gui.animation import install as install_animation
from backprop_studio.gui.canvas import GraphScene, GraphView
from backprop_studio.gui.dock_heights import install as install_dock_heights
from backprop_studio.gui.dock_heights import side_docks
from backprop_studio.gui.dock_tabs import install as install_dock_tabs
from backprop_studio.gui.exercise import install_exercise
from backprop_studio.gui.export_code import install as install_export_code
from backprop_studio.gui.figure_exports import install as install_figure_exports
from backprop_studio.gui.file_ops import FileController
from backprop_studio.gui.inspector import Inspector
from backprop_studio.gui.onnx_actions import install as install_onnx
from backprop_studio.gui.palette import PaletteWidget
from backprop_studio.gui.tensor_editor import check_tensor
from backprop_studio.gui.training import install as install_training
from backprop_studio.gui.welcome import install as install_welcome

RESHAPING = {"dense": {"in_features", "units", "seed"}, "parameter": {"shape", "scale", "seed"}}


class MainWindow(QMainWindow):
    graph_replaced = Signal(object)
    graph_edited = Signal()
    result_changed = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.setWindowIcon(icons.app_icon())
        self.setDockNestingEnabled(True)
        self.undo_stack = QUndoStack(self)
        self.graph = ComputationGraph()
        self.last_result = None          # the Result on screen, None once an edit makes it stale
        self.shown_result = None         # the Result on screen even when stale (dimmed)
        self.error: GraphError | None = None
        self.scene = GraphScene(self.graph, self.undo_stack, self)
        self.view = GraphView(self.scene, self)
        self.setCentralWidget(self.view)
        self.files = FileController(self)
        self.refusal_box = refusals.RefusalBox(self)
        self.setAcceptDrops(True)
        file_drops.install(self)     # files dropped on the canvas or the window open
        self._build_docks()
        self.actions = actions.build(self)
        self._build_docks_menu()
        self._build_status_bar()
        self.scene.message.connect(self.show_message)
        self.scene.graph_event.connect(self._on_graph_event)
        fold_actions.install(self)
        self.scene.selectionChanged.connect(self.inspector.follow_selection)
        # bound methods, not lambdas: Qt drops them when the window dies before its stack
        self.undo_stack.indexChanged.connect(self._on_index_changed)
        self.undo_stack.cleanChanged.connect(self.update_title)
        self.graph_edited.connect(self._update_counts)
        self.palette.op_activated.connect(
            lambda op: self.scene.add_op(op, self.view.visible_center()))
        theme.on_change(self._palette_changed)
        install_animation(self)      # gui/animation: Animation dock, View-menu toggles, keys
        install_training(self)       # gui/training: Training dock (datasets, optimizer, live plots)
        install_welcome(self)        # gui/welcome.py: the examples, on an empty canvas
        install_figure_exports(self)  # gui/figure_exports.py: TikZ, Animation, Presenter Mode
        install_exercise(self)       # gui/exercise: the Exercise menu, blanks on the canvas
        self.animation.dock.raise_()  # first start: the Animation dock in front of its siblings
        install_dock_tabs(self)      # gui/dock_tabs.py: no stray copy of a dock tab bar
        self.dock_heights = install_dock_heights(self)   # gui/dock_heights.py: per-tab height
        install_export_code(self)    # gui/export_code.py: File ▸ Export ▸ As Code, LaTeX copies
        install_onnx(self)           # gui/onnx_actions.py: File ▸ Import/Export ▸ ONNX
        self.refresh_recent_menu()
        self.update_title()
        self._restore_settings()

    # ------------------------------------------------------------ layout
    def _build_docks(self) -> None:
        self.palette = PaletteWidget(self)
        self.palette_dock = self._dock("Ops", self.palette, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.inspector = Inspector(self)
        self.inspector_dock = self._dock("Inspector", self.inspector,
                                         Qt.DockWidgetArea.RightDockWidgetArea)
        self.history = QUndoView(self.undo_stack)
        self.history.setEmptyLabel("<opened>")
        self.history_dock = self._dock("History", self.history,
                                       Qt.DockWidgetArea.RightDockWidgetArea)
        self.tabifyDockWidget(self.inspector_dock, self.history_dock)
        self.inspector_dock.raise_()
        self.bottom_docks: list[QDockWidget] = []
        side_docks(self, 1400)

    def _dock(self, title: str, widget, area) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock_{title.lower().replace(' ', '_')}")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _build_docks_menu(self) -> None:
        for dock in (self.palette_dock, self.inspector_dock, self.history_dock):
            self.view_menu.addAction(dock.toggleViewAction())
        self.view_menu.addSeparator()

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.counts_label = QLabel()
        self.zoom_label = QLabel()
        bar.addPermanentWidget(self.counts_label)
        bar.addPermanentWidget(self.zoom_label)
        self.view.zoom_changed.connect(lambda z: self.zoom_label.setText(f"{z * 100:.0f}%"))
        self.zoom_label.setText("100%")
        self._update_counts()

    def add_bottom_dock(self, widget, title: str) -> QDockWidget:
        """A dock in the tabbed bottom area (animation controls, loss plot…)."""
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock_{title.lower().replace(' ', '_')}")
        dock.setWidget(widget)
        if self.bottom_docks:       # tabify alone: added first, Qt leaves a stray tab bar
            self.tabifyDockWidget(self.bottom_docks[-1], dock)
        else:
            self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
        self.bottom_docks.append(dock)
        self.view_menu.addAction(dock.toggleViewAction())
        dock.raise_()
        return dock

    # ------------------------------------------------------------ graph and files
    def set_graph(self, graph: ComputationGraph, path: Path | None, name: str) -> None:
        """Show a new graph (New, Open, recovery): a fresh undo history, no result yet."""
        self.files.discard_recovery()        # the old document was saved or let go
        self.graph = graph
        if not self.scene.fold:
            unfold_layout(graph)            # a file laid out folded, shown unfolded
        self.scene.set_graph(graph)
        self.undo_stack.clear()
        self.files.path, self.files.display_name = path, name
        self.error = None
        self.last_result = self.shown_result = None
        self.inspector.node = self.inspector.edge = None
        self.inspector.rebuild()
        self.update_title()
        self._update_counts()
        self.view.fit()
        self.graph_replaced.emit(graph)
        self.result_changed.emit(None)

    def open_path(self, path) -> bool:
        return self.files.open_path(path)

    def _on_index_changed(self, _index: int) -> None:
        self.graph_edited.emit()

    def update_title(self, *_args) -> None:
        self.setWindowTitle(f"{self.files.display_name}[*] — Backprop Studio")
        self.setWindowModified(not self.undo_stack.isClean())

    def refresh_recent_menu(self) -> None:
        actions.fill_recent(self, app_settings.recent_files())

    def clear_recent(self) -> None:
        app_settings.clear_recent()
        self.refresh_recent_menu()

    # ------------------------------------------------------------ running
    def run_graph(self):
        """Forward and backward through the engine; values green, gradients red on the nodes."""
        try:
            result = engine.run(self.graph, trace=True)
        except GraphError as exc:
            self.show_error(exc)
            return None
        self.show_result(result)
        if result.output is None:
            self.show_message("Forward pass only: the graph has several ends; choose the output "
                              "(Edit ▸ Make Output)")
        else:
            self.show_message(f"Ran forward and backward: {self.graph.label(result.output)} = "
                              f"{fmt.short(result.values[result.output])}")
        return result

    def show_result(self, result) -> None:
        """Show a Result computed elsewhere (training) exactly as Run does."""
        self.error = None
        self.scene.clear_errors()
        self.last_result = self.shown_result = result
        self.scene.show_result(result)
        self.inspector.schedule()
        self.result_changed.emit(result)

    def show_error(self, error: GraphError) -> None:
        """An engine error: red outline and tooltip on its node, and the status bar."""
        self.error = error
        self.scene.show_error(error)
        self.last_result = None
        self.show_message(f"Cannot run: {error}", error=True)
        self.inspector.schedule()
        self.result_changed.emit(None)

    def node_error(self, node: str) -> str | None:
        if self.error is not None and self.error.node == node:
            return self.error.reason + (f" (port {self.error.port})" if self.error.port else "")
        return None

    def show_message(self, text: str, error: bool = False) -> None:
        bar = self.statusBar()
        bar.setStyleSheet(f"QStatusBar {{ color: {theme.current().error.name()}; }}"
                          if error else "")
        bar.setProperty("error_shown", bool(error and text))
        if text:
            bar.showMessage(text, 0 if error else 8000)
        else:
            bar.clearMessage()

    def show_refusal(self, title: str, text: str, box: bool = True) -> None:
        """Something the user asked for was refused: the status bar, and a box (one, reused)
        unless ``box`` is False (a paste of the wrong text)."""
        self.show_message(f"{title}: {text}", error=True)
        if box:
            self.refusal_box.show(title, text)

    def _on_graph_event(self, event: str, data: dict) -> None:
        maths = event not in ("node_moved", "folds_changed") and not (
            event == "node_changed" and data.get("what") in ("label", "view"))
        if maths:
            if self.error is not None:
                self.error = None
                self.scene.clear_errors()
            if self.statusBar().property("error_shown"):    # an error stays until the next
                self.show_message("")                       # edit, not after its fix
            if self.last_result is not None:
                self.last_result = None
                self.scene.mark_stale()
                self.result_changed.emit(None)
        if self.inspector.node in (data.get("node"), data.get("target"), data.get("source")) \
                or event == "graph_changed" or self.inspector.edge is not None:
            self.inspector.schedule()

    def _update_counts(self) -> None:
        self.counts_label.setText(f"{len(self.graph)} nodes · {len(self.graph.edges())} edges")

    # ------------------------------------------------------------ edits (menus, inspector)
    def _push(self, command) -> bool:
        try:
            commands.push(self.undo_stack, command)
            return True
        except GraphError as exc:
            self.show_message(f"Refused: {refusals.short(str(exc))}", error=True)
            self.inspector.show_kept_values()
            return False

    def rename(self, node: str, label: str) -> bool:
        label = label.strip()
        if not label:
            self.show_message("Refused: a label cannot be empty", error=True)
            self.inspector.show_kept_values()
            return False
        if label == self.graph.node(node)["label"]:
            return False
        return self._push(commands.SetLabel(self.graph, node, label))

    def set_config(self, node: str, key: str, value) -> bool:
        """Change a setting; a dense layer's or parameter's shape re-seeds its tensors in the
        same undo step, so W, b and the parameter value always match their settings. A value
        of the wrong kind is refused with a message and the old one stays."""
        if node not in self.graph:
            return False
        spec = self.graph.op(node)
        setting = spec.setting(key)
        try:
            if setting is None:
                raise ValueError(f"{spec.name} has no setting {key!r}")
            value = setting.check(value)         # the registry's rule; 3 for a number is 3.0
        except ValueError as exc:
            self.show_message(f"Refused: {key} {exc}", error=True)
            self.inspector.show_kept_values()
            return False
        current = self.graph.node(node)["config"].get(key)
        if type(current) is type(value) and current == value:
            return False
        op = spec.name
        try:
            with commands.macro(self.undo_stack, f"Set {self.graph.label(node)}.{key} = "
                                                 f"{value}"):
                commands.push(self.undo_stack, commands.SetConfig(self.graph, node, key, value))
                if key in RESHAPING.get(op, ()):
                    spec = self.graph.op(node)
                    config = self.graph.node(node)["config"]
                    for name, fresh in spec.initial_tensors(config).items():
                        commands.push(self.undo_stack,
                                      commands.SetTensor(self.graph, node, name, fresh))
        except (GraphError, ValueError, TypeError, OverflowError, MemoryError) as exc:
            self.show_message(f"Refused: {refusals.reason(exc)}", error=True)
            self.inspector.show_kept_values()
            return False
        return True

    def set_config_text(self, node: str, key: str, text: str) -> bool:
        """A shape typed as text, e.g. [2, 3]; refused unless a list of positive integers."""
        import json
        try:
            value = json.loads(text)
            if not isinstance(value, list) or not all(
                    isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in value):
                raise ValueError
        except ValueError:
            self.show_message(f"Refused: {key} must be a list of positive whole numbers, "
                              f"like [] or [2, 3]", error=True)
            self.inspector.show_kept_values()
            return False
        return self.set_config(node, key, value)

    def set_tensor(self, node: str, name: str, value) -> bool:
        """A new value for a node's tensor: finite numbers in a rectangular array, or refused
        with a message (the old value stays)."""
        try:
            value = check_tensor(value)
        except (ValueError, TypeError, OverflowError, RecursionError, MemoryError) as exc:
            self.show_message(f"Refused: {name}: {refusals.reason(exc)}", error=True)
            self.inspector.show_kept_values()
            return False
        return self._push(commands.SetTensor(self.graph, node, name, value))

    def connect_ports(self, source: str, target: str, port: str) -> bool:
        """source → target.port, or refused with the reason (a cycle, a taken port…)."""
        return self._push(commands.Connect(self.graph, source, target, port))

    def disconnect_port(self, target: str, port: str) -> bool:
        return self._push(commands.Disconnect(self.graph, target, port))

    def move_nodes(self, moves: dict) -> bool:
        """{node: new position} as one step; positions must be finite numbers."""
        try:
            moves = {n: (tuple(self.graph.node(n)["pos"]), (float(x), float(y)))
                     for n, (x, y) in moves.items()}
        except (GraphError, TypeError, ValueError) as exc:
            self.show_message(f"Refused: {refusals.reason(exc)}", error=True)
            return False
        if not all(math.isfinite(v) for _, new in moves.values() for v in new):
            self.show_message("Refused: a position must be a finite number", error=True)
            return False
        moves = {n: m for n, m in moves.items() if m[0] != m[1]}
        return bool(moves) and self._push(commands.MoveNodes(self.graph, moves))

    def set_output(self, node: str | None) -> bool:
        if self.graph.nx.graph.get("output") == node:
            return False
        return self._push(commands.SetOutput(self.graph, node))

    def make_output(self) -> None:
        nodes = self.scene.selected_nodes()
        if len(nodes) == 1:
            self.set_output(nodes[0])
        else:
            self.show_message("Select one node to make it the output")

    def delete(self) -> None:
        n = edit_ops.delete_selection(self.scene)
        if n:
            self.show_message(f"Deleted {n} item{'s' if n > 1 else ''}")

    def copy(self) -> None:
        if edit_ops.copy_selection(self.scene):
            self.show_message(f"Copied {len(self.scene.selected_with_folds())} nodes as graph "
                              "JSON")

    def cut(self) -> None:
        if edit_ops.copy_selection(self.scene):
            self.delete()

    def paste(self) -> None:
        """Ctrl+V: whatever the clipboard holds, a graph is pasted or the status bar says why."""
        ids = refusals.guarded(self, "Cannot paste", lambda: edit_ops.paste(self.scene),
                               box=False)
        if ids is not None:
            self.show_message(f"Pasted {len(ids)} node{'s' if len(ids) != 1 else ''}")

    def duplicate(self) -> None:
        edit_ops.duplicate_selection(self.scene)

    def auto_layout(self) -> None:
        if edit_ops.auto_layout(self.scene):
            self.view.fit()

    def set_snap(self, on: bool) -> None:
        self.scene.snap_to_grid = bool(on)

    def set_fold(self, on: bool) -> None:
        fold_actions.set_fold(self, on)

    def set_colorblind(self, on: bool) -> None:
        theme.set_palette("colorblind" if on else "cs231n")

    def _palette_changed(self) -> None:
        if not shiboken6.isValid(self):
            return
        for item in self.scene.node_items():
            item.update()
        for edge in self.scene.edge_items():
            edge.restyle()
        self.inspector.schedule()

    # ------------------------------------------------------------ settings and closing
    def _restore_settings(self) -> None:
        s = app_settings.settings()
        geometry, state = s.value("window/geometry"), s.value("window/state")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(first_size(self.screen().availableGeometry().size()))
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)
            self.dock_heights.restored = True
        snap = s.value("canvas/snap", False)
        self.actions["snap"].setChecked(snap in (True, "true"))
        self.set_snap(self.actions["snap"].isChecked())
        self.actions["fold"].setChecked(s.value("canvas/fold", True) not in (False, "false"))
        self.scene.fold = self.actions["fold"].isChecked()

    def save_settings(self) -> None:
        s = app_settings.settings()
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        s.setValue("canvas/snap", self.scene.snap_to_grid)
        s.setValue("canvas/fold", self.scene.fold)
        s.sync()

    def showEvent(self, event) -> None:
        """On the first show, with no saved layout, side docks for the window's real width."""
        super().showEvent(event)
        if not getattr(self, "_shown_once", False):
            self._shown_once = True
            if not self.dock_heights.restored:
                side_docks(self, self.width())

    def closeEvent(self, event) -> None:
        if not self.files.confirm_discard():
            event.ignore()
            return
        self.save_settings()
        self.files.timer.stop()
        self.files.discard_recovery()
        theme.remove_listener(self._palette_changed)
        event.accept()


def first_size(available: QSize) -> QSize:
    """The window's size on a first start: 1400×860, or the screen's available area when that
    is smaller (a 1280×800 laptop gets a window it can show whole, status bar included)."""
    return QSize(min(1400, available.width()), min(860, available.height()))
