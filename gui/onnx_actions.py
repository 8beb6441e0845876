"""File ▸ Import ▸ ONNX Model… and File ▸ Export ▸ ONNX…: a model made elsewhere opens as a
graph whose backward pass can be run and watched, and a graph goes out as an ONNX model.

The import goes through the guarded load path (refusals.guarded), so an unmapped op, a
malformed file, a model over the budget or a missing onnx package is a message and the graph
on screen stays as it was. The engine does all the work (engine/onnx_io); this module only
asks for files and, for a model without a loss, which output and which loss.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QVBoxLayout,
)

from backprop_studio.gui import refusals

FILTER = "ONNX models (*.onnx)"
NO_LOSS = "none: the output itself (∂ of the sum of its elements)"
LOSS_TEXT = {"mse": "mse against a new target input",
             "softmax_ce": "softmax_ce against a new target input (one-hot classes)"}


def install(window) -> None:
    """Add both actions to the File menu's Import and Export submenus."""
    window.onnx_import_action = QAction("ONNX Model…", window)
    window.onnx_import_action.setStatusTip("Open an ONNX model as a graph: its weights become "
                                           "trainable parameters")
    window.onnx_import_action.triggered.connect(lambda: import_dialog(window))
    window.import_menu.addAction(window.onnx_import_action)
    window.import_menu.menuAction().setVisible(True)
    window.onnx_export_action = QAction("ONNX…", window)
    window.onnx_export_action.setStatusTip("Save the forward pass to the output as an ONNX "
                                           "model")
    window.onnx_export_action.triggered.connect(lambda: export_dialog(window))
    window.export_menu.addAction(window.onnx_export_action)


def _examples() -> Path:
    from backprop_studio.engine.fileformat import EXAMPLES
    return EXAMPLES


def import_dialog(window) -> bool:
    if not window.files.confirm_discard():
        return False
    path, _ = QFileDialog.getOpenFileName(window, "Import ONNX model", str(_examples()),
                                          FILTER)
    return bool(path) and import_path(window, path)


def import_path(window, path, choose=None) -> bool:
    """Import the model at ``path`` into the window and run it. ``choose(window, translation)``
    returns (output, loss) or None to cancel; by default the OutputDialog asks."""
    from backprop_studio.engine.onnx_io.importer import finish, read_model, translate

    path = Path(path)
    title = f"Could not import {path.name}"
    translation = refusals.guarded(window, title, lambda: translate(read_model(path),
                                                                     path.name))
    if translation is None:
        return False
    output = loss = None
    if translation.needs_choice:
        choice = (choose or ask_output)(window, translation)
        if choice is None:
            window.show_message(f"Import of {path.name} cancelled")
            return False
        output, loss = choice
    graph = refusals.guarded(window, title, lambda: finish(translation, output, loss))
    if graph is None:
        return False
    window.set_graph(graph, None, f"{path.stem} (imported)")
    window.run_graph()
    window.show_message(f"Imported {path.name}: {len(graph)} nodes, {len(graph.trainable())} "
                        f"trainable tensors; output {graph.label(graph.output)}")
    return True


class OutputDialog(QDialog):
    """For a model without a loss: which output is the output, and the loss to add, if any."""

    def __init__(self, parent, translation) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import ONNX model")
        layout = QVBoxLayout(self)
        note = QLabel("The model has no loss. Choose the output whose gradients are shown, "
                      "and a loss to add after it if you want one.")
        note.setWordWrap(True)
        layout.addWidget(note)
        form = QFormLayout()
        self.output = QComboBox()
        self.output.addItems(list(translation.outputs))
        form.addRow("Output:", self.output)
        self.loss = QComboBox()
        self.loss.addItem(NO_LOSS, None)
        for name, text in LOSS_TEXT.items():
            self.loss.addItem(text, name)
        form.addRow("Loss:", self.loss)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok |
                                   QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def choice(self) -> tuple:
        return self.output.currentText(), self.loss.currentData()


def ask_output(window, translation):
    dialog = OutputDialog(window, translation)
    return dialog.choice() if dialog.exec() == QDialog.DialogCode.Accepted else None


def export_dialog(window) -> bool:
    path = window.files.path
    start = str(path.with_suffix(".onnx") if path else Path.home() / "graph.onnx")
    target, _ = QFileDialog.getSaveFileName(window, "Export ONNX", start, FILTER)
    return bool(target) and export_path(window, target)


def export_path(window, target) -> bool:
    from backprop_studio.engine.onnx_io.exporter import export_onnx

    target = Path(target)
    model = refusals.guarded(window, f"Could not export {target.name}",
                             lambda: export_onnx(window.graph, target))
    if model is None:
        return False
    window.show_message(f"Exported {target.name}: {len(model.graph.node)} ONNX nodes, "
                        f"{len(model.graph.initializer)} initializers")
    return True
