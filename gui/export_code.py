"""File ▸ Export ▸ As Code… (NumPy or PyTorch, engine/export) and the chain rule as LaTeX:
"Copy as LaTeX" in the Animation dock for the active step, and "Copy Chain Rule to Here as
LaTeX" on a node's context menu (engine/export/latex.py writes the LaTeX; this only asks and
copies). MainWindow calls ``install(window)`` once."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QToolButton,
    QWidget,
)

from backprop_studio.engine.errors import GraphError
from backprop_studio.engine.export import FORMATS, CannotSave, export
from backprop_studio.engine.export import latex as engine_latex
from backprop_studio.engine.fileformat import EXAMPLES

CODE_FORMATS = (("numpy", "NumPy script (numpy only)"), ("pytorch", "PyTorch nn.Module"))


def install(window) -> None:
    act = QAction("As &Code…", window)
    act.setToolTip("The graph as a runnable NumPy or PyTorch script: forward, backward and the "
                   "training loop, with the same numbers as the app")
    act.triggered.connect(lambda: ask_and_export(window))
    window.export_menu.addAction(act)
    window.export_code_action = act
    animation = getattr(window, "animation", None)
    if animation is not None:
        window.copy_latex_button = _add_copy_button(window, animation.panel)
    window.scene.node_menu_extras.append(lambda menu, node: _node_menu(window, menu, node))


# ---------------------------------------------------------------- code

class ExportCodeDialog(QDialog):
    """Which language, and where."""

    def __init__(self, window, parent=None):
        super().__init__(parent or window)
        self.setWindowTitle("Export as Code")
        self.window_ = window
        self.format_box = QComboBox()
        for name, text in CODE_FORMATS:
            self.format_box.addItem(text, name)
        self.path_edit = QLineEdit(self._default_path("numpy"))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        self.format_box.currentIndexChanged.connect(self._format_changed)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        holder = QWidget()
        holder.setLayout(row)
        row.setContentsMargins(0, 0, 0, 0)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save |
                                   QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Language", self.format_box)
        form.addRow("File", holder)
        form.addRow(buttons)
        self.resize(520, self.sizeHint().height())

    @property
    def format(self) -> str:
        return self.format_box.currentData()

    def _default_path(self, fmt: str) -> str:
        """Beside the graph's file, or in the home folder for an unsaved graph or a bundled
        example (never into the installed package)."""
        source = getattr(self.window_.files, "path", None)
        stem = Path(source).stem if source else "graph"
        folder = Path(source).parent if source else Path.home()
        if source and Path(source).resolve().is_relative_to(EXAMPLES.resolve()):
            folder = Path.home()
        return str(folder / f"{stem}_{fmt}{FORMATS[fmt].suffix}")

    def _format_changed(self) -> None:
        old = {self._default_path(name) for name, _ in CODE_FORMATS}
        if self.path_edit.text() in old:          # not typed by the person: follow the choice
            self.path_edit.setText(self._default_path(self.format))

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export as Code", self.path_edit.text(),
                                              "Python script (*.py)")
        if path:
            self.path_edit.setText(path)


def ask_and_export(window) -> bool:
    dialog = ExportCodeDialog(window)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    return export_code(window, dialog.format, dialog.path_edit.text().strip())


def export_code(window, fmt: str, path: str) -> bool:
    """Write the script; a graph that cannot be exported gets a message box saying why."""
    if not path:
        _refuse(window, "Choose a file to write the script to.")
        return False
    source = getattr(window.files, "path", None)
    try:
        summary = export(window.graph, fmt, path, source=str(source) if source else None)
    except CannotSave as exc:
        _refuse(window, f"Cannot write {path}: {exc.reason}")
        return False
    except GraphError as exc:
        _refuse(window, f"Cannot export this graph: {exc}")
        return False
    except OSError as exc:
        _refuse(window, f"Cannot write {path}: {exc.strerror or exc}")
        return False
    window.show_message(summary[0].upper() + summary[1:])
    return True


def _refuse(window, text: str) -> None:
    window.show_message(text, error=True)
    box = QMessageBox(QMessageBox.Icon.Warning, "Export as Code", text,
                      QMessageBox.StandardButton.Ok, window)
    box.setObjectName("export_code_refusal")
    window.export_code_refusal = box
    box.open()


# ---------------------------------------------------------------- LaTeX

def copy_text(window, text: str, what: str) -> None:
    QGuiApplication.clipboard().setText(text)
    window.show_message(f"Copied {what} as LaTeX")


def copy_step_latex(window) -> str | None:
    """The active animation step's chain rule, on the clipboard; None when there is none."""
    ctl = window.animation.controller
    tl, active = ctl.timeline, ctl.active
    if tl is None or active is None:
        window.show_message("No step to copy: run the graph and step through the animation",
                            error=True)
        return None
    text = engine_latex.step_latex(tl.graph, tl.result, active.subject)
    copy_text(window, text, "the step's chain rule")
    return text


def copy_path_latex(window, node: str) -> str | None:
    """∂out/∂node along every path from the output, on the clipboard."""
    result = window.last_result or window.run_graph()
    if result is None:
        return None
    try:
        text = engine_latex.path_latex(window.graph, result, node)
    except ValueError as exc:
        window.show_message(f"No chain rule to copy: {exc}", error=True)
        return None
    copy_text(window, text, f"the chain rule down to {window.graph.label(node)}")
    return text


def _add_copy_button(window, panel) -> QToolButton:
    button = QToolButton()
    button.setText("Copy as LaTeX")
    button.setToolTip("Copy the active step's chain rule, with its numbers, as LaTeX")
    button.clicked.connect(lambda: copy_step_latex(window))
    bar = _layout_holding(panel.layout(), panel.check_button)
    if bar is not None:
        bar.insertWidget(bar.indexOf(panel.check_button) + 1, button)
    return button


def _layout_holding(layout, widget):
    if layout is None:
        return None
    if layout.indexOf(widget) >= 0:
        return layout
    for i in range(layout.count()):
        found = _layout_holding(layout.itemAt(i).layout(), widget)
        if found is not None:
            return found
    return None


def _node_menu(window, menu, node: str) -> None:
    act = menu.addAction("Copy Chain Rule to Here as LaTeX")
    act.setToolTip("∂(output)/∂(this node) along every path from the output, with the numbers")
    act.triggered.connect(lambda: copy_path_latex(window, node))
